"""Issue 17: the Google Sheets path never hangs, never writes beside a moved column, never
loses a Log row.

Real parts only: unmodified gspread against the loopback emulator, whose ``before`` hook
edits the sheet between sheetsync's read and its write as staff would (insert, delete and
swap columns, rename the Log, another run adding a tab); a loopback socket that accepts
and never answers; two ``sheetsync`` processes against one sheet. Every case ends with the
staff's cells unchanged, the flags beside the right IDs, one Log row per send, no hang.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.cli.main import main
from sheetsync.errors import BackendError
from sheetsync.model import WritePlan
from tests.sheets_emulator import SheetsEmulator
from tests.test_backends_agree import AS_OF, GSHEET, SID, google_copy

ROOT = Path(__file__).resolve().parents[1]
SHEETSYNC = ROOT / ".venv" / "bin" / "sheetsync"
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
JOB_COLUMNS = ("Flag", "Flag detail")
Opener = Callable[..., GoogleSheet]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("SHEETSYNC_") and name not in ("SHEETSYNC_CREDENTIALS",
                                                           "SHEETSYNC_SHEETS_ENDPOINT"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path


def check_json(*sources: str) -> tuple[int, dict[str, Any], str]:
    out = CliRunner().invoke(main, ["check", *sources, "--as-of", AS_OF, "--json"],
                             catch_exceptions=False)
    return out.exit_code, json.loads(out.stdout), out.stderr


def staff_part(rows: list[list[Any]]) -> list[list[Any]]:
    """The Milestones tab without the job's columns (found by header), trailing blanks cut."""
    header = rows[0] if rows else []
    job = {i for i, h in enumerate(header) if h in JOB_COLUMNS}
    out = []
    for row in rows:
        kept = [v for i, v in enumerate(row) if i not in job]
        while kept and kept[-1] in (None, ""):
            kept.pop()
        out.append(kept)
    return out


def flags_by_id(rows: list[list[Any]]) -> dict[str, str]:
    header = rows[0]
    id_col, flag_col = header.index("ID"), header.index("Flag")
    return {str(r[id_col]): (r[flag_col] if flag_col < len(r) else "") or ""
            for r in rows[1:] if id_col < len(r) and r[id_col]}


def expected_flags(data: dict[str, Any]) -> dict[str, set[str]]:
    (project,) = data["projects"]
    return {m["id"]: set(m["flags"]) for m in project["milestones"]}


def as_sets(flags: dict[str, str]) -> dict[str, set[str]]:
    return {k: {f.strip() for f in v.split(",") if f.strip()} for k, v in flags.items()}


def with_pm_notes(emulator: SheetsEmulator) -> None:
    """A staff column right of Flag detail, with text on every row."""
    rows = emulator.values(SID, "Milestones")
    width = len(rows[0])
    notes = [["PM notes"]] + [[f"note {i}"] for i in range(1, len(rows))]
    emulator.set_values(SID, "Milestones", f"{chr(ord('A') + width)}1", notes)


class Snapshot:
    """What the staff's part of Milestones is right after the edit the hook made."""

    def __init__(self, edit: Callable[[SheetsEmulator], None]) -> None:
        self.edit = edit
        self.rows: list[list[Any]] = []

    def __call__(self, emulator: SheetsEmulator) -> None:
        self.edit(emulator)
        self.rows = staff_part(emulator.values(SID, "Milestones"))


def between_read_and_write(emulator: SheetsEmulator,
                           edit: Callable[[SheetsEmulator], None]) -> Snapshot:
    snapshot = Snapshot(edit)
    emulator.before(snapshot, method="GET", path_contains="values:batchGet", skip=1)
    return snapshot


# =========================================================================== columns moved


@pytest.mark.parametrize("edit", ["insert_left_of_flag", "swap_id_and_depends_on",
                                  "delete_a_staff_column", "insert_rows_and_columns"])
