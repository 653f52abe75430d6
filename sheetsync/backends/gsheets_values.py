"""Google Sheets values as sheetsync's raw cells, and A1 ranges of what sheetsync writes.

Pure helpers of the Google backend: how values are asked for (``RENDER``), how an answer's
``ValueRange`` becomes rows (Google leaves out trailing blanks and the ``values`` key of an
empty range), how a tab name is quoted, and how flag cells become value ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sheetsync.model import CellValue, CellWrite, Unreadable
from sheetsync.model import a1 as cell_a1

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
        return Unreadable("the formula has no value", value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def raw_rows(value_range: Mapping[str, Any]) -> tuple[tuple[CellValue, ...], ...]:
    """A ValueRange's rows; no ``values`` key means an empty range."""
    return tuple(tuple(raw_value(v) for v in row) for row in value_range.get("values") or [])


def flag_ranges(title: str, cells: Iterable[CellWrite]) -> list[dict[str, Any]]:
    """Flag cells as value ranges, side-by-side cells of one row merged into one range."""
    ordered = sorted({(c.row, c.col): c for c in cells}.values(), key=lambda c: (c.row, c.col))
    runs: list[list[CellWrite]] = []
    for cell in ordered:
        last = runs[-1][-1] if runs else None
        if last is not None and last.row == cell.row and last.col + 1 == cell.col:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return [_run_range(title, run) for run in runs]


def _run_range(title: str, run: Sequence[CellWrite]) -> dict[str, Any]:
    first, last = run[0], run[-1]
    where = cell_a1(first.row, first.col)
    if len(run) > 1:
        where += ":" + cell_a1(last.row, last.col)
    return {"range": f"{quote_sheet(title)}!{where}", "values": [[c.value for c in run]]}
