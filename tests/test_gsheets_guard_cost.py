"""What the ``sending`` Log row costs on Google (issue 11 item 2, issue 16 item 2): it rides
in a write the run makes anyway, and the guard's look at the Log comes back in that write's
answer. Real parts: the click command line, unmodified gspread, the loopback emulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.backends import gsheets_write
from sheetsync.cli.main import main
from tests.sheets_emulator import LoggedRequest, SheetsEmulator
from tests.test_backends_agree import AS_OF, GSHEET, SID, google_copy

REPORT_DAY = "2026-11-27T16:05+00:00"  # Friday: the day's check and the report are due


@pytest.fixture
def acme(clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    google_copy(gsheets_env, "en_GB", service_account_key)
    # however slow the machine, the read counts as fresh when the run writes: the counts
    # below are those of a write within REREAD_AFTER_S of its read (no flags-tab re-read)
    monkeypatch.setattr(gsheets_write, "REREAD_AFTER_S", 600.0)
    yield gsheets_env


def cli(*args: str) -> tuple[int, dict[str, Any]]:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return out.exit_code, json.loads(out.stdout)


def shape(requests: list[LoggedRequest]) -> list[tuple[str, str]]:
    return [(r.method, r.path.rpartition("/")[2].replace(SID, "")) for r in requests]


def log_results(emulator: SheetsEmulator) -> list[str]:
    rows = emulator.values(SID, "Log")
    col = rows[0].index("Result")
    return [r[col] for r in rows[1:] if len(r) > col]


def kinds(request: LoggedRequest) -> list[str]:
    return [next(iter(q)) for q in request.json["requests"]]


def test_report_alone_announces_and_sees_the_log_in_one_request(
        acme: SheetsEmulator, clean_google_env: Path) -> None:
    code, data = cli("report", GSHEET, "--as-of", AS_OF, "--json")

    (project,) = data["projects"]
    assert code == 0 and project["result"] == "sent", project
    # was 6, then 4 with a two-request read: the read (1), 'sending' (1), outcome (1)
    assert project["api_requests"] == 3
    assert shape(acme.requests) == [("GET", ""), ("POST", ":batchUpdate"),
                                    ("POST", ":batchUpdate")]
    announce, outcome = acme.requests[1:]
    assert kinds(announce) == kinds(outcome) == ["appendCells"]
    assert announce.json["includeSpreadsheetInResponse"] is True  # the Log comes back
    assert announce.json["responseRanges"] == ["'Log'"]
    assert "includeSpreadsheetInResponse" not in outcome.json
    assert log_results(acme) == ["sending", "sent"]


def test_a_report_day_run_writes_once_before_the_send(acme: SheetsEmulator,
                                                      clean_google_env: Path) -> None:
    code, data = cli("run", GSHEET, "--now", REPORT_DAY, "--json")

    (project,) = data["projects"]
    assert code == 0, data
    assert [(a["job"], a["result"]) for a in project["actions"]] == [("check", "done"),
                                                                     ("report", "sent")]
    # was 9: read (2), flags re-read, grid growth, flags write, 'sending' row, read again
    # (2), outcome; then 5 with one write; now the read is one request and, fresh, is not
    # read again before the flags are placed
    assert project["api_requests"] == 3
    assert shape(acme.requests) == [
        ("GET", ""),  # the read
        ("POST", ":batchUpdate"),  # flags, Problems and the 'sending' row; the Log back
        ("POST", ":batchUpdate")]  # the send's outcome row
    write = acme.requests[1]
    assert "updateCells" in kinds(write) and kinds(write)[-1] == "appendCells"
    assert write.json["includeSpreadsheetInResponse"] is True
    assert write.json["requests"][-1]["appendCells"]["rows"][0]["values"][5] == {
        "userEnteredValue": {"stringValue": "sending"}}
    assert log_results(acme) == ["sending", "sent"]
    assert len(list((clean_google_env / "outbox").glob("*.eml"))) == 1


def test_the_guard_reads_the_answer_of_its_own_write(acme: SheetsEmulator,
                                                     clean_google_env: Path) -> None:
    """Another run announces the same report between this run's read and its write: the
    answer of the write that carries this run's 'sending' row shows it first, so this run
    does not send, with no read of its own."""
    rows = acme.values(SID, "Log")
    header = rows[0]
    theirs = [""] * len(header)
    theirs[header.index("Job")] = "report"
    theirs[header.index("Result")] = "sending"
    theirs[header.index("Message-ID")] = f"<sheetsync.report.{AS_OF}.other.1234@other.example>"
    acme.before(lambda e: e.set_values(SID, "Log", f"A{len(rows) + 1}", [theirs]),
                method="POST", path_contains=":batchUpdate")

    _, data = cli("run", GSHEET, "--now", REPORT_DAY, "--json")

    (project,) = data["projects"]
    report = next(a for a in project["actions"] if a["job"] == "report")
    assert report["result"] == "skipped" and "announced it first" in report["detail"], report
    assert not list((clean_google_env / "outbox").glob("*.eml"))
    assert log_results(acme) == ["sending", "sending", "skipped"]  # theirs, ours, ours settled
    assert acme.count("GET") == 1  # the read (fresh: no flags re-read); the guard read nothing


def test_flags_wait_for_the_send_but_not_on_a_protected_log(acme: SheetsEmulator) -> None:
    """The merged write is refused whole (the Log is protected): the flags go alone."""
    acme.protect(SID, "Log")

    code, data = cli("run", GSHEET, "--now", REPORT_DAY, "--json")

    (project,) = data["projects"]
    assert code == 1  # the report went out; its Log row is kept for the next run
    assert [(a["job"], a["result"]) for a in project["actions"]] == [("check", "done"),
                                                                     ("report", "sent")]
    flags = [r for r in acme.values(SID, "Milestones")[1:] if "LATE" in r or "OVERDUE" in r]
    assert flags  # written, though the write they waited for was refused


def test_a_held_check_write_that_fails_fails_the_check_and_it_runs_again(
        acme: SheetsEmulator, clean_google_env: Path) -> None:
    """The check's write waits for the 'sending' row; if that write fails, the check is
    failed (not recorded as done), the send goes on as it did when its row was refused,
    and the next run checks again."""
    acme.fail_next(1, 400, path_contains=":batchUpdate", message="Internal error encountered.")

    code, data = cli("run", GSHEET, "--now", REPORT_DAY, "--json")

    (project,) = data["projects"]
    check, report = project["actions"]
    assert code == 1 and check["job"] == "check" and check["result"] == "failed", project
    assert "Internal error" in check["detail"]
    assert report["result"] == "sent"
    acme.reset_log()

    code, data = cli("run", GSHEET, "--now", "2026-11-27T16:20+00:00", "--json")

    (project,) = data["projects"]
    assert [(a["job"], a["result"]) for a in project["actions"]] == [("check", "done")]
    assert code == 0 and acme.count("POST", ":batchUpdate") == 1  # the flags, written now