def test_flags_land_beside_their_ids_under_their_headers(
        edit: str, clean_env: Path, gsheets_env: SheetsEmulator,
        service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    with_pm_notes(gsheets_env)
    edits: dict[str, Callable[[SheetsEmulator], None]] = {
        "insert_left_of_flag": lambda e: (
            e.insert_columns(SID, "Milestones", 13),
            e.set_values(SID, "Milestones", "M1", [["Risk owner"], ["Ann"], ["Bo"]])),
        "swap_id_and_depends_on": lambda e: e.swap_columns(SID, "Milestones", 1, 11),
        "delete_a_staff_column": lambda e: e.delete_columns(SID, "Milestones", 7),
        "insert_rows_and_columns": lambda e: (
            e.insert_rows(SID, "Milestones", 3, 2),
            e.insert_columns(SID, "Milestones", 2),
            e.set_values(SID, "Milestones", "B1", [["Phase"], ["one"], ["two"]])),
    }
    snapshot = between_read_and_write(gsheets_env, edits[edit])

    code, data, err = check_json(GSHEET)

    assert code == 0, err
    after = gsheets_env.values(SID, "Milestones")
    assert staff_part(after) == snapshot.rows  # not one staff cell changed
    assert as_sets(flags_by_id(after)) == expected_flags(data)


def test_a_deleted_flag_column_writes_no_flag_and_says_so(
        clean_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    with_pm_notes(gsheets_env)
    snapshot = between_read_and_write(
        gsheets_env, lambda e: e.delete_columns(SID, "Milestones", 13))  # Flag

    code, data, err = check_json(GSHEET)

    assert code == 0, err
    after = gsheets_env.values(SID, "Milestones")
    assert staff_part(after) == snapshot.rows  # PM notes, now right of Flag detail, kept
    assert all(len(r) < 13 or r[12] in (None, "") for r in after[1:])  # Flag detail empty
    problems = gsheets_env.values(SID, "Problems")
    assert any("wrote no flags this run" in " ".join(map(str, r)) for r in problems)

    code, data, err = check_json(GSHEET)  # the next run puts a new Flag column right

    assert code == 0, err
    after = gsheets_env.values(SID, "Milestones")
    assert staff_part(after) == snapshot.rows
    assert as_sets(flags_by_id(after)) == expected_flags(data)
    assert not any("wrote no flags" in " ".join(map(str, r))
                   for r in gsheets_env.values(SID, "Problems"))


def test_a_staff_column_where_flag_was_to_go_is_never_written(
        clean_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "bare", service_account_key)  # no Flag columns yet
    width = len(gsheets_env.values(SID, "Milestones")[0])

    def staff_adds_a_column(e: SheetsEmulator) -> None:
        e.set_values(SID, "Milestones", f"{chr(ord('A') + width)}1",
                     [["Budget"], [None], [1200]])

    snapshot = between_read_and_write(gsheets_env, staff_adds_a_column)
    code, _, err = check_json(GSHEET)

    assert code == 0, err
    after = gsheets_env.values(SID, "Milestones")
    assert staff_part(after) == snapshot.rows
    assert "Flag" not in after[0]
    assert any("wrote no flags this run" in " ".join(map(str, r))
               for r in gsheets_env.values(SID, "Problems"))


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
    assert sheets_emulator.values(SID, "Old log") == [["Time", "Job"], ["t1", "check"]]
    log = sheets_emulator.values(SID, "Log")
    assert log[0][:2] == ["Time", "Job"] and log[1:] == [["t2", "report"]]


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
    both_read = threading.Barrier(2, timeout=60)  # each reads before either writes: both send
    gsheets_env.before(lambda e: both_read.wait(), method="GET",
                       path_contains="values:batchGet", times=2)
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
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
    assert [p.returncode for p in procs] == [0, 0], outs
    sends = sum(1 for n in (1, 2) for _ in (tmp_path / f"outbox{n}").glob("*.eml"))
    log = gsheets_env.values(SID, "Log")
    assert log[0][0] == "Time" and sum(1 for r in log if r and r[0] == "Time") == 1
    sent_rows = [r for r in log[1:] if len(r) > 5 and r[5] == "sent"]
    assert sends == 2 and len(sent_rows) == sends
    assert gsheets_env.tab_titles(SID).count("Problems") == 1


# =========================================================================== never hang


def test_a_sheets_api_that_never_answers_fails_the_project_in_bounded_time(
        tmp_path: Path, hung_endpoint: str, service_account_key: Path) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copyfile(EXAMPLE, book)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update({"SHEETSYNC_CREDENTIALS": str(service_account_key),
                "SHEETSYNC_SHEETS_ENDPOINT": hung_endpoint,
                "SHEETSYNC_SHEETS_CONNECT_TIMEOUT": "1", "SHEETSYNC_SHEETS_READ_TIMEOUT": "1",
                "SHEETSYNC_SHEETS_RETRY_BUDGET": "3",
                "SHEETSYNC_STATE_DIR": str(tmp_path / "state"),
                "SHEETSYNC_OUTBOX": str(tmp_path / "outbox")})
    argv = [str(SHEETSYNC), "run", GSHEET, str(book), "--now", "2026-11-25T08:00+00:00",
            "--json"]
    started = time.monotonic()
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 1, done
    assert took < 20, took  # 3 s of budget, one read timeout over, and start-up
    hung, acme = json.loads(done.stdout)["projects"]
    assert "did not answer" in hung["error"] and "SHEETSYNC_SHEETS_READ_TIMEOUT" in hung["error"]
    assert acme["actions"][0] == {**acme["actions"][0], "job": "check", "result": "done"}
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    again = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=60)  # the lock was released: not skipped as busy
    assert '"lock"' not in again.stdout, again.stdout


def test_a_hung_read_is_retried_only_within_the_budget(
        hung_endpoint: str, service_account_key: Path) -> None:
    from sheetsync.backends.gsheets_http import RetryPolicy

    sheet = GoogleSheet.open(GSHEET, credentials=service_account_key, endpoint=hung_endpoint,
                             retry=RetryPolicy(connect_timeout=0.5, read_timeout=0.5,
                                               budget=2.0, base_delay=0.1))
    started = time.monotonic()
    with pytest.raises(BackendError, match="did not answer"):
        sheet.read()
    assert time.monotonic() - started < 4
    assert sheet.api_requests >= 2  # a GET is tried again while the budget lasts


def test_a_bad_timeout_setting_is_a_sentence(monkeypatch: pytest.MonkeyPatch,
                                             service_account_key: Path) -> None:
    from sheetsync.errors import ConfigError

    monkeypatch.setenv("SHEETSYNC_SHEETS_READ_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="SHEETSYNC_SHEETS_READ_TIMEOUT is 'soon'"):
        GoogleSheet.open(GSHEET, credentials=service_account_key)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


# =========================================================================== a Log row kept


def run_json(now: str) -> tuple[int, dict[str, Any], str]:
    out = CliRunner().invoke(main, ["run", GSHEET, "--now", now, "--json"],
                             catch_exceptions=False)
    return out.exit_code, json.loads(out.stdout), out.stderr


def sent_rows(emulator: SheetsEmulator) -> list[list[Any]]:
    return [r for r in emulator.values(SID, "Log")[1:] if len(r) > 5 and r[5] == "sent"]


def test_a_log_row_the_sheet_refuses_is_kept_and_written_next_run(
        clean_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    gsheets_env.fail_always(403, path_contains=":append", message=(
        "You are trying to edit a protected cell or object. Please contact the spreadsheet "
        "owner to remove protection if you need to edit."))

    code, data, err = run_json("2026-11-27T16:05+00:00")

    assert code == 1  # the email went out, but its record is not in the sheet yet
    (project,) = data["projects"]
    assert ("report", "sent") in [(a["job"], a["result"]) for a in project["actions"]]
    assert len(list((clean_env / "outbox").glob("*.eml"))) == 1
    assert sent_rows(gsheets_env) == []
    line = next(x for x in err.splitlines() if "LOG ROW KEPT" in x)
    assert "the tab 'Log'" in line and "protected" in line and "next run" in line

    gsheets_env.clear_faults()
    code, data, err = run_json("2026-11-27T16:20+00:00")

    assert code == 0, err
    assert len(list((clean_env / "outbox").glob("*.eml"))) == 1  # not sent again
    (row,) = sent_rows(gsheets_env)
    assert row[0].startswith("2026-11-27T16:05")  # the row as it would have been
    code, data, err = run_json("2026-11-27T16:35+00:00")
    assert code == 0 and len(sent_rows(gsheets_env)) == 1  # written once


def test_report_exits_1_when_its_log_row_is_kept(
        clean_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path,
        service_account_email: str) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    gsheets_env.fail_always(403, path_contains=":append")  # as a Viewer share answers
    out = CliRunner().invoke(main, ["report", GSHEET, "--as-of", AS_OF],
                             catch_exceptions=False)
    assert out.exit_code == 1
    (line,) = out.stderr.splitlines()
    assert "the tab 'Log'" in line and service_account_email in line and "Editor" in line


def test_the_ledger_keeps_each_pending_row_once_until_logged(tmp_path: Path) -> None:
    from datetime import datetime

    from sheetsync.host.ledger import Ledger

    ledger = Ledger(tmp_path)
    at = datetime(2026, 11, 27, 16, 5, tzinfo=UTC)
    for _ in range(2):  # failed twice: still one row to write
        ledger.log_pending(GSHEET, "report", "2026-11-27", at=at, message_id="<m@x>",
                           result="sent", detail="", recipients=("a@x.example",), subject="S")
    (pending,) = ledger.pending_logs(GSHEET)
    assert (pending.job, pending.recipients, pending.subject) == ("report", ("a@x.example",), "S")
    ledger.logged(GSHEET, pending)
    assert ledger.pending_logs(GSHEET) == ()
