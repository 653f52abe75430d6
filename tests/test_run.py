"""``sheetsync run``: the reconciler a cron line calls every 15 minutes, end to end.

Real parts only: the ``sheetsync`` command (in-process through click's CliRunner, or as
subprocesses where two processes must race), copies of the example workbook, a real
loopback SMTP server, and a state dir in tmp_path. ``--now`` drives the calendar, so
nothing depends on the real clock.

The example project is in Europe/London (GMT in November, so UTC and project time agree),
reports on Friday at 16:00, and has client-owed items. Reminders (weekdays other than the
report day, from 09:00) are kept out of these runs (every ``--now`` is before 09:00, on
the report day or at a weekend) except in the one test about them, which is skipped while
``render.render_reminder`` is missing.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from sheetsync.cli import main as cli
from sheetsync.host.ledger import Ledger
from sheetsync.render import emails as render
from tests.fixtures_env import SHEETSYNC
from tests.fixtures_smtp import LoopbackSmtpServer, smtp_env
from tests.xlsx_factory import read_values

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
SENDER = "Studio Projects <projects@studio.example>"
ADMIN = "ops@studio.example"
CLIENTS = ["maria.chen@acme.example", "ops@acme.example"]
CCS = ["sam.lee@studio.example", "accounts@studio.example"]
PM = "sam.lee@studio.example"

LAST_FRIDAY = "2026-11-20T16:05+00:00"  # the week before: its report goes out


@pytest.fixture
def env(clean_env: Path, smtp_server: LoopbackSmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The SHEETSYNC_* environment of a cron host pointed at the loopback SMTP server."""
    values = smtp_env(smtp_server, clean_env / "state", SENDER)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "acme.xlsx"
    shutil.copyfile(EXAMPLE, path)
    return path


def run(*args: str, now: str) -> tuple[int, dict[str, Any], str]:
    """``sheetsync run ARGS --now NOW --json``: (exit code, the JSON, stderr)."""
    result = CliRunner().invoke(cli.main, ["run", *args, "--now", now, "--json"],
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def actions(data: dict[str, Any], project: int = 0) -> list[tuple[str, str]]:
    return [(a["job"], a["result"]) for a in data["projects"][project]["actions"]]


def log_rows(path: Path) -> list[dict[str, Any]]:
    rows = read_values(path, "Log")
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]
            if any(v not in (None, "") for v in row)
            and row[header.index("Result")] != "sending"]  # the outcomes


def addresses(message: EmailMessage, header: str) -> list[str]:
    value = message.get(header)
    return [] if value is None else [a.addr_spec for a in value.addresses]


def set_project_field(path: Path, field: str, value: str) -> None:
    book = openpyxl.load_workbook(path)
    for row in book["Project"].iter_rows(min_row=2):
        if row[0].value == field:
            row[1].value = value
    book.save(path)


def settled_last_week(book: Path, smtp_server: LoopbackSmtpServer) -> None:
    """sheetsync has been running: last Friday's report went out; forget that email."""
    code, data, _ = run(str(book), now=LAST_FRIDAY)
    assert code == 0
    assert actions(data) == [("check", "done"), ("report", "sent")]
    smtp_server.reset()


# --------------------------------------------------------------------------- a week


