"""``sheetsync doctor``: is everything a run needs in place? One plain line per finding.

Each check returns ``Finding`` objects: ``ok`` and one sentence that says what was found or,
when something is wrong, what is wrong and how to fix it. ``diagnose`` runs them all in
order: the config file, the Google key file(s), each SOURCE, each key's projects and
headroom (``doctor_keys``), the mail (the SMTP login, or the outbox folder), the state
folder. Nothing is written to a sheet and no email is sent (with several key files, which
key opened each sheet is remembered in the state dir, as a run does): the
SMTP check is the mail transport's probe, which connects, says EHLO, secures the connection
and logs in as a send would, then says QUIT.

Exit status (``Diagnosis.exit_code``): 0 when every finding is OK, 1 when something is
wrong, 2 when the config file or the environment cannot be loaded.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sheetsync import backends
from sheetsync.core.findings import Finding
from sheetsync.errors import ConfigError
from sheetsync.host import config
from sheetsync.host.ledger import Ledger
from sheetsync.mail import transport as mail
from sheetsync.model import SmtpSettings
from sheetsync.shell import doctor_inbox, doctor_keys, wiring
from sheetsync.shell.pipeline import access
from sheetsync.shell.summaries import count

SMTP_TIMEOUT = 15.0  # seconds, at most, for the SMTP check


def good(text: str) -> Finding:
    return Finding(True, text)


def bad(text: str) -> Finding:
    return Finding(False, text)


@dataclass
class Diagnosis:
    """Every finding of one doctor run, and whether the config itself failed to load."""

    findings: list[Finding] = field(default_factory=list)
    config_error: bool = False
    keys: list[doctor_keys.KeyUse] = field(default_factory=list)  # each key's projects, load
    unmatched: list[str] = field(default_factory=list)  # Google Sheets no key opened

    @property
    def exit_code(self) -> int:
        if self.config_error:
            return 2
        return 0 if all(f.ok for f in self.findings) else 1

    def lines(self, debug: bool = False) -> list[str]:
        return [f.line(debug) for f in self.findings]

    def to_json(self) -> dict[str, Any]:
        """``doctor --json``: every finding, and each key's projects and headroom."""
        return {"ok": self.exit_code == 0,
                "findings": [{"ok": f.ok, "text": f.text, "detail": f.detail}
                             for f in self.findings],
                "keys": [doctor_keys.key_json(use) for use in self.keys],
                "unmatched": list(self.unmatched)}


# --------------------------------------------------------------------------- the whole run


def diagnose(config_path: str | None, sources: Sequence[str] = (),
             now: datetime | None = None) -> Diagnosis:
    """Run every check: config, key file, sources, each key's load, mail, state folder."""
    result = Diagnosis()
    cfg, finding = check_config(config_path)
    result.findings.append(finding)
    if cfg is None:
        result.config_error = True
        return result
    todo = list(sources) or [p.source for p in cfg.projects]
    if not todo:
        result.findings.append(bad("Projects: none listed and no SOURCE given, so run, report "
                                   "and remind have nothing to do; list each project as "
                                   "[[projects]] in sheetsync.toml (see "
                                   "sheetsync.example.toml) or name a SOURCE."))
    how = access(cfg)
    kinds = [(source, kind_or_finding(source)) for source in todo]
    ready: dict[str, bool] = {}
    for k in backends.kinds():
        first = k.prepare(how, needed=any(found is k for _, found in kinds))
        if first is not None:
            result.findings.append(first)
        ready[k.name] = first is None or first.ok
    for source, found in kinds:
        if isinstance(found, Finding):
            result.findings.append(found)
        else:
            result.findings.extend(found.diagnose(source, how, ready=ready[found.name]))
    result.keys, result.unmatched = doctor_keys.shown(cfg, todo, now or datetime.now(UTC))
    result.findings.extend(doctor_keys.check_keys(result.keys, result.unmatched, cfg))
    result.findings.extend(check_mail(cfg))
    result.findings.extend(doctor_inbox.check_inbox(cfg))
    result.findings.append(check_state_dir(Path(cfg.state_dir)))
    result.findings.extend(check_unknown_sends(cfg, todo))
    return result


def check_unknown_sends(cfg: config.Config, sources: Sequence[str]) -> list[Finding]:
    """Every send that may or may not have reached a client, until the admin resolves it."""
    ledger = Ledger(cfg.state_dir)
    out = []
    for source in sources:
        try:
            unknown = ledger.unknown_sends(source)
        except (ConfigError, ValueError):
            continue  # the state folder's own finding says what is wrong
        for job, period, message_id in unknown:
            out.append(bad(f"Unknown send: the {job} of {source} for {period} ({message_id}) "
                           "may or may not have reached the client; ask them, then run "
                           f"`sheetsync resolve {source} --period {period} --job {job} "
                           "--sent` (it arrived) or `--resend` (send it again)."))
    return out


