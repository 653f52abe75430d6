"""Issue 17: the Google Sheets path never hangs and never writes beside a moved column
(the Log's cases are in ``test_gsheets_log.py``).

Real parts only: unmodified gspread against the loopback emulator, whose ``before`` hook
edits the sheet between sheetsync's read and its write as staff would (insert, delete and
swap columns, a staff column where a new Flag column was to go), and a loopback socket
that accepts and never answers. Every case ends with the staff's cells unchanged, the
flags beside the right IDs, and no hang.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.backends import gsheets_write
from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.blueprint import layout as blueprint
from sheetsync.cli.main import main
from sheetsync.errors import BackendError
from tests.fixtures_env import child_environ
from tests.sheets_emulator import SheetsEmulator
from tests.test_backends_agree import AS_OF, GSHEET, SID, google_copy

FLAG_COL = blueprint.example_project().tab("Milestones").col("flag")

ROOT = Path(__file__).resolve().parents[1]
SHEETSYNC = ROOT / ".venv" / "bin" / "sheetsync"
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
JOB_COLUMNS = ("Flag", "Flag detail")
Opener = Callable[..., GoogleSheet]


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


@pytest.fixture(autouse=True)
def stale_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read here is older than the threshold by the time flags are written, so the
    flags tab is read again before the write, and the staff edit lands in between."""
    monkeypatch.setattr(gsheets_write, "REREAD_AFTER_S", 0.0)


def between_read_and_write(emulator: SheetsEmulator,
                           edit: Callable[[SheetsEmulator], None]) -> Snapshot:
    """The edit, just before the re-read of the flags tab (the read is a grid-data GET)."""
    snapshot = Snapshot(edit)
    emulator.before(snapshot, method="GET", path_contains="values:batchGet")
    return snapshot


# =========================================================================== columns moved


@pytest.mark.parametrize("edit", ["insert_left_of_flag", "swap_id_and_depends_on",
                                  "delete_a_staff_column", "insert_rows_and_columns"])
def test_flags_land_beside_their_ids_under_their_headers(
        edit: str, clean_google_env: Path, gsheets_env: SheetsEmulator,
        service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    with_pm_notes(gsheets_env)
    edits: dict[str, Callable[[SheetsEmulator], None]] = {
        "insert_left_of_flag": lambda e: (
            e.insert_columns(SID, "Milestones", 14),
            e.set_values(SID, "Milestones", "N1", [["Risk owner"], ["Ann"], ["Bo"]])),
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
        clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
    google_copy(gsheets_env, "en_GB", service_account_key)
    with_pm_notes(gsheets_env)
    snapshot = between_read_and_write(
        gsheets_env, lambda e: e.delete_columns(SID, "Milestones", FLAG_COL))  # Flag

    code, data, err = check_json(GSHEET)

    assert code == 0, err
    after = gsheets_env.values(SID, "Milestones")
    assert staff_part(after) == snapshot.rows  # PM notes, now right of Flag detail, kept
    assert all(len(r) < FLAG_COL or r[FLAG_COL - 1] in (None, "")  # Flag detail, now there,
               for r in after[1:])  # empty
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
        clean_google_env: Path, gsheets_env: SheetsEmulator, service_account_key: Path) -> None:
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


# =========================================================================== never hang


def test_a_sheets_api_that_never_answers_fails_the_project_in_bounded_time(
        tmp_path: Path, hung_endpoint: str, service_account_key: Path) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copyfile(EXAMPLE, book)
    env = child_environ()
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


def test_a_sign_in_service_that_never_answers_is_bounded_too(
        hung_endpoint: str, service_account_key: Path, tmp_path: Path) -> None:
    from sheetsync.backends.gsheets_http import RetryPolicy

    info = json.loads(service_account_key.read_text())
    key = tmp_path / "hung-token.json"
    key.write_text(json.dumps({**info, "token_uri": hung_endpoint + "/token"}))
    sheet = GoogleSheet.open(GSHEET, credentials=key, endpoint=hung_endpoint,
                             retry=RetryPolicy(connect_timeout=0.5, read_timeout=0.5, budget=2))
    started = time.monotonic()
    with pytest.raises(BackendError, match="sign-in service.*check the network"):
        sheet.read()
    assert time.monotonic() - started < 4


def test_a_bad_timeout_setting_is_a_sentence(tmp_path: Path) -> None:
    from sheetsync.errors import ConfigError
    from sheetsync.host import config

    with pytest.raises(ConfigError, match="SHEETSYNC_SHEETS_READ_TIMEOUT is 'soon'"):
        config.load(env={"SHEETSYNC_SHEETS_READ_TIMEOUT": "soon"})
    (tmp_path / "s.toml").write_text("sheets_retry_budget = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sheets_retry_budget in .*s.toml is 0.0"):
        config.load(str(tmp_path / "s.toml"), env={})
    cfg = config.load(str(tmp_path / "s.toml"), env={"SHEETSYNC_SHEETS_RETRY_BUDGET": "3"})
    assert cfg.sheets_retry_budget == 3.0 and cfg.sheets_read_timeout is None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