def test_a_week_of_runs_does_each_thing_once(env: dict[str, str], book: Path,
                                             smtp_server: LoopbackSmtpServer) -> None:
    settled_last_week(book, smtp_server)

    # Thursday early: only the day's check.
    code, data, err = run(str(book), now="2026-11-26T07:00+00:00")
    assert (code, actions(data), err) == (0, [("check", "done")], "")
    # The same project day again: nothing.
    code, data, _ = run(str(book), now="2026-11-26T07:15+00:00")
    assert (code, actions(data)) == (0, [])
    # Friday morning: a new project day, so a new check; the report is not due yet, but its
    # preview (due since Thursday 16:00, the working day before) goes to the team, once.
    code, data, _ = run(str(book), now="2026-11-27T06:00+00:00")
    assert actions(data) == [("check", "done"), ("preview", "sent")]
    code, data, _ = run(str(book), now="2026-11-27T15:59+00:00")
    assert actions(data) == []
    (preview,) = smtp_server.messages
    assert addresses(preview.message, "To") == [PM, "priya.shah@studio.example"]  # Team emails
    assert preview.message["Cc"] is None
    smtp_server.reset()

    # Friday 16:05 in the project's time, given here as 11:05 in New York.
    code, data, err = run(str(book), now="2026-11-27T11:05-05:00")
    assert (code, actions(data), err) == (0, [("report", "sent")], "")
    assert len(smtp_server.messages) == 1
    got = smtp_server.messages[0]
    mail = got.message
    assert addresses(mail, "To") == CLIENTS
    assert addresses(mail, "Cc") == CCS
    assert addresses(mail, "Reply-To") == [PM]
    assert sorted(got.rcpt_tos) == sorted(CLIENTS + CCS)
    assert got.mail_from == "projects@studio.example"
    assert "Acme website rollout" in mail["Subject"]
    assert "27 Nov 2026" in mail["Subject"]  # the report date is its as-of date
    assert ".report.2026-11-27." in mail["Message-ID"]

    # Friday 17:00 and Saturday 07:00: nothing more is sent; Saturday gets its check.
    code, data, _ = run(str(book), now="2026-11-27T17:00+00:00")
    assert (code, actions(data)) == (0, [])
    code, data, _ = run(str(book), now="2026-11-28T07:00+00:00")
    assert (code, actions(data)) == (0, [("check", "done")])
    assert len(smtp_server.messages) == 1

    sent = [r for r in log_rows(book) if r["Job"] == "report" and r["Result"] == "sent"]
    assert [r["Message-ID"] for r in sent][-1] == mail["Message-ID"].strip()
    assert len(sent) == 2  # last week's and this week's, one row each


def test_summary_is_one_line_and_a_quiet_run_says_nothing_else(
        env: dict[str, str], book: Path, smtp_server: LoopbackSmtpServer) -> None:
    result = CliRunner().invoke(cli.main, ["run", str(book), "--now", LAST_FRIDAY])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "sheetsync run: 1 project, 1 check, 1 email sent, 1 problem in sheets, 0 failures"]
    assert result.stderr == ""  # no progress bar away from a terminal, no noise

    result = CliRunner().invoke(cli.main, ["run", str(book), "--now", "2026-11-20T16:20+00:00",
                                           "--log-json"])
    assert result.exit_code == 0
    event = json.loads(result.stdout)
    assert event == {"event": "run", "now": "2026-11-20T16:20:00+00:00", "projects": 1,
                     "checks": 0, "sent": 0, "problems": 1, "failures": 0, "unknown": 0}


def test_a_progress_bar_only_at_a_terminal(env: dict[str, str], book: Path, tmp_path: Path,
                                           smtp_server: LoopbackSmtpServer) -> None:
    second = tmp_path / "second.xlsx"
    shutil.copyfile(book, second)
    leader, follower = pty.openpty()  # stderr is a terminal, stdout a pipe (a redirect)
    try:
        proc = subprocess.run(
            [*SHEETSYNC, "run", str(book), str(second), "--now", "2026-11-26T07:00+00:00"],
            cwd=tmp_path, env={**os.environ, **env, "TERM": "xterm", "COLUMNS": "80"},
            stdout=subprocess.PIPE, stderr=follower, text=True, timeout=60)
        os.close(follower)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0
    assert proc.stdout == ("sheetsync run: 2 projects, 2 checks, 0 emails sent, "
                           "2 problems in sheets, 0 failures\n")  # nothing else on stdout
    assert b"projects" in terminal  # the bar's label, drawn on the terminal


def test_downtime_across_friday_is_caught_up_once(env: dict[str, str], book: Path,
                                                  smtp_server: LoopbackSmtpServer) -> None:
    settled_last_week(book, smtp_server)
    # The host was down from Thursday to Saturday morning: no client email on a Saturday,
    # so the report waits for Monday, the next working day (within 3 working days).
    code, data, _ = run(str(book), now="2026-11-28T08:30+00:00")
    assert (code, actions(data)) == (0, [("check", "done")])
    assert smtp_server.messages == []
    code, data, _ = run(str(book), now="2026-11-30T08:30+00:00")
    assert (code, actions(data)) == (0, [("check", "done"), ("report", "sent")])
    assert len(smtp_server.messages) == 1
    assert "27 Nov 2026" in smtp_server.messages[0].message["Subject"]
    code, data, _ = run(str(book), now="2026-11-30T08:45+00:00")
    assert (code, actions(data)) == (0, [])
    assert len(smtp_server.messages) == 1


