"""Google Sheets values as sheetsync's raw cells, and the cells sheetsync writes.

Pure helpers of the Google backend: how values are asked for (``RENDER``), how an answer's
``ValueRange`` becomes rows (Google leaves out trailing blanks and the ``values`` key of an
empty range), how a tab name is quoted, how text becomes the cells of an ``updateCells`` or
``appendCells`` (text stays text), and how grid data (the read's ``GRID_FIELDS``, a
write's answer) becomes the same rows, each cell's ``effectiveValue`` read as the values
API's ``UNFORMATTED_VALUE`` gives it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sheetsync.model import FORMULA_ERROR, CellValue, CellWrite, Unreadable

# How values are read, everywhere (the re-read before a write included): numbers as
# numbers, and a date cell as its serial number (days since 1899-12-30), never as the text
# its number format shows (``MM/dd`` would lose the year, a locale would swap day and month).
RENDER: dict[str, str] = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",  # a date cell's value, whatever its format
    "majorDimension": "ROWS",
}
META_FIELDS = ("properties(title,locale,timeZone),"
               "sheets.properties(sheetId,title,index,sheetType,gridProperties)")
# What a formula that failed (or has not finished) shows instead of a value.
FORMULA_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                            "#N/A", "#ERROR!", "#SPILL!", "#CALC!", "Loading..."})
NEW_TAB_ROWS, NEW_TAB_COLS = 1000, 26  # Google's own default grid for a new tab


def quote_sheet(title: str) -> str:
    """A sheet name for an A1 range, always quoted: ``'It''s'``."""
    return "'" + title.replace("'", "''") + "'"


def raw_value(value: Any) -> CellValue:
    """One value as the API sent it, as a raw cell: "" is blank, #REF! is unreadable."""
    if value == "" or value is None:
        return None
    if isinstance(value, str) and value in FORMULA_ERRORS:
        return Unreadable(FORMULA_ERROR, value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def raw_rows(value_range: Mapping[str, Any]) -> tuple[tuple[CellValue, ...], ...]:
    """A ValueRange's rows; no ``values`` key means an empty range."""
    return tuple(tuple(raw_value(v) for v in row) for row in value_range.get("values") or [])


def flag_requests(sheet_id: int, cells: Iterable[CellWrite]) -> list[dict[str, Any]]:
    """Flag cells as ``updateCells`` of their text only (format and notes stay), one per
    run of side-by-side cells of one row."""
    return [{"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": run[0].row - 1,
                  "columnIndex": run[0].col - 1},
        "rows": [{"values": [text_cell(c.value) for c in run]}],
        "fields": TEXT_FIELDS}} for run in _runs(cells)]


TEXT_FIELDS = "userEnteredValue"  # what RAW wrote: the value, never the look


def text_cell(text: str) -> dict[str, Any]:
    """A CellData holding ``text`` as text (as ``valueInputOption=RAW`` stored it: ``=1+1``,
    ``007`` or ``2026-11-27`` stay text); "" empties the cell."""
    return {"userEnteredValue": {"stringValue": text}} if text else {}


def text_rows(rows: Iterable[Sequence[str]]) -> list[dict[str, Any]]:
    """Rows of text as RowData."""
    return [{"values": [text_cell(v) for v in row]} for row in rows]


def _runs(cells: Iterable[CellWrite]) -> list[list[CellWrite]]:
    ordered = sorted({(c.row, c.col): c for c in cells}.values(), key=lambda c: (c.row, c.col))
    runs: list[list[CellWrite]] = []
    for cell in ordered:
        last = runs[-1][-1] if runs else None
        if last is not None and last.row == cell.row and last.col + 1 == cell.col:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return runs


# The one read of a sheet (``GoogleSheet.read``): its title, locale and time zone, every
# tab's properties with its grid size, and every cell's effective value (its value, or a
# formula's last result) as grid data, in one ``spreadsheets.get``. Nothing else of a cell
# (formats, formatted text, notes) is asked for: ``effectiveValue`` alone is what
# ``UNFORMATTED_VALUE`` + ``SERIAL_NUMBER`` gives (a date cell's serial number included).
GRID_FIELDS = ("properties(title,locale,timeZone),"
               "sheets(properties(sheetId,title,index,sheetType,gridProperties),"
               "data(startRow,startColumn,rowData(values(effectiveValue))))")
# ErrorValue.type (Sheets API v4) as the text the values API shows for the cell.
ERROR_TEXT: dict[str, str] = {
    "ERROR": "#ERROR!", "NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!", "REF": "#REF!", "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A",
    "LOADING": "Loading...",
}


def effective_value(cell: Mapping[str, Any]) -> CellValue:
    """One ``CellData`` as a raw cell, as ``raw_value`` reads the values API's answer."""
    value = cell.get("effectiveValue") or {}
    if "errorValue" in value:
        kind = (value.get("errorValue") or {}).get("type", "ERROR")
        return raw_value(ERROR_TEXT.get(kind, ERROR_TEXT["ERROR"]))
    for key in ("numberValue", "stringValue", "boolValue"):
        if key in value:
            return raw_value(value[key])
    return None


def grid_rows(data: Iterable[Mapping[str, Any]]) -> tuple[tuple[CellValue, ...], ...]:
    """A tab's ``GridData`` as the rows ``raw_rows`` gives for the same tab: a row is cut
    after its last value, an empty row inside is ``()``, and empty rows at the end are
    left out (a formatted blank cell is blank, as in the values API)."""
    grid: list[list[CellValue]] = []
    for block in data:
        top, left = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
        for i, row in enumerate(block.get("rowData") or []):
            cells = [effective_value(c) for c in row.get("values") or []]
            while len(grid) <= top + i:
                grid.append([])
            target = grid[top + i]
            if len(target) < left + len(cells):
                target.extend([None] * (left + len(cells) - len(target)))
            for j, value in enumerate(cells):
                if value is not None:
                    target[left + j] = value
    for cells in grid:
        while cells and cells[-1] is None:
            cells.pop()
    while grid and not grid[-1]:
        grid.pop()
    return tuple(tuple(cells) for cells in grid)
