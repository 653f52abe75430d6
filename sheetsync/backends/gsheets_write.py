"""How a ``WritePlan`` reaches a Google Sheet that staff may be editing at the same moment.

Requests of one apply (see docs/google-sheets.md), in this order:

1. one ``values:batchGet`` of the whole flags tab, only when the plan has flag cells: the
   header row and the ID column come in that same answer, and ``placement.place`` puts
   each cell beside its ID under its header as they are now. When Flag or Flag detail
   vanished or has another column in its place, no flag is written and the Problems tab
   says so (``placement.with_note``); the next run writes them;
2. at most one ``spreadsheets:batchUpdate``: a missing Problems or Log tab is added (the
   Log with its header row in the same atomic request), a grid too small is grown;
   the Board and Timeline tabs ride in it, each one ``updateCells`` of its text and look
   (``gsheets_tabs``);
3. one ``values:batchUpdate`` (``RAW``): the flag cells, the job's five columns of the
   Problems tab (what staff type to their right stays), and History's new rows after the
   last row the read saw; split in several only if one would pass ``MAX_REQUEST_BYTES``,
   Google's 10 MB with room to spare;
4. one ``values:append`` (``RAW``, ``INSERT_ROWS``) of the Log rows: Google inserts them
   after the last row, so two runs at once never write over each other's row.

A tab renamed, deleted or created by another run meanwhile (``TabMoved``) is answered by
reading the tab list again and sending the step once more.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sheetsync.backends import gsheets_tabs
from sheetsync.backends.gsheets_errors import TabMoved
from sheetsync.backends.gsheets_values import (
    NEW_TAB_COLS,
    NEW_TAB_ROWS,
    RENDER,
    flag_ranges,
    quote_sheet,
    raw_rows,
)
from sheetsync.core import placement, schema
from sheetsync.errors import SourceError
from sheetsync.model import CellWrite, RawTab, TabWrite, WritePlan, column_letter
from sheetsync.model import a1 as cell_a1

if TYPE_CHECKING:
    from sheetsync.backends.gsheets import GoogleSheet, _Tab

APPEND: dict[str, str | int | bool | float | list[str] | None] = {
    "valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
MAX_REQUEST_BYTES = 8_000_000  # Google refuses a request over 10 MB
PROBLEMS_WIDTH = len(schema.COLUMNS[schema.PROBLEMS])  # the job's columns; staff's beyond


@dataclass
class _Structure:
    requests: list[dict[str, Any]] = field(default_factory=list)
    new_tabs: list[str] = field(default_factory=list)


def apply_plan(sheet: GoogleSheet, plan: WritePlan) -> None:
    """Write one plan (never empty) to ``sheet`` as the module docstring says."""
    cells: tuple[CellWrite, ...] = ()
    if plan.flag_cells:
        placed = placement.place(plan, _reread(sheet, plan.flags_tab))
        if placed.refusal:
            plan = placement.with_note(plan, placed.refusal)
        cells = placed.cells
    for attempt in (1, 2):
        try:
            _structure(sheet, plan, cells)
            break
        except TabMoved:
            if attempt == 2:
                raise
            sheet.forget_tabs()  # another run added a tab meanwhile: look again
    data: list[dict[str, Any]] = []
    if cells:
        data.extend(flag_ranges(_tab(sheet, plan.flags_tab).title, cells))
    if plan.problems_rows is not None:
        data.extend(_problem_ranges(_tab(sheet, plan.problems_tab), plan))
    for job_tab in plan.tabs:
        if job_tab.append and job_tab.rows:  # History: no request of its own
            tab = _tab(sheet, job_tab.title)
            start = (tab.height or 0) + 1
            end = cell_a1(start + len(job_tab.rows) - 1, max(len(r) for r in job_tab.rows))
            data.append({"range": f"{quote_sheet(tab.title)}!A{start}:{end}",
                         "values": [list(r) for r in job_tab.rows]})
            tab.height = start + len(job_tab.rows) - 1
    for part in request_sized(data):
        body = {"valueInputOption": "RAW", "data": part}
        sheet.call(lambda body=body: sheet.http.values_batch_update(  # type: ignore[misc]
            sheet.id, body), "write the Flag columns and the Problems tab")
    if plan.log_rows:
        _append_log(sheet, plan)


def request_sized(data: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Value ranges in as few groups as keep each request below ``MAX_REQUEST_BYTES``."""
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


def _tab(sheet: GoogleSheet, title: str) -> _Tab:
    tab = sheet.find(title)
    if tab is None:
        raise SourceError(f"The tab {title!r} is gone from {sheet.source}: run the job again.")
    return tab


def _reread(sheet: GoogleSheet, title: str) -> RawTab:
    """The flags tab as it is now, in one request (its header row and its ID column too)."""
    tab = _tab(sheet, title)
    answer = sheet.call(lambda: sheet.http.values_batch_get(
        sheet.id, [quote_sheet(tab.title)], params=dict(RENDER)))
    ranges = answer.get("valueRanges") or [{}]
    return RawTab(tab.title, raw_rows(ranges[0]))


def _structure(sheet: GoogleSheet, plan: WritePlan, cells: tuple[CellWrite, ...]) -> None:
    """The one structural batchUpdate: add missing tabs, grow grids that are too small."""
    out = _Structure()
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
    if not out.requests:
        return
    answer = sheet.call(lambda: sheet.http.batch_update(sheet.id, {"requests": out.requests}))
    for reply in answer.get("replies") or []:
        props = (reply.get("addSheet") or {}).get("properties")
        if props and props.get("title") in sheet.tabs:
            sheet.tabs[props["title"]].sheet_id = int(props["sheetId"])


def _job_tab(sheet: GoogleSheet, out: _Structure, job_tab: TabWrite) -> None:
    """History grown (or added with its header) for its new rows; Board and Timeline
    rewritten, text and look, by one updateCells each."""
    existing = sheet.find(job_tab.title)
    height = (existing.height or 0) if existing else 0
    width = existing.width if existing else 0
    if job_tab.append:
        if job_tab.rows:
            cols = max(len(r) for r in (job_tab.header, *job_tab.rows))
            _ensure_tab(sheet, out, job_tab.title, max(height, 1) + len(job_tab.rows), cols,
                        header=job_tab.header)
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


def _problem_ranges(tab: _Tab, plan: WritePlan) -> list[dict[str, Any]]:
    """The job's five columns of Problems: new rows, then "" over what older rows held."""
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
    where = f"{quote_sheet(tab.title)}!A1:{cell_a1(height, PROBLEMS_WIDTH)}"
    return [{"range": where, "values": padded}]


def _append_log(sheet: GoogleSheet, plan: WritePlan) -> None:
    """The Log rows appended after the last row (``INSERT_ROWS``): never over another's."""
    rows = [list(r) for r in plan.log_rows]
    width = max(len(r) for r in (plan.log_header, *plan.log_rows))
    for attempt in (1, 2):
        tab = _tab(sheet, plan.log_tab)
        where = f"{quote_sheet(tab.title)}!A:{column_letter(max(width, 1))}"
        try:
            sheet.call(lambda where=where: sheet.http.values_append(  # type: ignore[misc]
                sheet.id, where, dict(APPEND), {"values": rows}),
                f"append the send's row to the tab {tab.title!r}")
            tab.height = (tab.height or 0) + len(rows)
            return
        except TabMoved:
            if attempt == 2:
                raise
            sheet.forget_tabs()  # renamed or deleted meanwhile: find the Log again
            _structure(sheet, plan, ())