def test_five_days_of_downtime_are_skipped_and_logged(env: dict[str, str], book: Path,
                                                      smtp_server: LoopbackSmtpServer) -> None:
    settled_last_week(book, smtp_server)
    # Down from Thursday 26 to Thursday 3 December, 08:00: past 3 working days.
    code, data, _ = run(str(book), now="2026-12-03T08:00+00:00")
    assert code == 0
    assert actions(data) == [("check", "done"), ("report", "skipped")]
    detail = data["projects"][0]["actions"][1]["detail"]
    assert "2026-11-27" in detail and "catch-up" in detail
    assert smtp_server.messages == []
    skipped = [r for r in log_rows(book) if r["Result"] == "skipped"]
    assert len(skipped) == 1
    assert skipped[0]["Job"] == "report"
    assert "2026-11-27" in skipped[0]["Detail"]
    # Logged once, not on every later run.
    code, data, _ = run(str(book), now="2026-12-03T08:15+00:00")
    assert actions(data) == []
    assert len([r for r in log_rows(book) if r["Result"] == "skipped"]) == 1


def test_a_paused_project_is_not_logged_as_missed(env: dict[str, str], book: Path,
                                                  smtp_server: LoopbackSmtpServer) -> None:
    set_project_field(book, "Reports paused", "Yes")
    code, data, _ = run(str(book), now="2026-11-27T16:05+00:00")
    assert (code, actions(data)) == (0, [("check", "done"), ("report", "skipped")])
    assert "paused" in data["projects"][0]["actions"][1]["detail"]
    # Past the catch-up window the week is settled, with the real reason.
    code, data, _ = run(str(book), now="2026-12-03T08:00+00:00")
    assert actions(data) == [("check", "done"), ("report", "skipped")]
    (row,) = [r for r in log_rows(book) if r["Result"] == "skipped"]
    assert row["Detail"] == "not sent for 2026-11-27: Reports paused is Yes in the Project tab"
    assert smtp_server.messages == []


def test_a_new_state_dir_trusts_the_log_tab(env: dict[str, str], book: Path, tmp_path: Path,
                                            smtp_server: LoopbackSmtpServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    settled_last_week(book, smtp_server)
    # A new cron host: same sheet, empty state dir. Last week's report is in the Log tab.
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "new-state"))
    code, data, _ = run(str(book), now="2026-11-26T07:00+00:00")
    assert (code, actions(data)) == (0, [("check", "done")])
    assert [r for r in log_rows(book) if r["Result"] == "skipped"] == []
    # ...and in the catch-up window it is not sent again either.
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "newer-state"))
    code, data, _ = run(str(book), now="2026-11-21T09:00+00:00")
    assert (code, actions(data)) == (0, [("check", "done")])
    assert smtp_server.messages == []


