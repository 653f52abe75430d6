"""The emulator's ``spreadsheets.get`` with grid data, held to Google's documented answer.

What is held (developers.google.com/sheets/api/reference/rest/v4/spreadsheets/get, the
``GridData`` / ``CellData`` / ``ExtendedValue`` / ``ErrorValue`` reference, and the one
recorded grid-data answer in ``tests/reference/sheets-api-recorded/WorksheetTest.test_format
.json``, replayed by ``test_sheets_emulator``):

- grid data comes with ``includeGridData=true``, or when a ``fields`` mask selects
  ``sheets.data``; "if a field mask is set, the includeGridData parameter is ignored";
- ``ranges`` limit the answer to the sheets they touch, one ``GridData`` per range, with a
  zero-based ``startRow`` / ``startColumn`` (left out when 0);
- ``rowData`` has one entry per row, ``{}`` for an empty row, each row's ``values`` up to
  its last cell with a value or a format; rows after the last such row are left out;
- ``CellData``: ``userEnteredValue`` (``formulaValue`` for a formula), ``effectiveValue``
  (the computed value; a date as its serial ``numberValue``; an error as ``errorValue``
  with its ``ErrorType``), ``formattedValue`` (as shown), ``effectiveFormat`` (with the
  ``numberFormat`` a date is shown with) only when the format is not the default;
- the mask is applied to what is left: a field it does not name is left out
  (``startRow`` too, as in the recording).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.sheets_emulator import Fmt, Formula, SheetsEmulator
from tests.test_sheets_emulator import bearer_token

VALUES = "sheets(properties(title),data(startRow,startColumn,rowData(values(effectiveValue))))"


@pytest.fixture
def token(service_account_key: Path) -> str:
    return bearer_token(service_account_key)


def get(emulator: SheetsEmulator, token: str, sid: str, **params: Any) -> dict[str, Any]:
    answer = requests.get(f"{emulator.url}/v4/spreadsheets/{sid}", params=params,
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def seed(emulator: SheetsEmulator, locale: str = "en_US") -> None:
    emulator.create_spreadsheet("g", "Grid", {
        "Data": [
            ["ID", "Due", "Done", "Note"],
            ["M1", date(2026, 11, 27), True, Formula("=1/0", "#DIV/0!")],
            [],
            ["M2", Fmt(date(2026, 12, 4), "d mmm yyyy"), False, Formula("=2+3", 5)],
            [None, None, None, None],
        ],
        "Other": [["x"]],
    }, locale=locale, grid={"Data": (50, 6)})


def test_include_grid_data_answers_rows_and_cells_as_documented(
        sheets_emulator: SheetsEmulator, token: str) -> None:
    seed(sheets_emulator)
    body = get(sheets_emulator, token, "g", includeGridData="true")
    data = body["sheets"][0]["data"]
    assert len(data) == 1 and "startRow" not in data[0] and "startColumn" not in data[0]
    rows = data[0]["rowData"]
    assert len(rows) == 4  # the blank row 5 and the grid's empty rows after it: left out
    assert rows[2] == {}  # an empty row in the middle
    header = rows[0]["values"]
    assert header[0] == {"userEnteredValue": {"stringValue": "ID"},
                         "effectiveValue": {"stringValue": "ID"}, "formattedValue": "ID"}
    m1 = rows[1]["values"]
    assert len(m1) == 4
    due = m1[1]
    assert due["userEnteredValue"] == due["effectiveValue"] == {"numberValue": 46353}
    assert due["formattedValue"] == "11/27/2026"
    # a date's effective number format names the pattern it is shown with
    assert due["effectiveFormat"]["numberFormat"] == {"type": "DATE", "pattern": "M/d/yyyy"}
    assert due["userEnteredFormat"]["numberFormat"] == {"type": "DATE"}
    assert m1[2] == {"userEnteredValue": {"boolValue": True},
                     "effectiveValue": {"boolValue": True}, "formattedValue": "TRUE"}
    error = m1[3]
    assert error["userEnteredValue"] == {"formulaValue": "=1/0"}
    assert error["effectiveValue"]["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    assert error["effectiveValue"]["errorValue"]["message"]
    assert error["formattedValue"] == "#DIV/0!"
    assert "effectiveFormat" not in error  # the default format is not written
    m2 = rows[3]["values"]
    assert m2[1]["formattedValue"] == "4 Dec 2026"
    assert m2[1]["effectiveFormat"]["numberFormat"] == {"type": "DATE", "pattern": "d mmm yyyy"}
    assert m2[3] == {"userEnteredValue": {"formulaValue": "=2+3"},
                     "effectiveValue": {"numberValue": 5}, "formattedValue": "5"}


def test_the_locale_gives_a_date_its_effective_pattern(sheets_emulator: SheetsEmulator,
                                                      token: str) -> None:
    seed(sheets_emulator, locale="en_GB")
    body = get(sheets_emulator, token, "g", includeGridData="true", ranges="Data!B2")
    cell = body["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["effectiveFormat"]["numberFormat"] == {"type": "DATE", "pattern": "dd/MM/yyyy"}
    assert cell["formattedValue"] == "27/11/2026"
    assert cell["effectiveValue"] == {"numberValue": 46353}


def test_a_field_mask_decides_and_include_grid_data_is_ignored(
        sheets_emulator: SheetsEmulator, token: str) -> None:
    seed(sheets_emulator)
    masked = get(sheets_emulator, token, "g", includeGridData="false", fields=VALUES)
    assert [s["properties"] for s in masked["sheets"]] == [{"title": "Data"}, {"title": "Other"}]
    rows = masked["sheets"][0]["data"][0]["rowData"]
    assert rows[0] == {"values": [{"effectiveValue": {"stringValue": t}}
                                  for t in ("ID", "Due", "Done", "Note")]}
    assert rows[1]["values"][1] == {"effectiveValue": {"numberValue": 46353}}
    assert rows[2] == {}
    assert masked["sheets"][1]["data"] == [{"rowData": [
        {"values": [{"effectiveValue": {"stringValue": "x"}}]}]}]
    without = get(sheets_emulator, token, "g", includeGridData="true",
                  fields="sheets.properties.title")
    assert without == {"sheets": [{"properties": {"title": "Data"}},
                                  {"properties": {"title": "Other"}}]}
    plain = get(sheets_emulator, token, "g")
    assert all("data" not in s for s in plain["sheets"])


def test_ranges_limit_the_sheets_and_give_start_row_and_column(
        sheets_emulator: SheetsEmulator, token: str) -> None:
    seed(sheets_emulator)
    body = get(sheets_emulator, token, "g", ranges=["Data!B2:C4", "Data!A1"], fields=VALUES)
    assert [s["properties"]["title"] for s in body["sheets"]] == ["Data"]
    first, second = body["sheets"][0]["data"]
    assert (first["startRow"], first["startColumn"]) == (1, 1)
    assert first["rowData"] == [
        {"values": [{"effectiveValue": {"numberValue": 46353}},
                    {"effectiveValue": {"boolValue": True}}]},
        {},
        {"values": [{"effectiveValue": {"numberValue": 46360}},
                    {"effectiveValue": {"boolValue": False}}]},
    ]
    assert second == {"rowData": [{"values": [{"effectiveValue": {"stringValue": "ID"}}]}]}
    # a range without a value: a GridData without rowData
    empty = get(sheets_emulator, token, "g", ranges="Data!E10:F12", fields=VALUES)
    assert empty["sheets"][0]["data"] == [{"startRow": 9, "startColumn": 4}]


@pytest.mark.parametrize(("shown", "kind"), [
    ("#NULL!", "NULL_VALUE"), ("#DIV/0!", "DIVIDE_BY_ZERO"), ("#VALUE!", "VALUE"),
    ("#REF!", "REF"), ("#NAME?", "NAME"), ("#NUM!", "NUM"), ("#N/A", "N_A"),
    ("#ERROR!", "ERROR"), ("Loading...", "LOADING"),
])
def test_errors_are_typed_as_the_error_value_enum(sheets_emulator: SheetsEmulator, token: str,
                                                  shown: str, kind: str) -> None:
    from tests.sheets_emulator import Cell, SheetError

    sheets_emulator.create_spreadsheet("e", "Errors", {"S": [[
        Cell(SheetError(shown), formula="=X()")]]})
    body = get(sheets_emulator, token, "e", fields="sheets.data.rowData.values("
                                                  "effectiveValue,formattedValue)")
    cell = body["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["effectiveValue"]["errorValue"]["type"] == kind
    assert cell["formattedValue"] == shown


def test_formatted_blank_cells_stay_as_empty_cells_under_a_mask(
        sheets_emulator: SheetsEmulator, token: str) -> None:
    from tests.sheets_emulator import Cell

    fmt = {"backgroundColor": {"red": 1}}
    sheets_emulator.create_spreadsheet("b", "Blank", {"S": [
        ["a", Cell(fmt=fmt), Cell(fmt=fmt)],
        [Cell(fmt=fmt)],
    ]})
    body = get(sheets_emulator, token, "b", fields=VALUES)
    rows = body["sheets"][0]["data"][0]["rowData"]
    # a cell with a format and no value is a cell: it is there, empty after the mask
    assert rows == [{"values": [{"effectiveValue": {"stringValue": "a"}}, {}, {}]},
                    {"values": [{}]}]
    full = get(sheets_emulator, token, "b", includeGridData="true")
    blank = full["sheets"][0]["data"][0]["rowData"][0]["values"][1]
    assert set(blank) == {"userEnteredFormat", "effectiveFormat"}
    assert blank["effectiveFormat"]["backgroundColor"] == {"red": 1}
