"""The effective settings: ``sheetsync.toml`` overridden by the environment (CONTRACT §5).

Secrets (the SMTP password) come only from the environment or the system keyring, never
from the config file, and ``redacted()`` is what anything shows or logs. Every mistake is a
``ConfigError`` (exit 2) whose sentence names the file or variable to fix.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from sheetsync.core import cells, schema
from sheetsync.core.digest import DAY_NAMES, DigestSchedule
from sheetsync.errors import ConfigError
from sheetsync.host.places import default_state_dir
from sheetsync.model import SmtpSettings

DEFAULT_FILE = "sheetsync.toml"
SECURITIES = ("ssl", "starttls", "none")
KEYRING_SERVICE = "sheetsync"


@dataclass(frozen=True)
class ProjectRef:
    """One project the config file lists: a name for people, a SOURCE for the backends."""

    source: str
    name: str = ""


@dataclass(frozen=True)
class Config:
    projects: tuple[ProjectRef, ...] = ()
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    sender: str = ""
    outbox: str = ""
    credentials: str = "credentials.json"  # the (first) service-account key file
    sheets_endpoint: str = ""
    state_dir: str = field(default_factory=default_state_dir)  # absolute, one per user
    admin_email: str = ""
    every_minutes: int = 15
    json_logs: bool = False
    # Google request timeouts in seconds (None: the backend's defaults, docs/admin.md)
    sheets_connect_timeout: float | None = None
    sheets_read_timeout: float | None = None
    sheets_retry_budget: float | None = None
    skip_unchanged: bool = True  # run skips unchanged sheets with nothing due (Drive stamp)
    # pacing of Google requests per service account, shared by every process on the host
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    google_workers: int = 4  # projects whose Google I/O one run does at once
    path: str = ""  # the file it came from, "" when none
    digest: DigestSchedule = field(default_factory=DigestSchedule)  # [digest]
    inbox_address: str = ""  # [inbox] address: where reply buttons send (default: from)
    # every key file, in the order a sheet tries them; empty: just ``credentials`` (see keys)
    key_files: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key file, in order: ``key_files``, else the one ``credentials``."""
        return self.key_files or (self.credentials,)

    @property
    def uses_outbox(self) -> bool:
        """Emails go to .eml files: an outbox is set, or no SMTP host is (CONTRACT §5)."""
        return bool(self.outbox) or not self.smtp.host

    @property
    def outbox_dir(self) -> Path:
        return Path(self.outbox or "outbox")

    def redacted(self) -> dict[str, Any]:
        """Everything, as plain data, with the password shown only as set or not."""
        data = asdict(self)
        data["smtp"]["password"] = "(set)" if self.smtp.password else "(not set)"
        data["projects"] = [asdict(p) for p in self.projects]
        data["key_files"] = list(self.keys)
        data["digest"] = {**data["digest"], "to": list(self.digest.to),
                          "day": DAY_NAMES[self.digest.day].title(),
                          "time": self.digest.time.strftime("%H:%M")}
        for attr in TIMEOUT_SETTINGS.values():
            if data[attr] is None:
                data[attr] = "(default)"
        return data


_KINDS = {int: "a whole number", float: "a number", str: "text in quotes",
          bool: "true or false"}


