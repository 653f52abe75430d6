"""How a ``WritePlan`` reaches a Google Sheet that staff may be editing at the same moment.

Requests of one apply (see docs/google-sheets.md), in this order:

1. one ``values:batchGet`` of the whole flags tab, only when the plan has flag cells and
   the read is ``REREAD_AFTER_S`` old or more (``_reread``; a fresher read's rows are used
   as they are): the header row and the ID column come in that same answer, and
   ``placement.place`` puts each cell beside its ID under its header as they are now. When
   Flag or Flag detail vanished or has another column in its place, no flag is written and
   the Problems tab says so (``placement.with_note``); the next run writes them;
2. one ``spreadsheets:batchUpdate`` holding every write, applied by Google all or nothing:
   a missing Problems or Log tab added (the Log with its header row), grids too small
   grown, the Board and Timeline tabs (one ``updateCells`` each of their text and look,
   ``gsheets_tabs``), the flag cells and the job's five columns of the Problems tab as
   ``updateCells`` of their text only (what staff type to their right, and every cell's
   format and note, stay), and History's and the Log's new rows as ``appendCells``: Google
   puts them after the last row with data at that moment, so two runs at once never write
   over each other's row. Split in several only if one would pass ``MAX_REQUEST_BYTES``,
   Google's 10 MB with room to spare. A plan with ``echo_log`` asks for the Log tab in the
   same answer (``includeSpreadsheetInResponse``), and ``apply_plan`` returns it.

Cells are addressed by sheetId, so a tab renamed meanwhile is still the one written. A
tab deleted or created by another run meanwhile (``TabMoved``) is answered by reading the
tab list again and sending the write once more (it was applied not at all). A write
Google refuses because the spreadsheet would pass its limit of cells (``CellLimit``) is sent
once more without the History, Board and Timeline tabs, the Problems tab saying why
(``placement.without_tabs``): the flags land in cells that are there, and the tabs wait for
room (their changes stay unrecorded until then, so none is lost).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL

from sheetsync.backends import gsheets_tabs
from sheetsync.backends.gsheets_errors import CellLimit, TabMoved
from sheetsync.backends.gsheets_values import (
    NEW_TAB_COLS,
    NEW_TAB_ROWS,
    RENDER,
    TEXT_FIELDS,
    flag_requests,
    grid_rows,
    quote_sheet,
    raw_rows,
    text_rows,
)
from sheetsync.core import placement, schema
from sheetsync.errors import SourceError, WriteRefused
from sheetsync.model import CellWrite, RawTab, TabWrite, WritePlan

if TYPE_CHECKING:
    from sheetsync.backends.gsheets import GoogleSheet, _Tab

MAX_REQUEST_BYTES = 8_000_000  # Google refuses a request over 10 MB
PROBLEMS_WIDTH = len(schema.COLUMNS[schema.PROBLEMS])  # the job's columns; staff's beyond
# what a write's answer carries of the spreadsheet when the plan asks for the Log
# (``echo_log``): each tab's name and the cells' values, no formats
ECHO_FIELDS = ("spreadsheetId,replies,updatedSpreadsheet(sheets(properties(sheetId,title),"
               "data(startRow,rowData(values(effectiveValue)))))")


@dataclass
class _Structure:
    requests: list[dict[str, Any]] = field(default_factory=list)
    new_tabs: list[str] = field(default_factory=list)


def apply_plan(sheet: GoogleSheet, plan: WritePlan) -> RawTab | None:
    """Write one plan (never empty) to ``sheet`` as the module docstring says; the Log tab
    as it stands after the write when the plan asks for it (``echo_log``)."""
    cells: tuple[CellWrite, ...] = ()
    if plan.flag_cells:
        placed = placement.place(plan, _reread(sheet, plan.flags_tab))
        if placed.refusal:
            plan = placement.with_note(plan, placed.refusal)
        cells = placed.cells
    moved = False
    while True:
        try:
            return _write(sheet, plan, cells)
        except TabMoved:
            if moved:
                raise
            moved = True
            sheet.forget_tabs()  # a tab deleted or added meanwhile: look again, send again
        except CellLimit:
            if not plan.tabs:
                raise
            # no room for History, Board and Timeline: the flags and Problems still fit in
            # cells that are there, with a line saying why the tabs wait (nothing applied yet)
            plan = placement.without_tabs(plan)


def _write(sheet: GoogleSheet, plan: WritePlan, cells: tuple[CellWrite, ...]) -> RawTab | None:
    """Every write of the plan in one ``spreadsheets:batchUpdate`` (or a few, by size)."""
    before = sheet.tab_state()  # what the requests below assume is done, undone if refused
    out = _Structure()
    _structure(sheet, plan, cells, out)
    if cells:
        out.requests.extend(flag_requests(_tab(sheet, plan.flags_tab).sheet_id, cells))
    if plan.problems_rows is not None:
        out.requests.extend(_problem_requests(_tab(sheet, plan.problems_tab), plan))
    for job_tab in plan.tabs:
        if job_tab.append and job_tab.rows:  # History: after its last row with data
            out.requests.append(_append(_tab(sheet, job_tab.title), job_tab.rows))
    if plan.log_rows:
        out.requests.append(_append(_tab(sheet, plan.log_tab), plan.log_rows))
    parts = request_sized(out.requests)
    answer: dict[str, Any] = {}
    for number, part in enumerate(parts, start=1):
        body: dict[str, Any] = {"requests": part}
        params = None
        if plan.echo_log and number == len(parts):
            body.update(includeSpreadsheetInResponse=True, responseIncludeGridData=True,
                        responseRanges=[quote_sheet(_tab(sheet, plan.log_tab).title)])
            params = {"fields": ECHO_FIELDS}
        try:
            answer = sheet.call(lambda body=body, params=params: sheet.http.request(  # type: ignore[misc]
                "post", SPREADSHEET_BATCH_UPDATE_URL % sheet.id, json=body,
                params=params).json(), _doing(sheet, plan))
        except (SourceError, WriteRefused) as refused:  # Google said no: nothing applied
            if number == 1:
                sheet.restore_tabs(before)  # no tab added, no grid grown
                raise  # nothing applied yet: the whole write may be sent again
            if isinstance(refused, (TabMoved, CellLimit)):
                raise SourceError(str(refused)) from None  # earlier parts are in: never twice
            raise
        for reply in answer.get("replies") or []:
            props = (reply.get("addSheet") or {}).get("properties")
            if props and props.get("title") in sheet.tabs:
                sheet.tabs[props["title"]].sheet_id = int(props["sheetId"])
    return _echoed(sheet, plan, answer) if plan.echo_log and plan.log_rows else None


def _doing(sheet: GoogleSheet, plan: WritePlan) -> str:
    """What the write does, as a refusal names it."""
    log = f"append the send's row to the tab {_tab(sheet, plan.log_tab).title!r}" if (
        plan.log_rows) else ""
    if not (plan.flag_cells or plan.problems_rows is not None or any(t.rows for t in plan.tabs)):
        return log
    return "write the Flag columns and the Problems tab" + (f" and {log}" if log else "")


def _echoed(sheet: GoogleSheet, plan: WritePlan, answer: dict[str, Any]) -> RawTab | None:
    """The Log tab as the write's answer shows it, just after the write."""
    tab = _tab(sheet, plan.log_tab)
    for entry in (answer.get("updatedSpreadsheet") or {}).get("sheets") or []:
        props = entry.get("properties") or {}
        if props.get("sheetId") == tab.sheet_id or props.get("title") == tab.title:
            rows = grid_rows(entry.get("data") or [])
            tab.height = len(rows)
            return RawTab(tab.title, rows)
    return None


