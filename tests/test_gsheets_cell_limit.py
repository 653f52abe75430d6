"""A Google Sheet at Google's limit of cells (10 million in one spreadsheet, every tab's whole
grid counted): the flags still land, and the sheet and the admin are told what to do.

Real parts: unmodified gspread and sheetsync's HTTP client against the loopback emulator,
which refuses a ``batchUpdate`` whole, with Google's 400, when it would grow the grids past
the limit (lowered for one sheet, so a test reaches it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gspread
import pytest
from click.testing import CliRunner

from sheetsync.blueprint import layout as blueprint
from sheetsync.cli.main import main
from tests.fixtures_env import GOOGLE, scrub
from tests.sheets_emulator import SheetsEmulator
from tests.test_backends_agree import GSHEET, SID, google_copy

AS_OF = blueprint.EXAMPLE_AS_OF.isoformat()
VIEWS = ("History", "Board", "Timeline")


@pytest.fixture
def full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gsheets_env: SheetsEmulator,
         service_account_key: Path) -> SheetsEmulator:
    """The Acme example on Google without History, Board and Timeline, its Flag column
    blank, and no room left for one more cell."""
    scrub(monkeypatch, tmp_path, keep=GOOGLE)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    google_copy(gsheets_env, "en_GB", service_account_key)
    book = gsheets_env.spreadsheets[SID]
    for title in VIEWS:
        found = book.by_title(title)
        if found is not None:
            book.remove_sheet(found)
    flag = gsheets_env.values(SID, "Milestones")[0].index("Flag")
    rows = len(gsheets_env.values(SID, "Milestones"))
    gsheets_env.set_values(SID, "Milestones", f"{chr(65 + flag)}2",
                           [[None] for _ in range(rows - 1)])
    gsheets_env.set_cell_limit(SID, book.cells())
    return gsheets_env


def check() -> tuple[int, dict[str, Any], str]:
    out = CliRunner().invoke(main, ["check", GSHEET, "--as-of", AS_OF, "--json"],
                             catch_exceptions=False)
    return out.exit_code, json.loads(out.stdout), out.stderr


def flags(emulator: SheetsEmulator) -> dict[str, str]:
    rows = emulator.values(SID, "Milestones")
    ident, flag = rows[0].index("ID"), rows[0].index("Flag")
    return {r[ident]: (r[flag] if flag < len(r) else None) or "" for r in rows[1:] if r}


def test_the_emulator_refuses_a_grid_past_the_limit_whole(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sheets_emulator.create_spreadsheet(SID, "Full", {"Data": [["a"]]}, grid={"Data": (10, 2)})
    sheets_emulator.set_cell_limit(SID, 25)
    book = gspread_client.open_by_key(SID)
    data = book.worksheet("Data").id
    with pytest.raises(gspread.exceptions.APIError,
                       match=r"requests\[1\].appendDimension: This action would increase the "
                             r"number of cells in the workbook above the limit of 25 cells"):
        book.batch_update({"requests": [
            {"updateCells": {"start": {"sheetId": data, "rowIndex": 0, "columnIndex": 1},
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": "b"}}]}],
                             "fields": "userEnteredValue"}},
            {"appendDimension": {"sheetId": data, "dimension": "ROWS", "length": 3}}]})
    assert sheets_emulator.values(SID, "Data") == [["a"]]  # nothing of it applied
    book.batch_update({"requests": [  # growing up to the limit is allowed
        {"appendDimension": {"sheetId": data, "dimension": "ROWS", "length": 2}}]})
    assert sheets_emulator.grid_size(SID, "Data") == (12, 2)


def test_a_full_sheet_gets_its_flags_and_a_line_saying_why_the_tabs_wait(
        full: SheetsEmulator) -> None:
    code, data, err = check()

    assert code == 0, err
    (project,) = data["projects"]
    flagged = {m["id"]: ", ".join(m["flags"]) for m in project["milestones"]}
    assert any(flagged.values())
    assert flags(full) == flagged  # the flags landed in the cells that were there
    titles = [s.title for s in full.spreadsheets[SID].sheets]
    assert not set(VIEWS) & set(titles)
    (note,) = [r for r in full.values(SID, "Problems") if "10,000,000 cells" in str(r)]
    assert note[0] == "History"
    assert "History, Board and Timeline" in note[3] and "Delete" in note[4]

    full.set_cell_limit(SID, 10_000_000)  # staff made room
    code, data, err = check()

    assert code == 0, err
    titles = [s.title for s in full.spreadsheets[SID].sheets]
    assert set(VIEWS) <= set(titles)
    history = full.values(SID, "History")
    assert len(history) > 1 and history[1][2] == "Baseline due"  # none of it lost
    assert not [r for r in full.values(SID, "Problems") if "10,000,000 cells" in str(r)]
    assert flags(full) == flagged


def test_no_room_even_for_the_flags_is_one_sentence_and_exit_1(
        full: SheetsEmulator) -> None:
    book = full.spreadsheets[SID]
    book.remove_sheet(book.by_title("Problems"))  # the Problems tab must be added: no room
    full.set_cell_limit(SID, book.cells())

    code, data, err = check()

    assert code == 1
    (project,) = data["projects"]
    assert "10,000,000 cells" in project["error"] and "delete unused tabs" in project["error"]
    assert "Traceback" not in err
    assert not any(flags(full).values())  # refused whole: nothing half-written


def test_doctor_says_when_a_sheet_nears_the_limit(full: SheetsEmulator) -> None:
    def doctor() -> list[str]:
        out = CliRunner().invoke(main, ["doctor", GSHEET], catch_exceptions=False)
        return [line for line in out.output.splitlines() if "Google's limit" in line]

    assert doctor() == []  # the example is far from it
    full.spreadsheets[SID].add_sheet("Raw export", rows=90_000, cols=100)  # 9 million cells

    (line,) = doctor()

    assert line.startswith("FIX") and "uses 9,1" in line and "of Google's limit of 10,000,000" \
        in line and "delete unused tabs" in line