def _get(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = table.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
        raise ConfigError(f"{key} in {where} must be {_KINDS[kind]}; fix it in that file.")
    if isinstance(value, str):
        _plain(value, f"{key} in {where}")
    return value


def _plain(value: str, what: str) -> str:
    """``value`` when it holds no control character (a NUL, a line break), else ConfigError
    that names where it was set: a file name or a header cannot hold one."""
    bad = next((c for c in value if ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        raise ConfigError(f"{what} contains a control character ({bad!r}) in {value!r}; "
                          "remove it (a line break, a NUL) and write the value on one line.")
    return value


def _in_range(value: int | None, low: int, high: int, what: str) -> int | None:
    if value is not None and not low <= value <= high:
        raise ConfigError(f"{what} is {value}; set it to a whole number from {low} to {high}.")
    return value


# The keys a config file may hold, from the settings they fill: a new setting is known here
# as soon as it is a field (the file spells ``sender`` as ``from``; ``path`` is not a key).
_FILE_NAMES = {"sender": "from", "inbox_address": "inbox"}
TOP_KEYS = tuple(_FILE_NAMES.get(f.name, f.name) for f in fields(Config)
                 if f.name not in ("path", "key_files"))
SMTP_KEYS = tuple(f.name for f in fields(SmtpSettings) if f.name != "password")
PROJECT_KEYS = tuple(f.name for f in fields(ProjectRef))


def _unknown_keys(table: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    """An unknown key is a ConfigError (exit 2) naming the nearest known one."""
    for key in table:
        if key in known:
            continue
        near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        hint = (f"did you mean {near[0]!r}?" if near
                else f"the known keys are {', '.join(known)}.")
        raise ConfigError(f"unknown key {key!r} {where}; {hint} "
                          "(sheetsync.example.toml lists every setting.)")


def _from_file(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix that line.") from exc
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read ({exc.strerror}); check the path.") from exc
    where = str(path)
    smtp_table = data.get("smtp", {})
    if not isinstance(smtp_table, dict):
        raise ConfigError(f"[smtp] in {where} must be a table; see sheetsync.example.toml.")
    if any("password" in str(key).lower() for key in (*smtp_table, *data)):
        raise ConfigError(f"{where} holds an SMTP password; remove it and set "
                          "SHEETSYNC_SMTP_PASSWORD or the system keyring instead.")
    _unknown_keys(data, TOP_KEYS, f"in {where}")
    _unknown_keys(smtp_table, SMTP_KEYS, f"in [smtp] of {where}")
    projects = []
    listed = data.get("projects", [])
    if not isinstance(listed, list):
        raise ConfigError(f"projects in {where} must be [[projects]] tables, each with a "
                          "source = \"...\" line; see sheetsync.example.toml.")
    for i, entry in enumerate(listed, start=1):
        item = {"source": entry} if isinstance(entry, str) else entry
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            raise ConfigError(f"project {i} in {where} needs a source = \"...\" line "
                              "(an .xlsx path, a Google Sheet URL or gsheet:<id>).")
        _unknown_keys(item, PROJECT_KEYS, f"in project {i} ([[projects]]) of {where}")
        source = _plain(item["source"], f"the source of project {i} in {where}")
        if not _is_remote(source) and not Path(source).is_absolute():
            source = str((path.parent / source).resolve())  # relative to the config file
        name = _plain(str(item.get("name", "")), f"the name of project {i} in {where}")
        projects.append(ProjectRef(source=source, name=name))
    smtp = SmtpSettings(
        host=_get(smtp_table, "host", str, where) or "",
        port=_in_range(_get(smtp_table, "port", int, where), 1, 65535,
                       f"port in [smtp] of {where}"),
        security=_get(smtp_table, "security", str, where) or "starttls",
        user=_get(smtp_table, "user", str, where) or "",
        oauth2_file=_beside(path, _get(smtp_table, "oauth2_file", str, where)),
        timeout=_get(smtp_table, "timeout", float, where) or 30.0,
    )
    return Config(
        projects=tuple(projects),
        smtp=smtp,
        sender=_get(data, "from", str, where) or "",
        outbox=_beside(path, _get(data, "outbox", str, where)),
        **_credentials(data.get("credentials"), where, path),
        sheets_endpoint=_get(data, "sheets_endpoint", str, where) or "",
        state_dir=_beside(path, _get(data, "state_dir", str, where)) or default_state_dir(),
        admin_email=_get(data, "admin_email", str, where) or "",
        every_minutes=_in_range(_get(data, "every_minutes", int, where), 1, 1440,
                                f"every_minutes in {where}") or 15,
        json_logs=bool(_get(data, "json_logs", bool, where)),
        skip_unchanged=_get(data, "skip_unchanged", bool, where) is not False,
        reads_per_minute=_in_range(_get(data, "reads_per_minute", int, where), 1, 100000,
                                   f"reads_per_minute in {where}") or 60,
        writes_per_minute=_in_range(_get(data, "writes_per_minute", int, where), 1, 100000,
                                    f"writes_per_minute in {where}") or 60,
        google_workers=_in_range(_get(data, "google_workers", int, where), 1, 32,
                                 f"google_workers in {where}") or 4,
        sheets_connect_timeout=_get(data, "sheets_connect_timeout", float, where),
        sheets_read_timeout=_get(data, "sheets_read_timeout", float, where),
        sheets_retry_budget=_get(data, "sheets_retry_budget", float, where),
        path=where,
        digest=_digest(data.get("digest", {}), where),
        inbox_address=_inbox(data.get("inbox", {}), where),
    )


def _credentials(value: Any, where: str, config_file: Path) -> dict[str, Any]:
    """``credentials``: one key file, or a list of them tried in order (several accounts)."""
    listed = value if isinstance(value, list) else [] if value in (None, "") else [value]
    if (value not in (None, "") and not listed) or not all(
            isinstance(v, str) and v.strip() for v in listed):
        raise ConfigError(f"credentials in {where} must be the path of a service-account key "
                          "file in quotes, or a list of them, e.g. credentials = "
                          "[\"/etc/sheetsync/key-a.json\", \"/etc/sheetsync/key-b.json\"].")
    found = [_beside(config_file, _plain(v, f"credentials in {where}").strip()) for v in listed]
    return _key_list(found) if found else {}


def _key_list(paths: Sequence[str]) -> dict[str, Any]:
    """Several key files, duplicates dropped; SHEETSYNC_CREDENTIALS separates them with
    ``os.pathsep`` (``:``), a single path being as before."""
    unique = tuple(dict.fromkeys(p.strip() for p in paths if p.strip()))
    return {"credentials": unique[0], "key_files": unique} if unique else {
        "credentials": "".join(paths), "key_files": ()}


def _inbox(table: Any, where: str) -> str:
    """The [inbox] section: ``address``, the mailbox the reply buttons write to."""
    if not isinstance(table, dict):
        raise ConfigError(f"[inbox] in {where} must be a table; see sheetsync.example.toml.")
    _unknown_keys(table, ("address",), f"in [inbox] of {where}")
    return str(_get(table, "address", str, f"[inbox] of {where}") or "").strip()


def _beside(config_file: Path, folder: str | None) -> str:
    """A path the config file names (state_dir, outbox, credentials, oauth2_file), absolute:
    a relative one is read from the file's folder, as a source is, never from where a run
    was started (cron starts elsewhere)."""
    if not folder:
        return ""
    return str((config_file.parent / Path(folder).expanduser()).absolute())


def _is_remote(source: str) -> bool:
    return source.startswith(("gsheet:", "http://", "https://"))


_ENV_TEXTS = ("SHEETSYNC_FROM", "SHEETSYNC_ADMIN_EMAIL", "SHEETSYNC_SMTP_HOST",
              "SHEETSYNC_SMTP_USER", "SHEETSYNC_SMTP_SECURITY", "SHEETSYNC_OUTBOX",
              "SHEETSYNC_STATE_DIR", "SHEETSYNC_CREDENTIALS", "SHEETSYNC_SHEETS_ENDPOINT",
              "SHEETSYNC_SMTP_OAUTH2_FILE")


def _keyring_password(user: str) -> str:
    if not user:
        return ""
    try:
        import keyring  # optional: only where the admin installed it
    except ImportError:
        return ""
    try:
        return keyring.get_password(KEYRING_SERVICE, user) or ""
    except Exception:  # a keyring with no backend must not stop the run
        return ""


# Google request timeouts: environment variable -> Config field (docs/admin.md)
TIMEOUT_SETTINGS = {
    "SHEETSYNC_SHEETS_CONNECT_TIMEOUT": "sheets_connect_timeout",
    "SHEETSYNC_SHEETS_READ_TIMEOUT": "sheets_read_timeout",
    "SHEETSYNC_SHEETS_RETRY_BUDGET": "sheets_retry_budget",
}


def _timeouts(config: Config, env: Mapping[str, str]) -> dict[str, float | None]:
    """The timeouts of the file, then of the environment, each 0.1 to 3600 seconds."""
    out: dict[str, float | None] = {}
    for name, attr in TIMEOUT_SETTINGS.items():
        text = env.get(name, "").strip()
        value: float | None = getattr(config, attr)
        where = f"{attr} in {config.path}"
        if text:
            where = name
            try:
                value = float(text)
            except ValueError:
                value = -1.0
        if value is not None and not 0.1 <= value <= 3600:
            shown = repr(text) if text else repr(value)
            raise ConfigError(f"{where} is {shown}; set it to a number of seconds from 0.1 "
                              "to 3600, or leave it unset.")
        out[attr] = value
    return out


def load(path: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The file (``--config`` or ./sheetsync.toml if present), then the environment over it."""
    env = os.environ if env is None else env
    for name in _ENV_TEXTS:
        if name in env:
            _plain(env[name], name)
    if path is not None and Path(path).is_dir():
        inside = Path(path) / DEFAULT_FILE
        if not inside.is_file():
            raise ConfigError(f"--config {path} is a folder with no {DEFAULT_FILE} in it; give "
                              f"the config file's path, e.g. --config {inside}.")
        path = str(inside)  # a folder means its sheetsync.toml, as in the current folder
    if path is not None:
        if not Path(path).is_file():
            raise ConfigError(f"the config file {path} does not exist; check --config, or copy "
                              "sheetsync.example.toml there.")
        config = _from_file(Path(path))
    elif Path(DEFAULT_FILE).is_file():
        config = _from_file(Path(DEFAULT_FILE))
    else:
        config = Config()
    smtp = config.smtp
    port = env.get("SHEETSYNC_SMTP_PORT")
    if port is not None and port.strip():
        if not port.strip().isdigit():
            raise ConfigError(f"SHEETSYNC_SMTP_PORT is {port!r}; set it to a port number such "
                              "as 587.")
        smtp = replace(smtp, port=_in_range(int(port), 1, 65535, "SHEETSYNC_SMTP_PORT"))
    smtp = replace(
        smtp,
        host=env.get("SHEETSYNC_SMTP_HOST", smtp.host),
        security=env.get("SHEETSYNC_SMTP_SECURITY", smtp.security).strip().lower(),
        user=env.get("SHEETSYNC_SMTP_USER", smtp.user),
        oauth2_file=env.get("SHEETSYNC_SMTP_OAUTH2_FILE", smtp.oauth2_file),
    )
    if smtp.security not in SECURITIES:
        where = ("SHEETSYNC_SMTP_SECURITY" if "SHEETSYNC_SMTP_SECURITY" in env
                 else f"security in [smtp] of {config.path}")
        raise ConfigError(f"SMTP security is {smtp.security!r}; set {where} to ssl, starttls "
                          "or none.")
    password = env.get("SHEETSYNC_SMTP_PASSWORD") or _keyring_password(smtp.user)
    smtp = replace(smtp, password=password if smtp.user else "")
    timeouts = _timeouts(config, env)
    return replace(
        config,
        smtp=smtp,
        sender=env.get("SHEETSYNC_FROM", config.sender),
        outbox=env.get("SHEETSYNC_OUTBOX", config.outbox),
        **(_key_list(env["SHEETSYNC_CREDENTIALS"].split(os.pathsep))
           if "SHEETSYNC_CREDENTIALS" in env else {}),
        sheets_endpoint=env.get("SHEETSYNC_SHEETS_ENDPOINT", config.sheets_endpoint),
        state_dir=str(Path(env.get("SHEETSYNC_STATE_DIR") or config.state_dir)
                      .expanduser().absolute()),
        admin_email=env.get("SHEETSYNC_ADMIN_EMAIL", config.admin_email),
        digest=replace(config.digest, to=_addresses(env["SHEETSYNC_DIGEST_TO"],
                                                    "SHEETSYNC_DIGEST_TO"))
        if env.get("SHEETSYNC_DIGEST_TO", "").strip() else config.digest,
        sheets_connect_timeout=timeouts["sheets_connect_timeout"],
        sheets_read_timeout=timeouts["sheets_read_timeout"],
        sheets_retry_budget=timeouts["sheets_retry_budget"],
    )


def _addresses(text: str, where: str) -> tuple[str, ...]:
    parsed = cells.parse_addresses(text)
    if isinstance(parsed, cells.Bad) or parsed is None:
        return ()
    good, bad = parsed
    if bad:
        raise ConfigError(f"{where} holds {bad[0][0]!r}, which is not one plain address; "
                          "write name@domain, several separated by commas.")
    return good


def _digest(table: Any, where: str) -> DigestSchedule:
    """The [digest] section: to, day (default Monday), time (09:00), time_zone (UTC)."""
    if not isinstance(table, dict):
        raise ConfigError(f"[digest] in {where} must be a table; see sheetsync.example.toml.")
    _unknown_keys(table, tuple(f.name for f in fields(DigestSchedule)), f"in [digest] of {where}")
    to = table.get("to", [])
    if isinstance(to, list):
        to = ", ".join(str(a) for a in to)
    if not isinstance(to, str):
        raise ConfigError(f"to in [digest] of {where} must be text in quotes.")
    day = cells.parse_word(_get(table, "day", str, where) or "Monday", schema.WEEKDAYS)
    clock = cells.parse_time(_get(table, "time", str, where) or "09:00")
    zone = cells.parse_time_zone(_get(table, "time_zone", str, where) or "UTC")
    if not isinstance(day, int):
        raise ConfigError(f"day in [digest] of {where} must be a weekday, e.g. \"Monday\".")
    if not isinstance(clock, time):
        raise ConfigError(f"time in [digest] of {where} must be HH:MM, e.g. \"09:00\".")
    if not isinstance(zone, str):
        raise ConfigError(f"time_zone in [digest] of {where} must be an IANA name, e.g. "
                          "\"Europe/London\".")
    return DigestSchedule(_addresses(to, f"to in [digest] of {where}"), day, clock, zone)
