"""The one-request read (``spreadsheets.get`` with grid data) gives the very ``RawWorkbook``
the two-request read gives (metadata + ``values:batchGet`` with ``UNFORMATTED_VALUE``).

Both reads of ``GoogleSheet`` run on the same sheet in the emulator (whose grid data is held
to Google's documented answer by ``test_sheets_griddata.py``): the example project as
``sheetsync init`` lays it out (date columns formatted down to row 1000) and as plain cells,
and sheets with dates, times, formulas, every formula error, Chinese text, merged cells,
checkboxes, and blanks at the ends of rows and tabs. Then what the read keeps for the write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_values import ERROR_TEXT, effective_value, grid_rows
from sheetsync.core.parse import parse_workbook
from sheetsync.model import FORMULA_ERROR, Unreadable
from tests.sheets_emulator import ERROR_TYPES, Cell, Fmt, Formula, SheetError, SheetsEmulator
from tests.test_backends_agree import GSHEET, SID, google_copy

Opener = Callable[..., GoogleSheet]
SOURCE = "gsheet:gridread-0123456789"
GID = "gridread-0123456789"
FORMAT = {"backgroundColor": {"red": 1, "green": 0.9, "blue": 0.9}}


def both(open_sheet: Opener, source: str) -> tuple[Any, Any, GoogleSheet]:
    """(grid read, values read, the sheet), each read on a fresh ``GoogleSheet``."""
    grid_sheet = open_sheet(source)
    grid = grid_sheet.read()
    values = open_sheet(source).read_values()
    return grid, values, grid_sheet


@pytest.mark.parametrize("layout", ["init", "en_GB", "iso", "bare"])
def test_the_example_project_reads_the_same(layout: str, sheets_emulator: SheetsEmulator,
                                            service_account_key: Path,
                                            open_sheet: Opener) -> None:
    google_copy(sheets_emulator, layout, service_account_key)
    grid, values, sheet = both(open_sheet, GSHEET)
    assert grid == values
    assert [t.name for t in grid.tabs] and all(t.rows for t in grid.tabs if t.name != "Log")
    assert parse_workbook(grid, GSHEET) == parse_workbook(values, GSHEET)
    assert sheet.api_requests == 1
    if layout == "init":  # formatted blank rows down to 1000 are not rows of the tab
        milestones = next(t for t in grid.tabs if t.name == "Milestones")
        assert len(milestones.rows) < 30 and milestones.rows[-1]
    assert SID in GSHEET


def test_dates_formulas_errors_and_chinese_text(sheets_emulator: SheetsEmulator,
                                                open_sheet: Opener) -> None:
    errors = [Formula(f"=ERR{i}()", shown) for i, shown in enumerate(ERROR_TYPES)]
    sheets_emulator.create_spreadsheet(GID, "混合", {
        "项目": [["字段", "值"], ["项目", "官网改版"], ["客户邮箱", "客户@例子.中国"],
               ["时区", "Asia/Shanghai"]],
        "里程碑": [
            ["编号", "里程碑", "截止", "时间", "状态", "备注"],
            ["M1", "启动会", date(2026, 11, 2), datetime(2026, 11, 2, 9, 30), "完成",
             Formula("=1+1", 2)],
            ["M2", "设计稿", Fmt(date(2026, 11, 20), "yyyy年m月d日"), time(14, 15), True,
             Formula('=A3&"!"', "M2!")],
            ["M3", "上线", "2026/12/4", 0.25, False, Formula("=1/0", "#DIV/0!")],
            ["M4", Formula("=NOW()", 46353.5), "03/04/2026", -3.5, "=not a formula", None],
            ["M5", "#N/A", 12345678901234, 1e-7, "", Formula('=""', "")],
            errors[:6],
            errors[6:],
        ],
    }, locale="zh_CN", time_zone="Asia/Shanghai")
    grid, values, _ = both(open_sheet, SOURCE.replace("gridread-0123456789", GID))
    assert grid == values
    rows = grid.tabs[1].rows
    assert rows[1][2] == 46328 and rows[1][3] == 46328 + 9.5 / 24
    assert rows[2][2] == 46346 and rows[2][4] is True and rows[2][5] == "M2!"
    assert rows[3][2] == "2026/12/4" and rows[3][5] == Unreadable(FORMULA_ERROR, "#DIV/0!")
    assert rows[5][:2] == ("M5", Unreadable(FORMULA_ERROR, "#N/A"))
    assert len(rows[5]) == 4  # the text "" and a formula's "" at the end are blanks
    assert [str(c) for c in rows[6] + rows[7]] == list(ERROR_TYPES)


def test_blanks_at_the_ends_of_rows_and_tabs_and_merged_cells(
        sheets_emulator: SheetsEmulator, open_sheet: Opener, token_call: Callable[..., Any]
) -> None:
    formatted = Cell(fmt=FORMAT)
    sheets_emulator.create_spreadsheet(GID, "Blanks", {
        "Milestones": [
            ["ID", "Milestone", "Due", None, formatted],
            ["M1", "Merged across B:C", None, formatted],
            [],
            [None, None, formatted],
            ["M2", None, date(2026, 12, 1), "", formatted, formatted],
            [formatted, formatted],
            [],
            [formatted],
        ],
        "Updates": [],
        "Changes": [[formatted], [None, formatted]],
        "Staff notes": [["not read"]],
    }, grid={"Milestones": (40, 8)})
    # Google keeps the top-left value of a merge and clears the rest (the emulator stores the
    # request; the cells are seeded as Google leaves them)
    merged = token_call("POST", f"/v4/spreadsheets/{GID}:batchUpdate", {"requests": [
        {"mergeCells": {"mergeType": "MERGE_ALL", "range": {
            "sheetId": 0, "startRowIndex": 1, "endRowIndex": 2,
            "startColumnIndex": 1, "endColumnIndex": 3}}}]})
    assert merged.status_code == 200, merged.text
    grid, values, _ = both(open_sheet, f"gsheet:{GID}")
    assert grid == values
    assert [(t.name, t.rows) for t in grid.tabs] == [
        ("Milestones", (("ID", "Milestone", "Due"), ("M1", "Merged across B:C"), (), (),
                        ("M2", None, 46357))),
        ("Updates", ()),
        ("Changes", ()),
    ]


def test_the_sizes_the_write_needs_are_the_same(sheets_emulator: SheetsEmulator,
                                               service_account_key: Path,
                                               open_sheet: Opener) -> None:
    google_copy(sheets_emulator, "init", service_account_key)
    one, two = open_sheet(GSHEET), open_sheet(GSHEET)
    one.read()
    two.read_values()
    assert {t: (v.height, v.width, v.rows, v.cols, v.sheet_id) for t, v in one.tabs.items()} \
        == {t: (v.height, v.width, v.rows, v.cols, v.sheet_id) for t, v in two.tabs.items()}
    assert one.read_rows == two.read_rows and set(one.read_rows) == {
        t for t in one.tabs if one.tabs[t].height is not None}


def test_grid_values_map_to_raw_cells() -> None:
    """The pure conversion, on Google's documented shapes (offsets the emulator may not give)."""
    assert effective_value({}) is None
    assert effective_value({"effectiveValue": {"stringValue": ""}}) is None
    assert effective_value({"effectiveValue": {"numberValue": 46353}}) == 46353
    assert effective_value({"effectiveValue": {"boolValue": False}}) is False
    for kind, shown in ERROR_TEXT.items():
        cell = {"effectiveValue": {"errorValue": {"type": kind, "message": "why"}}}
        assert effective_value(cell) == Unreadable(FORMULA_ERROR, shown)
    unknown = {"effectiveValue": {"errorValue": {"type": "SOMETHING_NEW"}}}
    assert effective_value(unknown) == Unreadable(FORMULA_ERROR, "#ERROR!")
    assert set(ERROR_TEXT.values()) == set(ERROR_TYPES)  # the emulator's table, inverted
    assert all(isinstance(SheetError(s), str) for s in ERROR_TYPES)
    data = [{"startRow": 1, "startColumn": 2, "rowData": [
        {"values": [{"effectiveValue": {"stringValue": "x"}}, {}]}, {}, {"values": [{}]}]},
        {"rowData": [{"values": [{"effectiveValue": {"numberValue": 1}}]}]}]
    assert grid_rows(data) == ((1,), (None, None, "x"))
    assert grid_rows([{}]) == () and grid_rows([]) == ()


@pytest.fixture
def token_call(sheets_emulator: SheetsEmulator, service_account_key: Path
               ) -> Callable[..., Any]:
    import requests

    from tests.test_sheets_emulator import bearer_token

    token = bearer_token(service_account_key)

    def send(method: str, path: str, body: Any = None) -> Any:
        return requests.request(method, sheets_emulator.url + path, json=body, timeout=10,
                                headers={"Authorization": f"Bearer {token}"})
    return send
