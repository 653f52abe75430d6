"""Lay a ``Blueprint`` onto a Google Sheet staff created (``sheetsync init gsheet:<id>``).

The same workbook ``xlsx_template`` renders to .xlsx, in three requests:

1. one metadata GET with the cells' ``userEnteredValue`` (``includeGridData`` under a field
   mask), to learn the tabs, their grids and whether any holds data (the values of every
   tab come along: cheap on the new, nearly empty sheet init is meant for);
2. one ``spreadsheets:batchUpdate`` for the structure and the formatting: new tabs (or the
   default empty ``Sheet1`` renamed), grids, frozen header rows and columns, tab colours,
   header notes and styles, column widths, date formats, dropdowns and the highlight rules;
3. one ``values:batchUpdate`` with ``valueInputOption=RAW`` for the headers and the
   example rows.

Dates: an example date is written as its serial number (days since 1899-12-30) into a cell
the batchUpdate already formatted ``DATE`` / ``yyyy-mm-dd``, so it is a real date that
shows as ``2026-03-02`` whatever the spreadsheet's locale, and staff can sort it and use the
date picker. Under RAW the text ``2026-03-02`` would stay text; ``USER_ENTERED`` would make
it a date, but would also let Google re-interpret every other value (a text such as
``=x`` would become a formula), so RAW with serial numbers is both exact and safe.

Dropdowns are ``ONE_OF_LIST`` with ``strict: false``: another word only shows a warning
mark, because the parser accepts every alias. A sheet where any of sheetsync's tabs already
holds data is refused before anything is written. An empty sheetsync tab staff made is
filled in place (its old highlight rules removed, so running init again after a failed
values write lays each rule once); other tabs are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sheetsync.backends.gsheets import GoogleSheet, quote_sheet
from sheetsync.blueprint.layout import (
    DATE_FORMAT,
    FIRST_ROW,
    HELP_FONT,
    JOB_FILL,
    JOB_FONT,
    JOB_TAB_COLOUR,
    LAST_ROW,
    Blueprint,
    Column,
    Highlight,
    Tab,
)
from sheetsync.core import schema
from sheetsync.errors import SourceError
from sheetsync.model import CellValue, a1

GRID_FIELDS = ("properties(title,locale,timeZone),"
               "sheets(properties(sheetId,title,index,sheetType,gridProperties),"
               "conditionalFormats(ranges(sheetId)),data(rowData(values(userEnteredValue))))")
# What Google calls the first tab of a new spreadsheet, in a few UI languages.
DEFAULT_TAB = re.compile(r"(sheet|工作表|tabelle|feuille|hoja|foglio|blad|arkusz|planilha|"
                         r"лист|シート)\s*1", re.IGNORECASE)
MIN_ROWS, MIN_COLS = max(1000, LAST_ROW), 26  # Google's own default grid
PIXELS_PER_CHAR = 7  # a column width in characters, as pixels
EPOCH = date(1899, 12, 30)  # day 0 of spreadsheet serial numbers


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Existing:
    """A tab the spreadsheet has before init."""

    title: str
    sheet_id: int
    index: int
    rows: int
    cols: int
    has_data: bool
    highlights: int = 0  # conditional format rules it holds


@dataclass(frozen=True)
class Placement:
    """Where one blueprint tab goes: a new tab, the default tab renamed, or an empty tab."""

    tab: Tab
    sheet_id: int
    title: str  # the title the tab has after init
    how: str  # "new", "renamed" or "reused"
    rows: int
    cols: int
    old_title: str = ""
    old_highlights: int = 0  # rules an existing tab holds, removed before the new ones


@dataclass(frozen=True)
class InitResult:
    """What ``init_sheet`` did, to print."""

    source: str
    title: str
    placements: tuple[Placement, ...]
    requests: int

    def lines(self) -> list[str]:
        """One plain line per tab, then the totals."""
        out = [f'Initialised {self.source} ("{self.title}"):']
        for p in self.placements:
            what = {"new": f"created tab {p.title!r}",
                    "renamed": f"renamed the empty tab {p.old_title!r} to {p.title!r}",
                    "reused": f"filled the empty tab {p.title!r}"}[p.how]
            out.append(f"  {what}: {_describe(p.tab)}.")
        tabs = [p.tab for p in self.placements]
        out.append(f"  {count_dropdowns(tabs)} dropdowns, {count_date_columns(tabs)} date "
                   f"columns, {sum(len(t.highlights) for t in tabs)} highlight rules, "
                   f"{sum(len(t.columns) for t in tabs)} header notes; "
                   f"{self.requests} requests to Google.")
        return out


def _describe(tab: Tab) -> str:
    parts = [f"{len(tab.columns)} columns"]
    if tab.rows:
        parts.append(f"{len(tab.rows)} example row{'s' if len(tab.rows) > 1 else ''}")
    if tab.job_owned:
        parts.append("written by sheetsync (grey)")
    elif any(c.job_owned for c in tab.columns):
        owned = ", ".join(c.header for c in tab.columns if c.job_owned)
        parts.append(f"{owned} written by sheetsync (grey)")
    return ", ".join(parts)


def count_dropdowns(tabs: Iterable[Tab]) -> int:
    """Dropdown rules laid: one per list column and one per listed Project value."""
    return sum(sum(1 for c in t.columns if c.words) + len(t.cell_dropdowns) for t in tabs)


def count_date_columns(tabs: Iterable[Tab]) -> int:
    return sum(sum(1 for c in t.columns if c.date) for t in tabs)


# --------------------------------------------------------------------------- the flow


def init_sheet(sheet: GoogleSheet, blueprint: Blueprint) -> InitResult:
    """Lay ``blueprint`` on ``sheet`` in three requests; refuse if sheetsync tabs hold data."""
    existing = existing_tabs(sheet.grid_metadata(GRID_FIELDS))
    placements = place(blueprint, existing, sheet.source)
    sheet.batch_update(structure_requests(blueprint, placements))
    sheet.write_raw(value_ranges(placements))
    return InitResult(sheet.source, sheet.title, tuple(placements), sheet.api_requests)


def existing_tabs(meta: dict[str, Any]) -> list[Existing]:
    """The grid tabs of a metadata answer that carries ``userEnteredValue`` grid data."""
    tabs = []
    for entry in meta.get("sheets") or []:
        props = entry.get("properties") or {}
        if props.get("sheetType", "GRID") != "GRID":
            continue
        grid = props.get("gridProperties") or {}
        tabs.append(Existing(
            title=props.get("title", ""), sheet_id=int(props.get("sheetId", 0)),
            index=int(props.get("index", 0)), rows=int(grid.get("rowCount", 0)),
            cols=int(grid.get("columnCount", 0)), has_data=_has_data(entry.get("data") or []),
            highlights=len(entry.get("conditionalFormats") or [])))
    return tabs


def _has_data(data: list[dict[str, Any]]) -> bool:
    return any(value.get("userEnteredValue") is not None
               for block in data for row in block.get("rowData") or []
               for value in row.get("values") or [])


def place(blueprint: Blueprint, existing: Sequence[Existing], source: str) -> list[Placement]:
    """Decide where each tab goes; SourceError when a sheetsync tab already holds data."""
    known = {schema.canonical_tab(t.title): t for t in existing if schema.canonical_tab(t.title)}
    full = [t.title for t in existing if schema.canonical_tab(t.title) and t.has_data]
    if full:
        raise SourceError(f"{source} already has sheetsync tabs with data "
                          f"({', '.join(full)}), and init would overwrite staff data; run "
                          "init on a new, empty Google Sheet instead.")
    spare = next((t for t in existing if not t.has_data and not schema.canonical_tab(t.title)
                  and DEFAULT_TAB.fullmatch(t.title.strip())), None)
    taken = {t.sheet_id for t in existing}
    placements = []
    for tab in blueprint.tabs:
        rows, cols = MIN_ROWS, max(MIN_COLS, len(tab.columns))
        found = known.get(tab.key)
        if found is not None:
            placements.append(Placement(tab, found.sheet_id, found.title, "reused",
                                        max(rows, found.rows), max(cols, found.cols),
                                        old_highlights=found.highlights))
        elif spare is not None:
            placements.append(Placement(tab, spare.sheet_id, tab.title, "renamed",
                                        max(rows, spare.rows), max(cols, spare.cols),
                                        old_title=spare.title,
                                        old_highlights=spare.highlights))
            spare = None
        else:
            sheet_id = _free_id(taken)
            taken.add(sheet_id)
            placements.append(Placement(tab, sheet_id, tab.title, "new", rows, cols))
    return placements


def _free_id(taken: set[int]) -> int:
    """A sheet ID no tab uses: chosen here so later requests of the batch can name it."""
    candidate = 1000 + len(taken)
    while candidate in taken:
        candidate += 1
    return candidate


# --------------------------------------------------------------------------- structure


def structure_requests(blueprint: Blueprint, placements: Sequence[Placement]) -> list[
        dict[str, Any]]:
    """Every structural and formatting request, for one ``spreadsheets:batchUpdate``."""
    requests: list[dict[str, Any]] = []
    for p in placements:
        requests.append(_tab_request(p))
        requests.extend({"deleteConditionalFormatRule": {"sheetId": p.sheet_id, "index": i}}
                        for i in reversed(range(p.old_highlights)))
        requests.extend(_tab_format(blueprint, p))
    return requests


def _tab_request(p: Placement) -> dict[str, Any]:
    grid = {"rowCount": p.rows, "columnCount": p.cols, "frozenRowCount": p.tab.freeze_rows,
            "frozenColumnCount": p.tab.freeze_cols}
    props: dict[str, Any] = {"sheetId": p.sheet_id, "title": p.title, "gridProperties": grid}
    if p.tab.job_owned:
        props["tabColorStyle"] = {"rgbColor": colour(JOB_TAB_COLOUR)}
    if p.how == "new":
        return {"addSheet": {"properties": props}}
    fields = "title,gridProperties" + (",tabColorStyle" if p.tab.job_owned else "")
    return {"updateSheetProperties": {"properties": props, "fields": fields}}


def _tab_format(blueprint: Blueprint, p: Placement) -> list[dict[str, Any]]:
    tab, sid = p.tab, p.sheet_id
    out: list[dict[str, Any]] = [_header_request(sid, tab)]
    for col, column in enumerate(tab.columns):
        out.append(_width_request(sid, col, column.width))
        body = grid_range(sid, FIRST_ROW - 1, LAST_ROW, col, col + 1)
        if column.date:
            out.append({"repeatCell": {"range": body, "cell": {"userEnteredFormat": {
                "numberFormat": {"type": "DATE", "pattern": DATE_FORMAT}}},
                "fields": "userEnteredFormat.numberFormat"}})
        if column.help:
            out.append({"repeatCell": {"range": body, "cell": {"userEnteredFormat": {
                "textFormat": {"italic": True, "foregroundColor": colour(HELP_FONT)}}},
                "fields": "userEnteredFormat.textFormat"}})
        if column.words:
            out.append(dropdown(body, column.words, blueprint.dropdown_hint(column.words)))
    for cell in tab.cell_dropdowns:
        where = grid_range(sid, cell.row - 1, cell.row, cell.col - 1, cell.col)
        out.append(dropdown(where, cell.words, blueprint.dropdown_hint(cell.words)))
    every = grid_range(sid, FIRST_ROW - 1, LAST_ROW, 0, len(tab.columns))
    for rank, highlight in enumerate(tab.highlights):
        out.append(highlight_request(every, highlight, tab.highlight_column, rank))
    return out


def _header_request(sheet_id: int, tab: Tab) -> dict[str, Any]:
    """Header styles and notes (the header text itself goes in with the values)."""
    cells = [{"note": column.note, "userEnteredFormat": header_format(column)}
             for column in tab.columns]
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                            "rows": [{"values": cells}],
                            "fields": "note,userEnteredFormat(textFormat,backgroundColor)"}}


def header_format(column: Column) -> dict[str, Any]:
    """Bold; a job-owned header grey and italic on a grey fill, as in the .xlsx template."""
    if not column.job_owned:
        return {"textFormat": {"bold": True}}
    return {"textFormat": {"bold": True, "italic": True, "foregroundColor": colour(JOB_FONT)},
            "backgroundColor": colour(JOB_FILL)}


def _width_request(sheet_id: int, col: int, width: float) -> dict[str, Any]:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col,
                  "endIndex": col + 1},
        "properties": {"pixelSize": round(width * PIXELS_PER_CHAR)}, "fields": "pixelSize"}}


def dropdown(where: dict[str, Any], words: Sequence[str], hint: str) -> dict[str, Any]:
    """A list dropdown that only warns on another word (the parser accepts aliases)."""
    return {"setDataValidation": {"range": where, "rule": {
        "condition": {"type": "ONE_OF_LIST",
                      "values": [{"userEnteredValue": w} for w in words]},
        "inputMessage": hint, "strict": False, "showCustomUi": True}}}


def highlight_request(where: dict[str, Any], highlight: Highlight, column: str,
                      rank: int) -> dict[str, Any]:
    """A custom-formula rule colouring a row by its Flag cell; Google stops at the first."""
    return {"addConditionalFormatRule": {"index": rank, "rule": {
        "ranges": [where],
        "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA",
                          "values": [{"userEnteredValue": "=" + highlight.formula(column)}]},
            "format": {"backgroundColor": colour(highlight.fill),
                       "textFormat": {"foregroundColor": colour(highlight.font)}}}}}}


def grid_range(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, Any]:
    """A GridRange: 0-based, end-exclusive rows and columns."""
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1,
            "startColumnIndex": c0, "endColumnIndex": c1}


def colour(rgb: str) -> dict[str, float]:
    """``RRGGBB`` as the API's ``{red, green, blue}`` in 0..1."""
    red, green, blue = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


# --------------------------------------------------------------------------- values


def value_ranges(placements: Sequence[Placement]) -> list[dict[str, Any]]:
    """Headers and example rows of every tab, for one RAW ``values:batchUpdate``."""
    out = []
    for p in placements:
        rows = [list(p.tab.headers)] + [[raw(v) for v in row] for row in p.tab.rows]
        width = len(p.tab.columns)
        where = f"{quote_sheet(p.title)}!A1:{a1(len(rows), width)}"
        out.append({"range": where, "majorDimension": "ROWS", "values": rows})
    return out


def raw(value: CellValue) -> Any:
    """A blueprint value as RAW input: dates as serial numbers, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    if isinstance(value, date):
        return (value - EPOCH).days
    return value