def test_reminders_go_once_a_weekday_from_nine(env: dict[str, str], book: Path,
                                              smtp_server: LoopbackSmtpServer) -> None:
    if not hasattr(render, "render_reminder"):
        pytest.skip("render.render_reminder is not merged yet")
    settled_last_week(book, smtp_server)
    code, data, _ = run(str(book), now="2026-11-26T08:59+00:00")  # Thursday, before 09:00
    assert (code, actions(data)) == (0, [("check", "done")])
    code, data, _ = run(str(book), now="2026-11-26T09:00+00:00")
    assert (code, actions(data)) == (0, [("remind", "sent")])
    (got,) = smtp_server.messages
    assert got.message["X-Sheetsync-Job"] == "remind"
    assert addresses(got.message, "To") == CLIENTS
    assert addresses(got.message, "Reply-To") == [PM]
    code, data, _ = run(str(book), now="2026-11-26T16:00+00:00")
    assert (code, actions(data)) == (0, [("preview", "sent")])  # to the team, not the client
    # Friday is the report day and Saturday a weekend: no reminder, and the report missed
    # on Friday waits for Monday, when no reminder goes beside it.
    code, data, _ = run(str(book), now="2026-11-27T10:00+00:00")
    assert actions(data) == [("check", "done")]
    code, data, _ = run(str(book), now="2026-11-28T10:00+00:00")
    assert actions(data) == [("check", "done")]
    code, data, _ = run(str(book), now="2026-11-30T10:00+00:00")
    assert actions(data)[:2] == [("check", "done"), ("report", "sent")]
    assert ("remind", "sent") not in actions(data)
    assert [m.message["X-Sheetsync-Job"] for m in smtp_server.messages] == [
        "remind", "preview", "report"]
    assert [r["Job"] for r in log_rows(book) if r["Result"] == "sent"] == [
        "report", "remind", "preview", "report"]


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(("fridays", "note"), [
    # (UTC moment just before 16:00 local, just after) on the Friday before and after.
    ((("2026-10-30T19:55+00:00", "2026-10-30T20:05+00:00"),
      ("2026-11-06T20:55+00:00", "2026-11-06T21:05+00:00")), "EDT -> EST, 1 November"),
    ((("2026-03-06T20:55+00:00", "2026-03-06T21:05+00:00"),
      ("2026-03-13T19:55+00:00", "2026-03-13T20:05+00:00")), "EST -> EDT, 8 March"),
])
def test_new_york_dst_week(env: dict[str, str], book: Path, smtp_server: LoopbackSmtpServer,
                           fridays: tuple[tuple[str, str], ...], note: str) -> None:
    set_project_field(book, "Time zone", "America/New_York")
    for before, after in fridays:
        code, data, _ = run(str(book), now=before)
        assert code == 0
        assert ("report", "sent") not in actions(data), (note, before)
        assert [m for m in smtp_server.messages
                if m.message["X-Sheetsync-Job"] == "report"] == [], (note, before)
        code, data, _ = run(str(book), now=after)
        assert (code, actions(data)[-1]) == (0, ("report", "sent")), (note, after)
        reports = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "report"]
        assert len(reports) == 1
        friday = datetime.fromisoformat(after).date()
        assert f".report.{friday.isoformat()}." in reports[0].message["Message-ID"]
        smtp_server.reset()
    # The first run of all logged the week before as skipped (7 days late); nothing else.
    assert [r["Result"] for r in log_rows(book) if r["Job"] == "report"] == [
        "skipped", "sent", "sent"]


# --------------------------------------------------------------------------- side by side