def check_config(path: str | None) -> tuple[config.Config | None, Finding]:
    """The config file and the environment, loaded as every command loads them."""
    try:
        cfg = config.load(path)
    except ConfigError as err:
        return None, bad(f"Config: {err}")
    if not cfg.path:
        return cfg, good(f"Config: no {config.DEFAULT_FILE} here; defaults and SHEETSYNC_* "
                         "variables are used.")
    listed = count(len(cfg.projects), "project")
    return cfg, good(f"Config: {cfg.path} loads, {listed} listed.")


def kind_or_finding(source: str) -> backends.SourceKind | Finding:
    """The kind of a SOURCE, or what is wrong with its spelling."""
    try:
        return backends.kind(source)
    except ConfigError as err:
        return bad(str(err))


# --------------------------------------------------------------------------- mail


def check_mail(cfg: config.Config) -> list[Finding]:
    """The outbox folder, or the sender address and the SMTP login."""
    if cfg.uses_outbox:
        if not cfg.sender and "@" not in cfg.smtp.user:
            return [bad("Sender: no From address is set (emails in the outbox would come from "
                        f"{wiring.sender_for(cfg)}); set SHEETSYNC_FROM (or from = \"...\" in "
                        "sheetsync.toml) to the address client emails come from."),
                    check_outbox(cfg.outbox_dir)]
        return [check_outbox(cfg.outbox_dir)]
    try:
        sender = wiring.sender_for(cfg)
    except ConfigError as err:
        return [bad(f"Sender: {err}")]
    try:
        settings = smtp_settings(cfg)
    except ConfigError as err:
        return [bad(f"SMTP: {err}")]
    return [good(f"Sender: client emails come from {sender}."),
            check_smtp(settings, user_set_in=user_place(cfg))]


def user_place(cfg: config.Config, env: Mapping[str, str] | None = None) -> str:
    """Where the SMTP user was set: the variable when it is set, else the config file."""
    env = os.environ if env is None else env
    if env.get("SHEETSYNC_SMTP_USER"):
        return "SHEETSYNC_SMTP_USER"
    return f"user in [smtp] of {cfg.path}" if cfg.path else "SHEETSYNC_SMTP_USER"


def check_outbox(folder: Path) -> Finding:
    """With no SMTP host (or SHEETSYNC_OUTBOX set), emails are .eml files in a folder."""
    where = writable_dir(folder)
    if where:
        return bad(f"The outbox folder {folder} is used, no SMTP, but {where}; make it "
                   "writable or set SHEETSYNC_OUTBOX to another folder.")
    return good(f"The outbox folder {folder} is used, no SMTP: emails are written there as "
                ".eml files (set SHEETSYNC_SMTP_HOST to send them).")


def smtp_settings(cfg: config.Config) -> SmtpSettings:
    """The settings a send would use, with the doctor's shorter timeout."""
    return replace(cfg.smtp, timeout=min(cfg.smtp.timeout, SMTP_TIMEOUT)).checked()


def check_smtp(s: SmtpSettings, user_set_in: str = "SHEETSYNC_SMTP_USER") -> Finding:
    """The transport's probe: connect, EHLO, STARTTLS or SSL, log in, QUIT; no email sent.
    ``user_set_in`` names where the login was set, for the sentence about its password."""
    if s.user and not s.password and not s.oauth2_file:
        return bad(f"SMTP: {user_set_in} is {s.user!r} but no password is set; set "
                   "SHEETSYNC_SMTP_PASSWORD (or store it in the system keyring).")
    ok, said = mail.probe(s)
    if not ok:  # the sentence names the server
        return bad(f"SMTP ({s.security}): {said}")
    return good(f"SMTP {s.where} ({s.security}): connected, {said}, QUIT; no email sent.")


# --------------------------------------------------------------------------- state folder


def check_state_dir(folder: Path) -> Finding:
    """Where run state and locks live: it must be writable, or creatable."""
    problem = writable_dir(folder)
    if problem:
        return bad(f"The state folder {folder}: {problem}; set SHEETSYNC_STATE_DIR (or "
                   "state_dir in sheetsync.toml) to a folder this user may write.")
    if not folder.exists():
        return good(f"The state folder {folder} does not exist yet; sheetsync creates it on "
                    "the first run.")
    return good(f"The state folder {folder} is writable.")


def writable_dir(folder: Path) -> str:
    """"" when ``folder`` can be written (or created), else what stops it.

    An existing folder is tested by creating and removing a temporary file in it; a missing
    one only by looking at the nearest folder above it that exists (nothing is created).
    """
    if folder.exists():
        if not folder.is_dir():
            return "it is a file, not a folder"
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            return f"it cannot be written ({exc.strerror or exc})"
        return ""
    parent = folder.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return f"it does not exist and {parent} does not let this user create it"
    return ""
