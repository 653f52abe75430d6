"""The job-owned tabs of a plan (History, Board, Timeline) as Google Sheets requests.

Pure: a ``TabWrite`` and what is known of its tab in, request bodies out; ``gsheets_write``
sends them inside the one ``spreadsheets:batchUpdate`` of an apply, never in one of their
own:

- a rewritten tab (Board, Timeline) is one ``updateCells``: every cell of the old and new
  extent gets its text (``stringValue``: text stays text) and its look (the job's fill and
  font, or none), so nothing stale is left;
- an appended tab (History) is one ``appendCells`` after its last row with data (written
  by ``gsheets_write``), its header first on a new tab.
"""

from __future__ import annotations

from typing import Any

from sheetsync.core import palette
from sheetsync.model import CellStyle, TabWrite

PIXELS_A_CHAR = 7  # column widths are given in characters
FORMAT_FIELDS = "userEnteredValue,userEnteredFormat(backgroundColor,textFormat)"


def colour(hex_rgb: str) -> dict[str, float]:
    return {"red": int(hex_rgb[0:2], 16) / 255, "green": int(hex_rgb[2:4], 16) / 255,
            "blue": int(hex_rgb[4:6], 16) / 255}


def cell_format(style: CellStyle | None) -> dict[str, Any]:
    """A userEnteredFormat with the job's look, or the default look (white, plain)."""
    style = style or CellStyle()
    text: dict[str, Any] = {"bold": style.bold}
    text["foregroundColor"] = colour(style.font) if style.font else colour("000000")
    return {"backgroundColor": colour(style.fill or "FFFFFF"), "textFormat": text}


def extent(tab: TabWrite, height: int, width: int) -> tuple[int, int]:
    """Rows x columns a rewrite covers: the new rows and whatever the tab held before."""
    rows = max(len(tab.rows), tab.old_height, height)
    cols = max([len(r) for r in tab.rows] + [tab.old_width, width, 1])
    return rows, cols


def rewrite(tab: TabWrite, sheet_id: int, height: int, width: int) -> dict[str, Any]:
    """One updateCells that makes the whole tab read and look as ``tab`` says."""
    styles = {(r, c): s for r, c, s in tab.styles}
    n_rows, n_cols = extent(tab, height, width)
    rows = []
    for r in range(1, n_rows + 1):
        values = tab.rows[r - 1] if r <= len(tab.rows) else ()
        cells = []
        for c in range(1, n_cols + 1):
            text = values[c - 1] if c <= len(values) else ""
            cell: dict[str, Any] = {"userEnteredFormat": cell_format(styles.get((r, c)))}
            if text:
                cell["userEnteredValue"] = {"stringValue": text}
            cells.append(cell)
        rows.append({"values": cells})
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                            "rows": rows, "fields": FORMAT_FIELDS}}


def header_look(sheet_id: int, width: int) -> dict[str, Any]:
    """The grey header of a new appended tab."""
    return {"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1,
                  "startColumnIndex": 0, "endColumnIndex": max(width, 1)},
        "cell": {"userEnteredFormat": cell_format(
            CellStyle(palette.JOB_FILL, palette.JOB_FONT, bold=True))},
        "fields": "userEnteredFormat(backgroundColor,textFormat)"}}


def widths(tab: TabWrite, sheet_id: int) -> list[dict[str, Any]]:
    """Column widths of a new tab."""
    return [{"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": c - 1,
                  "endIndex": c},
        "properties": {"pixelSize": int(chars * PIXELS_A_CHAR)}, "fields": "pixelSize"}}
        for c, chars in tab.widths]


def appended_rows(tab: TabWrite, height: int) -> list[list[str]]:
    """The rows an append writes after ``height`` rows: the header first on an empty tab."""
    rows = [list(r) for r in tab.rows]
    if height == 0 and tab.header:
        rows.insert(0, list(tab.header))
    return rows