def request_sized(data: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Requests (or value ranges) in as few groups as keep each request below
    ``MAX_REQUEST_BYTES``, in their order."""
    parts: list[list[dict[str, Any]]] = []
    size = 0
    for item in data:
        item_size = len(json.dumps(item))  # as requests sends it: ASCII-escaped
        if not parts or size + item_size > MAX_REQUEST_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(item)
        size += item_size
    return parts


def _append(tab: _Tab, rows: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """Rows after the tab's last row with data, as Google finds it when it applies them."""
    tab.height = (tab.height or 0) + len(rows)
    return {"appendCells": {"sheetId": tab.sheet_id, "rows": text_rows(rows),
                            "fields": TEXT_FIELDS}}


def _tab(sheet: GoogleSheet, title: str) -> _Tab:
    tab = sheet.find(title)
    if tab is None:
        raise SourceError(f"The tab {title!r} is gone from {sheet.source}: run the job again.")
    return tab


# A read younger than this (seconds, on the monotonic clock ``GoogleSheet.clock``) is what
# the sheet is now, near enough: flags are placed by the rows it got, without the re-read.
# A staff insert or sort in the few seconds between a read and its write is the one edit
# this can miss; a read older than this (a slow run, a report after a long render, a write
# held up by the quota) is read again.
REREAD_AFTER_S = 5.0


def _reread(sheet: GoogleSheet, title: str) -> RawTab:
    """The flags tab as it is now (its header row and its ID column too): the rows of a
    read less than ``REREAD_AFTER_S`` old, else one ``values:batchGet``."""
    tab = _tab(sheet, title)
    rows = sheet.read_rows.get(tab.title)
    if (rows is not None and sheet.read_at is not None
            and sheet.clock() - sheet.read_at < REREAD_AFTER_S):
        return RawTab(tab.title, rows)
    answer = sheet.call(lambda: sheet.http.values_batch_get(
        sheet.id, [quote_sheet(tab.title)], params=dict(RENDER)))
    ranges = answer.get("valueRanges") or [{}]
    return RawTab(tab.title, raw_rows(ranges[0]))


def _structure(sheet: GoogleSheet, plan: WritePlan, cells: tuple[CellWrite, ...],
               out: _Structure) -> None:
    """The structural requests, first in the write: add missing tabs, grow grids that are
    too small, rewrite Board and Timeline."""
    if cells:
        flags = _tab(sheet, plan.flags_tab)
        _grow(out, flags, max(c.row for c in cells), max(c.col for c in cells))
    if plan.problems_rows is not None:
        height = max(len(plan.problems_rows), plan.problems_old_height)
        _ensure_tab(sheet, out, plan.problems_tab, height, PROBLEMS_WIDTH)
    if plan.log_rows:
        header = plan.log_header or schema.headers(schema.LOG, plan.language)
        width = max(len(r) for r in plan.log_rows)
        _ensure_tab(sheet, out, plan.log_tab, 1, width, header=header)
    for job_tab in plan.tabs:
        _job_tab(sheet, out, job_tab)


def _job_tab(sheet: GoogleSheet, out: _Structure, job_tab: TabWrite) -> None:
    """History widened (or added with its header) for its new rows, which appendCells
    puts after its last row; Board and Timeline rewritten, text and look, by one
    updateCells each."""
    existing = sheet.find(job_tab.title)
    height = (existing.height or 0) if existing else 0
    width = existing.width if existing else 0
    if job_tab.append:
        if job_tab.rows:
            cols = max(len(r) for r in (job_tab.header, *job_tab.rows))
            _ensure_tab(sheet, out, job_tab.title, 1, cols, header=job_tab.header)
        return
    rows, cols = gsheets_tabs.extent(job_tab, height, width)
    _ensure_tab(sheet, out, job_tab.title, rows, cols)
    tab = _tab(sheet, job_tab.title)
    if job_tab.title in out.new_tabs:
        out.requests.extend(gsheets_tabs.widths(job_tab, tab.sheet_id))
    out.requests.append(gsheets_tabs.rewrite(job_tab, tab.sheet_id, height, width))
    tab.height = len(job_tab.rows)
    tab.width = max((len(r) for r in job_tab.rows), default=0)


def _grow(out: _Structure, tab: _Tab, rows: int, cols: int) -> None:
    for dimension, have, need in (("ROWS", tab.rows, rows), ("COLUMNS", tab.cols, cols)):
        if need > have:
            out.requests.append({"appendDimension": {
                "sheetId": tab.sheet_id, "dimension": dimension, "length": need - have}})
            if dimension == "ROWS":
                tab.rows = need
            else:
                tab.cols = need


def _ensure_tab(sheet: GoogleSheet, out: _Structure, title: str, rows: int, cols: int,
                header: tuple[str, ...] = ()) -> None:
    """Grow ``title`` to rows x cols, or add it (a new Log with its header row)."""
    tab = sheet.find(title)
    if tab is not None:
        _grow(out, tab, rows, cols)
        return
    from sheetsync.backends.gsheets import _Tab

    taken = {t.sheet_id for t in sheet.tabs.values()}
    sheet_id = next(i for i in iter(lambda: random.randrange(1, 2**31 - 1), 0)
                    if i not in taken)
    cols = max(cols, len(header))
    tab = _Tab(title, sheet_id, max(rows, NEW_TAB_ROWS), max(cols, NEW_TAB_COLS), 0, 0)
    out.requests.append({"addSheet": {"properties": {
        "sheetId": sheet_id, "title": title,
        "gridProperties": {"rowCount": tab.rows, "columnCount": tab.cols,
                           "frozenRowCount": 1}}}})
    if header:  # in the same atomic request: a Log never exists without its header
        out.requests.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": h}} for h in header]}],
            "fields": "userEnteredValue"}})
        tab.height, tab.width = 1, len(header)
    out.new_tabs.append(title)
    sheet.tabs[title] = tab


def _problem_requests(tab: _Tab, plan: WritePlan) -> list[dict[str, Any]]:
    """The job's five columns of Problems: new rows, then blanks over what older rows held;
    text only, so the staff's columns to the right and every cell's look stay."""
    assert plan.problems_rows is not None
    rows = [list(r[:PROBLEMS_WIDTH]) for r in plan.problems_rows]
    # a tab found only after the read (another run made it) is blanked over its whole grid
    seen = tab.rows if tab.height is None else tab.height
    height = max(len(rows), plan.problems_old_height, seen)
    tab.height = len(rows)
    if not height:
        return []
    padded = [r + [""] * (PROBLEMS_WIDTH - len(r)) for r in rows]
    padded += [[""] * PROBLEMS_WIDTH for _ in range(height - len(rows))]
    return [{"updateCells": {"start": {"sheetId": tab.sheet_id, "rowIndex": 0, "columnIndex": 0},
                             "rows": text_rows(padded), "fields": TEXT_FIELDS}}]
