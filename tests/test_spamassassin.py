"""Every kind of email sheetsync sends passes SpamAssassin's content rules untouched.

A client report that lands in spam is a report never read. This makes each kind of email
the way cron would (the real ``sheetsync`` command, emails to the outbox): the weekly
report, the reminder and the team's preview in English and in Chinese, the agency digest,
the admin's alert, the team nudge (an Owner email's overdue milestone, sent by ``run``),
the acknowledgement of a client's reply (``inbox``, the reply read from a loopback IMAP
server) and the retrospective (``retro --send``) (a new kind of email belongs in this
list); then scores each
with the Debian SpamAssassin and its shipped rules, local tests only (``spamassassin -L
-t``: no DNS, no network). No rule may fire except the ones that only say what a file in an
outbox is: it has not travelled (NO_RECEIVED, NO_RELAYS) and it has an HTML part
(HTML_MESSAGE, 0.001 points, on every HTML email). Skipped where SpamAssassin is not
installed; ``.ci/run`` installs it.

The email headers every kind shares are held here too: ``Auto-Submitted: auto-generated``
(RFC 3834, so auto-responders stay quiet), a Message-ID in the sender's own domain, and the
reply path to the PM.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest

from tests.fixtures_env import child_environ
from tests.fixtures_imap import ImapServer, client_reply
from tests.xlsx_factory import make_workbook

ROOT = Path(__file__).resolve().parents[1]
SPAMASSASSIN = shutil.which("spamassassin")
SENDER = "Studio Projects <projects@studio.example>"
ADMIN = "ops@studio.example"
BOOKS = {"en": ROOT / "examples" / "acme-rollout.xlsx",
         "zh": ROOT / "sheet_templates" / "sheetsync-template-zh.xlsx"}
# Rules that describe an outbox file, not its content (see the module docstring).
INFORMATIONAL = {"NO_RECEIVED", "NO_RELAYS", "HTML_MESSAGE"}


def _sheetsync(env: dict[str, str], cwd: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "sheetsync", *args], cwd=cwd, env=env,
                   capture_output=True, text=True, check=False)


def _nudged_project(path: Path) -> Path:
    """A project whose team milestone, with an Owner email, is four days overdue."""
    settings = {"Project": "Late project", "Client": "Acme Ltd",
                "Client emails": "ann@acme.example", "Project manager": "Sam Lee",
                "PM email": "pm@studio.example", "Time zone": "Europe/London",
                "Report day": "Friday", "Report time": "16:00"}
    return make_workbook(path, {
        "Project": [["Field", "Value"], *([k, v] for k, v in settings.items())],
        "Milestones": [["ID", "Milestone", "Owner", "Owner email", "Start", "Due", "Status",
                        "Acceptance criteria"],
                       ["M1", "CMS build", "Team", "dev@studio.example", "", "2026-11-20",
                        "In progress", "Editors can publish a page"]],
        "Updates": [["Date", "Type", "Update", "Milestone"],
                    ["2026-11-23", "Next", "Build goes on", "M1"]],
    })


def _acknowledgement(tmp: Path, env: dict[str, str], imap: ImapServer) -> Path:
    """The ack of a client's Confirm: the report with buttons, the client's reply in a
    loopback IMAP folder, then ``inbox`` applies it and writes the ack."""
    imap.new_folder()
    env = env | imap.env() | {"SHEETSYNC_OUTBOX": str(tmp / "acks"),
                              "SHEETSYNC_STATE_DIR": str(tmp / "ack-state"),
                              "SHEETSYNC_INBOX_ADDRESS": "replies@studio.example",
                              "SHEETSYNC_SECRET": "test-secret-0123456789abcdef"}
    shutil.copy2(BOOKS["en"], tmp / "acked.xlsx")
    _sheetsync(env, tmp, "report", "acked.xlsx", "--as-of", "2026-11-27")
    (report,) = (tmp / "acks").glob("*.eml")
    part = _parsed(report).get_body(preferencelist=("plain",))
    assert part is not None
    (button,) = [url for label, url in re.findall(r"\[([^\]]+)\] (mailto:\S+)",
                                                  str(part.get_content()))
                 if label == "Confirm" and "%20M4%20" in url]
    imap.append(client_reply(button, "maria.chen@acme.example", "Looks great, thanks!"))
    _sheetsync(env, tmp, "inbox", "acked.xlsx", "--now", "2026-11-28T10:00+00:00")
    (ack,) = [p for p in (tmp / "acks").glob("*.eml") if _parsed(p)["X-Sheetsync-Job"] == "ack"]
    return ack


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory,
           imap_server_process: ImapServer) -> dict[str, Path]:
    """Every kind of email, by a name (``KINDS``)."""
    tmp = tmp_path_factory.mktemp("emails")
    env = child_environ(SHEETSYNC_OUTBOX=str(tmp / "outbox"),
                        SHEETSYNC_STATE_DIR=str(tmp / "state"), SHEETSYNC_FROM=SENDER,
                        SHEETSYNC_ADMIN_EMAIL=ADMIN)
    found: dict[str, Path] = {}
    for language, source in BOOKS.items():
        book = tmp / f"{language}.xlsx"
        shutil.copy2(source, book)
        for job, day in (("report", "2026-11-27"), ("remind", "2026-11-30")):
            before = set((tmp / "outbox").glob("*.eml"))
            _sheetsync(env, tmp, job, book.name, "--as-of", day)
            (new,) = set((tmp / "outbox").glob("*.eml")) - before
            found[f"{job}-{language}"] = new
        before = set((tmp / "outbox").glob("*.eml"))  # the team's preview of the report
        _sheetsync(env, tmp, "preview", book.name, "--as-of", "2026-11-26")
        (new,) = set((tmp / "outbox").glob("*.eml")) - before
        found[f"preview-{language}"] = new
    before = set((tmp / "outbox").glob("*.eml"))  # the agency digest, over every project
    _sheetsync(env | {"SHEETSYNC_DIGEST_TO": ADMIN}, tmp, "digest", "en.xlsx", "zh.xlsx",
               "--as-of", "2026-11-30")
    (new,) = set((tmp / "outbox").glob("*.eml")) - before
    found["digest"] = new
    before = set((tmp / "outbox").glob("*.eml"))
    _sheetsync(env, tmp, "run", "gone.xlsx", "--now", "2026-11-26T07:00+00:00")
    (new,) = set((tmp / "outbox").glob("*.eml")) - before
    found["alert"] = new
    _nudged_project(tmp / "late.xlsx")  # Tuesday 09:00 London: the owner's nudge
    before = set((tmp / "outbox").glob("*.eml"))
    _sheetsync(env, tmp, "run", "late.xlsx", "--now", "2026-11-24T09:00+00:00")
    (new,) = [p for p in set((tmp / "outbox").glob("*.eml")) - before
              if _parsed(p)["X-Sheetsync-Job"] == "nudge"]
    found["nudge"] = new
    before = set((tmp / "outbox").glob("*.eml"))  # the retrospective, to the Team emails
    _sheetsync(env, tmp, "retro", "en.xlsx", "--as-of", "2026-11-27", "--send")
    (new,) = set((tmp / "outbox").glob("*.eml")) - before
    found["retro"] = new
    found["ack"] = _acknowledgement(tmp, env, imap_server_process)
    return found


KINDS = ("report-en", "remind-en", "preview-en", "report-zh", "remind-zh", "preview-zh",
         "digest", "alert", "nudge", "ack", "retro")


def _parsed(path: Path) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(path.read_bytes(),
                                                       policy=email.policy.default))


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_says_it_is_automatic_and_has_an_id_of_the_senders_domain(
        outbox: dict[str, Path], kind: str) -> None:
    msg = _parsed(outbox[kind])
    assert msg["Auto-Submitted"] == "auto-generated"
    message_id = str(msg["Message-ID"]).strip()
    assert re.fullmatch(r"<sheetsync\.[^@<>]+@studio\.example>", message_id)
    if kind.startswith(("report", "remind")):  # a client's reply goes to the PM (copied)
        reply_to = str(msg["Reply-To"])
        assert "@" in reply_to and reply_to in str(msg["Cc"])
        assert "projects@" not in reply_to


def _rules(report: str) -> dict[str, float]:
    """The rules of ``spamassassin -t``'s "Content analysis details" table, with points."""
    table = report.split("Content analysis details:", 1)[1]
    return {m.group(2): float(m.group(1))
            for m in re.finditer(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s", table, re.M)}


@pytest.mark.skipif(SPAMASSASSIN is None, reason="SpamAssassin is not installed")
@pytest.mark.parametrize("kind", KINDS)
def test_no_spamassassin_content_rule_fires(outbox: dict[str, Path], kind: str,
                                            tmp_path: Path) -> None:
    assert SPAMASSASSIN is not None
    env = dict(os.environ, HOME=str(tmp_path))  # its user_prefs go to a fresh home
    done = subprocess.run([SPAMASSASSIN, "-L", "-t"], input=outbox[kind].read_bytes(),
                          capture_output=True, env=env, check=False, timeout=120)
    report = done.stdout.decode("utf-8", "replace")
    assert "Content analysis details:" in report, done.stderr.decode("utf-8", "replace")
    fired = _rules(report)
    assert "HTML_MESSAGE" in fired  # the table was read: an HTML email always shows it
    assert set(fired) <= INFORMATIONAL, report.split("Content analysis details:", 1)[1]
    assert sum(fired.values()) <= 0.01