def test_two_runs_started_together_send_one_report(env: dict[str, str], book: Path,
                                                   tmp_path: Path,
                                                   smtp_server: LoopbackSmtpServer) -> None:
    settled_last_week(book, smtp_server)
    child_env = {**os.environ, **env}
    argv = [*SHEETSYNC, "run", str(book), "--now", "2026-11-27T16:05+00:00", "--json"]
    procs = [subprocess.Popen(argv, cwd=tmp_path, env=child_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert len(smtp_server.messages) == 1
    results = [actions(json.loads(out)) for out, _ in outs]
    assert sorted(results).count([("check", "done"), ("report", "sent")]) == 1, results
    assert len([r for r in log_rows(book) if r["Result"] == "sent"]) == 2  # last week + this
    openpyxl.load_workbook(book).close()  # and the workbook is whole


def test_two_spellings_of_one_file_share_one_ledger(env: dict[str, str], book: Path,
                                                    tmp_path: Path,
                                                    smtp_server: LoopbackSmtpServer) -> None:
    code, data, _ = run("acme.xlsx", now="2026-11-27T16:05+00:00")
    assert ("report", "sent") in actions(data)
    code, data, _ = run(str(tmp_path / "." / "acme.xlsx"), now="2026-11-27T16:10+00:00")
    assert (code, actions(data)) == (0, [])


# --------------------------------------------------------------------------- output, failures


def test_run_json_shape(env: dict[str, str], book: Path, smtp_server: LoopbackSmtpServer) -> None:
    code, data, _ = run(str(book), now="2026-11-27T16:05+00:00")
    assert code == 0
    assert {"now", "projects"} <= set(data)  # and the quota figures (issue 16)
    assert set(data) - {"now", "projects"} == {"api_requests", "drive_requests", "waited_s"}
    assert data["now"] == "2026-11-27T16:05:00+00:00"
    (project,) = data["projects"]
    assert project["project"] == "Acme website rollout"
    assert project["source"] == str(book)
    assert [a["job"] for a in project["actions"]] == ["check", "report"]
    for action in project["actions"]:
        assert set(action) == {"job", "result", "detail"}
        assert isinstance(action["detail"], str)
    assert [a["result"] for a in project["actions"]] == ["done", "sent"]
    assert "13 milestones" in project["actions"][0]["detail"]


def test_one_unreadable_project_fails_while_the_other_is_done(
        env: dict[str, str], book: Path, tmp_path: Path,
        smtp_server: LoopbackSmtpServer) -> None:
    missing = tmp_path / "gone.xlsx"
    code, data, err = run(str(missing), str(book), now="2026-11-27T16:05+00:00")
    assert code == 1
    gone, acme = data["projects"]
    assert gone["actions"] == [] and "gone.xlsx" in gone["error"]
    assert [a["result"] for a in acme["actions"]] == ["done", "sent"]
    assert len(smtp_server.messages) == 1
    lines = err.splitlines()
    assert len(lines) == 1 and "gone.xlsx" in lines[0] and "FAILED" in lines[0]
    assert "Traceback" not in err


def test_a_bad_now_is_a_usage_error(env: dict[str, str], book: Path) -> None:
    result = CliRunner().invoke(cli.main, ["run", str(book), "--now", "2026-11-27T16:05"])
    assert result.exit_code == 2
    assert "offset" in result.stderr and "Traceback" not in result.output


def admin_mails(server: LoopbackSmtpServer) -> list[EmailMessage]:
    return [m.message for m in server.messages if addresses(m.message, "To") == [ADMIN]]


def test_a_failure_alerts_the_admin_once_a_day(env: dict[str, str], book: Path, tmp_path: Path,
                                               smtp_server: LoopbackSmtpServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_ADMIN_EMAIL", ADMIN)
    missing = str(tmp_path / "gone.xlsx")
    code, _, _ = run(missing, str(book), now="2026-11-26T07:00+00:00")
    assert code == 1
    (alert,) = admin_mails(smtp_server)
    assert len(smtp_server.messages) == 1  # the admin's, and nothing for the client
    assert "gone.xlsx" in alert.get_body(("plain",)).get_content()
    assert "docs/admin.md" in alert.get_body(("plain",)).get_content()
    assert alert["X-Sheetsync-Job"] == "alert"

    code, _, _ = run(missing, str(book), now="2026-11-26T07:15+00:00")
    assert code == 1
    assert len(admin_mails(smtp_server)) == 1  # the same problem, the same day: told already

    code, _, _ = run(missing, str(book), now="2026-11-27T07:00+00:00")
    assert len(admin_mails(smtp_server)) == 2  # the next day it is told again


def test_an_unusable_state_dir_is_one_sentence_not_a_traceback(
        env: dict[str, str], book: Path, tmp_path: Path, smtp_server: LoopbackSmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "file" / "state"))
    monkeypatch.setenv("SHEETSYNC_ADMIN_EMAIL", ADMIN)
    code, data, err = run(str(book), now="2026-11-27T16:05+00:00")
    assert code == 1
    assert data["projects"][0]["actions"] == []  # unsure what was done: nothing is done
    assert "SHEETSYNC_STATE_DIR" in data["projects"][0]["error"]
    lines = err.splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert lines[1].startswith("sheetsync: the admin alert could not be sent: the state dir")
    assert smtp_server.messages == []


def test_a_crash_between_send_and_record_is_never_resent(
        env: dict[str, str], book: Path, tmp_path: Path, smtp_server: LoopbackSmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_ADMIN_EMAIL", ADMIN)
    settled_last_week(book, smtp_server)
    # A run died after writing its intent and (maybe) sending, before the outcome.
    mid = "<sheetsync.report.2026-11-27.crashed.0001@studio.example>"
    Ledger(tmp_path / "state").intend(
        str(book), "report", "2026-11-27", at=datetime(2026, 11, 27, 16, 5, tzinfo=UTC),
        message_id=mid, recipients=tuple(CLIENTS + CCS), subject="Acme website rollout")

    code, data, err = run(str(book), now="2026-11-27T16:15+00:00")
    assert code == 1  # the admin has to act (issue 11 item 3)
    check, report = data["projects"][0]["actions"]
    assert check["job"] == "check"
    assert (report["job"], report["result"]) == ("report", "unknown")
    assert report["detail"].startswith("unknown:") and mid in report["detail"]
    assert "UNKNOWN" in err
    # No email to the client; one to the admin.
    assert [addresses(m.message, "To") for m in smtp_server.messages] == [[ADMIN]]
    assert mid in smtp_server.messages[0].message.get_body(("plain",)).get_content()
    (row,) = [r for r in log_rows(book) if r["Result"] == "unknown"]
    assert (row["Job"], row["Message-ID"]) == ("report", mid)
    assert "maria.chen@acme.example" in row["Recipients"]

    # Later runs: still nothing sent, nothing logged or told again.
    for now in ("2026-11-27T16:30+00:00", "2026-11-28T07:00+00:00"):
        code, data, _ = run(str(book), now=now)
        assert code == 0
        assert ("report", "skipped") not in actions(data)
        assert ("report", "unknown") not in actions(data)  # told once; doctor lists it
    assert len(smtp_server.messages) == 1
    assert len([r for r in log_rows(book) if r["Result"] == "unknown"]) == 1


def test_a_killed_run_leaves_no_lock_behind(env: dict[str, str], book: Path, tmp_path: Path,
                                            smtp_server: LoopbackSmtpServer) -> None:
    # A process holds the project's lock and is killed (SIGKILL: no clean-up of its own).
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "state"), str(book)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, data, _ = run(str(book), now="2026-11-27T16:05+00:00")
        assert actions(data) == [("lock", "skipped")]  # busy: left alone, not failed
        assert code == 0 and smtp_server.messages == []
    finally:
        holder.kill()
        holder.wait(timeout=10)
    code, data, _ = run(str(book), now="2026-11-27T16:10+00:00")
    assert (code, actions(data)[-1]) == (0, ("report", "sent"))
    assert len(smtp_server.messages) == 1


HOLD_LOCK = """
import sys, time
from sheetsync.host.ledger import Ledger
with Ledger(sys.argv[1]).lock(sys.argv[2]):
    print("held", flush=True)
    time.sleep(120)
"""


def test_catch_up_after_30_days_logs_each_missed_week_in_one_write(
        env: dict[str, str], book: Path, smtp_server: LoopbackSmtpServer) -> None:
    """Issue 11 item 5: the host was off from one Friday's report until a month later."""
    settled_last_week(book, smtp_server)  # the report of 2026-11-20 went out
    before = len(log_rows(book))
    mtime = book.stat().st_mtime_ns
    code, data, _ = run(str(book), now="2026-12-24T10:00+00:00")  # 34 days later, a Thursday
    assert code == 0, data
    assert ("report", "skipped") in actions(data)  # 2026-12-18: past 3 working days late
    assert not [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "report"]
    skipped = [r for r in log_rows(book)[before:] if r["Result"] == "skipped"]
    weeks = [d for d in ("2026-11-27", "2026-12-04", "2026-12-11", "2026-12-18")
             if any(d in str(r["Detail"]) for r in skipped)]
    assert weeks == ["2026-11-27", "2026-12-04", "2026-12-11", "2026-12-18"]
    assert len(skipped) == 4  # each week its own row
    assert book.stat().st_mtime_ns != mtime
    again_code, again, _ = run(str(book), now="2026-12-24T10:30+00:00")
    assert again_code == 0 and ("report", "skipped") not in actions(again)
    assert len([r for r in log_rows(book) if r["Result"] == "skipped"]) == 4


def test_a_report_day_run_replaces_the_file_once_before_the_send(
        env: dict[str, str], book: Path, smtp_server: LoopbackSmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The day's flags and the report's 'sending' row are one patch of the .xlsx (one file
    replace), and the guard reads the Log from that patch: no second read of the file."""
    from sheetsync.backends.xlsx import XlsxFile

    stages: list[str] = []
    real_write, real_read = XlsxFile._write, XlsxFile.read

    def write(self: XlsxFile, *args: Any) -> bool:
        stages.append("write")
        return real_write(self, *args)

    def read(self: XlsxFile) -> Any:
        stages.append("read")
        return real_read(self)

    monkeypatch.setattr(XlsxFile, "_write", write)
    monkeypatch.setattr(XlsxFile, "read", read)

    code, data, err = run(str(book), now=LAST_FRIDAY)

    assert code == 0, err
    assert actions(data)[:2] == [("check", "done"), ("report", "sent")]
    assert stages == ["read", "write", "write"]  # flags + 'sending', then the outcome
    rows = read_values(book, "Log")
    result = rows[0].index("Result")
    assert [r[result] for r in rows[1:] if any(r)][-2:] == ["sending", "sent"]
    assert len(smtp_server.messages) == 1
