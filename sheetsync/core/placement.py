"""Where a plan's flag cells go on the Milestones tab as it is just before the write.

Pure. Staff may insert, delete, move or sort rows and columns between a job's read and its
write. A backend that cannot lock the sheet (Google) re-reads the tab in one request just
before writing and calls ``place``: every cell is placed by header name (Flag, Flag detail)
and by the ID on its row, never by the position it had at the read. Where the Flag columns
cannot be found safely (one vanished or was renamed, or a column sheetsync meant to create
now holds staff text) nothing is placed and ``refusal`` names the column; ``with_note``
then adds a line saying so to the Problems tab, and the next run writes the flags.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from sheetsync.core import schema
from sheetsync.core.tables import Reader, find_header
from sheetsync.lang import catalog
from sheetsync.model import CellWrite, RawTab, WritePlan, a1, blank, cell_text


@dataclass(frozen=True)
class Placed:
    cells: tuple[CellWrite, ...]
    refusal: str = ""  # the column's header that could not be found safely, if any


def place(plan: WritePlan, tab: RawTab) -> Placed:
    """The plan's flag cells moved to where their column header and ID stand in ``tab``."""
    if not plan.flag_cells:
        return Placed(())
    sheet = find_header(tab, schema.MILESTONES, Reader(language=plan.language))
    flag_name = schema.header(schema.MILESTONES, "flag", plan.language)
    if sheet is None or "id" not in sheet.columns:
        return Placed((), schema.header(schema.MILESTONES, "id", plan.language))
    new_headers = {c.col for c in plan.flag_cells if not c.key and c.row == plan.header_row
                   and plan.header_row}
    written = {c.col for c in plan.flag_cells}
    where: dict[int, int] = {}  # column in the plan -> column now
    for key, planned in (("flag", plan.flag_col), ("flag_detail", plan.detail_col)):
        if planned not in written:
            continue
        name = schema.header(schema.MILESTONES, key, plan.language)
        if key in sheet.columns:
            where[planned] = sheet.columns[key]
        elif planned in new_headers and _empty_column(tab, planned):
            where[planned] = planned
        else:
            return Placed((), name)
    if len(set(where.values())) != len(where):
        return Placed((), flag_name)
    ids = {row: cell_text(tab.value(row, sheet.columns["id"])).strip()
           for row in range(sheet.header_row + 1, len(tab.rows) + 1)}
    counts = Counter(v for v in ids.values() if v)
    row_of = {key: row for row, key in ids.items() if key and counts[key] == 1}
    out: list[CellWrite] = []
    for cell in plan.flag_cells:
        col = where.get(cell.col)
        if col is None:
            continue
        if not cell.key and cell.row == plan.header_row:
            if cell.col in new_headers and where[cell.col] == cell.col and (
                    blank(tab.value(sheet.header_row, col))):
                out.append(CellWrite(sheet.header_row, col, cell.value, style=cell.style))
        elif not cell.key:  # a stale flag on a row with no ID: only while it still has none
            if cell.row > sheet.header_row and not ids.get(cell.row):
                out.append(CellWrite(cell.row, col, cell.value, style=cell.style))
        elif ids.get(cell.row) == cell.key:
            out.append(cell if col == cell.col else
                       CellWrite(cell.row, col, cell.value, cell.key, cell.style))
        elif cell.key in row_of:
            out.append(CellWrite(row_of[cell.key], col, cell.value, cell.key, cell.style))
    return Placed(tuple(out))


def _empty_column(tab: RawTab, col: int) -> bool:
    return all(blank(tab.value(row, col)) for row in range(1, len(tab.rows) + 1))


def with_note(plan: WritePlan, column: str) -> WritePlan:
    """The plan without flag cells, its Problems tab saying why (in the project's language)."""
    problem, fix = catalog.get(plan.language).problem("flags_moved", column=column)
    rows = plan.problems_rows
    if rows is None:
        rows = plan.problems_now or (schema.headers(schema.PROBLEMS, plan.language),)
    where = a1(plan.header_row, plan.flag_col) if plan.header_row and plan.flag_col else ""
    note = (plan.flags_tab, where, column, problem, fix)
    return replace(plan, flag_cells=(), problems_rows=(*rows, note))


def without_tabs(plan: WritePlan) -> WritePlan:
    """The plan without its job tabs (History, Board, Timeline), its Problems tab saying
    why: the spreadsheet has no room left for them (Google's limit of cells). The flags, the
    Problems tab and the Log still go in; the next check writes the tabs once there is room
    (History's changes are still unrecorded then, so none is lost)."""
    words = catalog.get(plan.language)
    problem, fix = words.problem("cell_limit", tabs=words.join(t.title for t in plan.tabs))
    rows = plan.problems_rows
    if rows is None:
        rows = plan.problems_now or (schema.headers(schema.PROBLEMS, plan.language),)
    note = (plan.tabs[0].title if plan.tabs else "", "", "", problem, fix)
    return replace(plan, tabs=(), problems_rows=(*rows, note))

