"""Issue 17: no Log row is ever lost or written over on a Google Sheet.

Log rows go in with ``appendCells`` in the run's one ``spreadsheets:batchUpdate``: two
runs at once keep both rows; a Log renamed or created by another run meanwhile gets the row
once; a Log row the sheet refuses after the email went out is kept in the ledger, the run
exits 1 with a sentence naming the tab and the fix, and the next run writes it. Real
parts: unmodified gspread against the loopback emulator, ``sheetsync`` processes and the
click command line.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.cli.main import main
from sheetsync.host.ledger import Ledger
from sheetsync.model import WritePlan
from tests.fixtures_env import child_environ
from tests.sheets_emulator import SheetsEmulator
from tests.test_backends_agree import AS_OF, GSHEET, SID, google_copy

ROOT = Path(__file__).resolve().parents[1]
SHEETSYNC = ROOT / ".venv" / "bin" / "sheetsync"
Opener = Callable[..., GoogleSheet]


# =========================================================================== tabs and Log


def test_a_problems_tab_added_meanwhile_is_read_again(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    sheets_emulator.create_spreadsheet(SID, "Acme", {"Milestones": [["ID"], ["M1"]]})
    sheet = open_sheet(GSHEET)
    sheet.read()
    sheets_emulator.add_tab(SID, "Problems", [["Tab", "Cell", "Value", "Problem", "How to fix",
                                               "Staff note"], ["x", "y", "z", "w", "v", "mine"]])
    sheet.apply(WritePlan(problems_tab="Problems", log_tab="Log",
                          problems_rows=(("Tab", "Cell", "Value", "Problem", "How to fix"),)))
    assert sheets_emulator.values(SID, "Problems") == [
        ["Tab", "Cell", "Value", "Problem", "How to fix", "Staff note"],
        [None, None, None, None, None, "mine"]]


def test_a_log_renamed_meanwhile_gets_the_row_once(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    sheets_emulator.create_spreadsheet(SID, "Acme", {"Milestones": [["ID"], ["M1"]],
                                                     "Log": [["Time", "Job"], ["t1", "check"]]})
    sheet = open_sheet(GSHEET)
    sheet.read()
    sheets_emulator.rename_tab(SID, "Log", "Old log")
    sheet.apply(WritePlan(log_tab="Log", log_rows=(("t2", "report"),)))
    # the write names the tab by its sheetId: the row goes to the tab read as the Log, once
    assert sheets_emulator.values(SID, "Old log") == [
        ["Time", "Job"], ["t1", "check"], ["t2", "report"]]
    assert sheets_emulator.tab_titles(SID) == ["Milestones", "Old log"]
    sheet.read()  # the next run no longer sees a Log: it starts one
    sheet.apply(WritePlan(log_tab="Log", log_header=("Time", "Job"),
                          log_rows=(("t3", "report"),)))
    assert sheets_emulator.values(SID, "Log") == [["Time", "Job"], ["t3", "report"]]


def test_a_log_tab_created_by_another_run_is_not_a_bug(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    sheets_emulator.create_spreadsheet(SID, "Acme", {"Milestones": [["ID"], ["M1"]]})
    sheet = open_sheet(GSHEET)
    sheet.read()
    sheets_emulator.add_tab(SID, "Log", [["Time", "Job"], ["t1", "other run"]])
    sheet.apply(WritePlan(log_tab="Log", log_header=("Time", "Job"),
                          log_rows=(("t2", "report"),)))
    assert sheets_emulator.values(SID, "Log") == [
        ["Time", "Job"], ["t1", "other run"], ["t2", "report"]]


def test_a_viewer_share_fails_the_log_write_with_a_sentence(
        sheets_emulator: SheetsEmulator, open_sheet: Opener,
        service_account_email: str) -> None:
    sheets_emulator.create_spreadsheet(SID, "Acme", {"Milestones": [["ID"], ["M1"]],
                                                     "Log": [["Time"]]})
    sheets_emulator.share(SID, service_account_email, role="reader")
    sheet = open_sheet(GSHEET)
    sheet.read()
    with pytest.raises(Exception, match="append the send's row to the tab 'Log'.*Editor"):
        sheet.apply(WritePlan(log_tab="Log", log_rows=(("t2",),)))


def test_two_runs_at_once_keep_every_log_row(tmp_path: Path, gsheets_env: SheetsEmulator,
                                             service_account_key: Path) -> None:
    """Two hosts (two state dirs) report at once into a sheet with no Log tab yet."""
    google_copy(gsheets_env, "bare", service_account_key)
    both_read = threading.Barrier(2, timeout=60)  # each reads before either writes
    gsheets_env.before(lambda e: both_read.wait(), method="GET",  # each one's first: its read
                       path_contains=f"/v4/spreadsheets/{SID}", times=2)
    base = child_environ()
    procs = []
    for n in (1, 2):
        env = {**base, "SHEETSYNC_CREDENTIALS": str(service_account_key),
               "SHEETSYNC_SHEETS_ENDPOINT": gsheets_env.url,
               "SHEETSYNC_STATE_DIR": str(tmp_path / f"state{n}"),
               "SHEETSYNC_OUTBOX": str(tmp_path / f"outbox{n}")}
        procs.append(subprocess.Popen(
            [str(SHEETSYNC), "run", GSHEET, "--now", "2026-11-27T16:05+00:00", "--json"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=120) for p in procs]
    sends = sum(1 for n in (1, 2) for _ in (tmp_path / f"outbox{n}").glob("*.eml"))
    log = gsheets_env.values(SID, "Log")
    assert log[0][0] == "Time" and sum(1 for r in log if r and r[0] == "Time") == 1
    sent_rows = [r for r in log[1:] if len(r) > 5 and r[5] == "sent"]
    # the 'sending' row, read back before the send, lets one of them send (issue 11 item 2)
    assert sends == 1 and len(sent_rows) == sends, outs
    assert gsheets_env.tab_titles(SID).count("Problems") == 1


# =========================================================================== a Log row kept


def run_json(now: str) -> tuple[int, dict[str, Any], str]:
    out = CliRunner().invoke(main, ["run", GSHEET, "--now", now, "--json"],
                             catch_exceptions=False)
    return out.exit_code, json.loads(out.stdout), out.stderr


def sent_rows(emulator: SheetsEmulator) -> list[list[Any]]:
    return [r for r in emulator.values(SID, "Log")[1:] if len(r) > 5 and r[5] == "sent"]


def test_a_log_row_the_sheet_refuses_is_kept_and_written_next_run(
        clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    gsheets_env.protect(SID, "Log")  # the flags and Problems can be written, the Log not

    code, data, err = run_json("2026-11-27T16:05+00:00")

    assert code == 1  # the email went out, but its record is not in the sheet yet
    (project,) = data["projects"]
    assert ("report", "sent") in [(a["job"], a["result"]) for a in project["actions"]]
    assert len(list((clean_google_env / "outbox").glob("*.eml"))) == 1
    assert sent_rows(gsheets_env) == []
    line = next(x for x in err.splitlines() if "LOG ROW KEPT" in x)
    assert "the tab 'Log'" in line and "protected" in line and "next run" in line

    gsheets_env.protect(SID, "Log", on=False)
    code, data, err = run_json("2026-11-27T16:20+00:00")

    assert code == 0, err
    assert len(list((clean_google_env / "outbox").glob("*.eml"))) == 1  # not sent again
    (row,) = sent_rows(gsheets_env)
    assert row[0].startswith("2026-11-27T16:05")  # the row as it would have been
    code, data, err = run_json("2026-11-27T16:35+00:00")
    assert code == 0 and len(sent_rows(gsheets_env)) == 1  # written once


def test_report_exits_1_when_its_log_row_is_kept(
        clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path,
        service_account_email: str) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    gsheets_env.fail_always(403, path_contains=":batchUpdate")  # as a Viewer share answers
    out = CliRunner().invoke(main, ["report", GSHEET, "--as-of", AS_OF],
                             catch_exceptions=False)
    assert out.exit_code == 1
    (line,) = out.stderr.splitlines()
    assert "the tab 'Log'" in line and service_account_email in line and "Editor" in line


def test_the_ledger_keeps_each_pending_row_once_until_logged(tmp_path: Path) -> None:


    ledger = Ledger(tmp_path)
    at = datetime(2026, 11, 27, 16, 5, tzinfo=UTC)
    for _ in range(2):  # failed twice: still one row to write
        ledger.log_pending(GSHEET, "report", "2026-11-27", at=at, message_id="<m@x>",
                           result="sent", detail="", recipients=("a@x.example",), subject="S")
    (pending,) = ledger.pending_logs(GSHEET)
    assert (pending.job, pending.recipients, pending.subject) == ("report", ("a@x.example",), "S")
    ledger.logged(GSHEET, pending)
    assert ledger.pending_logs(GSHEET) == ()


def test_a_log_renamed_during_a_run_keeps_one_row_per_send(
        clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    gsheets_env.set_values(SID, "Log", "A2", [["2026-11-20T16:05:00+00:00", "check"]])
    gsheets_env.before(lambda e: e.rename_tab(SID, "Log", "Log 2025"), method="POST",
                       path_contains=":batchUpdate")  # the check's, with the 'sending' row

    code, _, err = run_json("2026-11-27T16:05+00:00")

    assert code == 0, err
    assert gsheets_env.values(SID, "Log 2025")[1][:2] == ["2026-11-20T16:05:00+00:00", "check"]
    outbox = clean_google_env / "outbox"
    assert len(sent_rows(gsheets_env)) == 1 == len(list(outbox.glob("*.eml")))


def test_a_problems_tab_added_during_a_check_is_read_again(
        clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "bare", service_account_key)  # no Problems tab at the read
    gsheets_env.before(lambda e: e.add_tab(SID, "Problems", [
        ["Tab", "Cell", "Value", "Problem", "How to fix", "PM"], ["", "", "", "", "", "mine"]]),
        method="POST", path_contains=":batchUpdate", times=1)

    out = CliRunner().invoke(main, ["check", GSHEET, "--as-of", AS_OF], catch_exceptions=False)

    assert out.exit_code == 0, out.stderr
    assert "bug" not in out.stderr
    problems = gsheets_env.values(SID, "Problems")
    assert problems[0][5] == "PM" and problems[1][5] == "mine"  # the staff's note stays
    assert any(r[1] == "E13" for r in problems[1:])  # M12's 31/02/2026, written once
    assert gsheets_env.tab_titles(SID).count("Problems") == 1
