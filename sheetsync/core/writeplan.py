"""The write plan: what a job wants written, as the difference from what the sheet holds.

Pure: it takes the parsed ``Project`` (whose ``layout`` says what the job-owned cells hold
now) and the rules' conclusions, and returns a ``WritePlan`` that names only the cells whose
text must change. A run on unchanged data therefore plans nothing and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

from sheetsync.core import schema
from sheetsync.core.tables import TEXT_SHOWN, VALUE_SHOWN, clip
from sheetsync.lang import catalog
from sheetsync.model import (
    Assessment,
    CellWrite,
    Flag,
    Layout,
    LogEntry,
    OwnedTab,
    Project,
    WritePlan,
)


def remap(cells: Iterable[CellWrite], ids_by_row: Mapping[int, str]) -> tuple[CellWrite, ...]:
    """Move keyed cells to the row that holds their ID now; drop those whose ID is lost.

    ``ids_by_row`` is the ID column as re-read just before writing (row -> ID text). Header
    cells (``key == ""``) and cells whose row still holds their ID stay where they are
    (so each of two rows sharing an ID keeps its own flags). A cell whose ID moved goes to
    its new row; one whose ID now stands on no row, or on more than one, is dropped: the
    next run will write it.
    """
    counts = Counter(ids_by_row.values())
    row_of = {key: row for row, key in ids_by_row.items() if counts[key] == 1}
    moved: list[CellWrite] = []
    for cell in cells:
        if not cell.key or ids_by_row.get(cell.row) == cell.key:
            moved.append(cell)
        elif cell.key in row_of:
            moved.append(replace(cell, row=row_of[cell.key]))
    return tuple(moved)


def flag_detail(a: Assessment, language: str, confirm_days: int) -> str:
    """The Flag detail cell: every flag of a row in words, in the project's language."""
    t = catalog.get(language)
    parts: list[str] = []
    for flag in a.flags:
        if flag in (Flag.OVERDUE, Flag.CLIENT_OVERDUE):
            parts.append(t.sheet(f"flag_{flag.lower()}", days=t.days(a.days_overdue)))
        elif flag is Flag.DUE_SOON:
            days = a.days_to_due or 0
            parts.append(t.sheet("flag_due_soon", days=t.days(days)) if days else
                         t.sheet("flag_due_today"))
        elif flag is Flag.UNCONFIRMED:
            parts.append(t.sheet("flag_unconfirmed", days=t.days(a.days_unconfirmed),
                                 window=confirm_days))
        elif flag is Flag.AT_RISK:
            parts.append(t.sheet_n("flag_at_risk", len(a.late_upstream),
                                   ids=t.sheet("list_sep").join(a.late_upstream)))
        elif flag is Flag.CHANGES_REQUESTED:  # the client's words, when they replied
            note = a.milestone.changes_note
            parts.append(t.sheet("flag_changes_requested", words=f"“{note}”") if note else
                         t.sheet("flag_changes_requested_plain"))
        else:  # BLOCKED, AWAITING_CONFIRMATION, INVALID: the flag alone
            parts.append(t.sheet(f"flag_{flag.lower()}"))
    return t.sheet("item_sep").join(parts)


def _flag_writes(project: Project, assessments: tuple[Assessment, ...]) -> tuple[CellWrite, ...]:
    layout = project.layout
    if layout is None or layout.flags is None:
        return ()
    cells = layout.flags
    s = project.settings
    writes: list[CellWrite] = []
    if cells.flag_header:
        writes.append(CellWrite(cells.header_row, cells.flag_col, cells.flag_header, style="job"))
    if cells.detail_header:
        writes.append(CellWrite(cells.header_row, cells.detail_col, cells.detail_header,
                                style="job"))
    wanted: dict[int, tuple[str, str, str]] = {}  # row -> (id, flag, detail)
    for a in assessments:
        flag = ", ".join(a.flags)
        detail = flag_detail(a, s.language, s.confirm_within_days) if a.flags else ""
        wanted[a.milestone.row] = (a.milestone.id, flag, detail)
    current = {row: (ident, flag, detail) for row, ident, flag, detail in cells.current}
    for row in sorted(set(wanted) | set(current)):
        ident, flag, detail = wanted.get(row, ("", "", ""))
        _, old_flag, old_detail = current.get(row, ("", "", ""))
        if flag != old_flag:
            writes.append(CellWrite(row, cells.flag_col, flag, ident))
        if detail != old_detail:
            writes.append(CellWrite(row, cells.detail_col, detail, ident))
    return tuple(writes)


MAX_PROBLEM_ROWS = 1000  # rows x clipped cells: a write stays below Google's 10 MB


def problem_rows(project: Project) -> tuple[tuple[str, ...], ...]:
    """The Problems tab as it should read: the header, then one row a cell.

    Bounded whatever staff typed: two problems of one cell share its row, each value is
    quoted cut (``tables.clip``), each text too (far below Google's 50,000 characters a
    cell), and past
    ``MAX_PROBLEM_ROWS`` rows the last one says how many more there are.
    """
    language = project.settings.language
    head = schema.headers(schema.PROBLEMS, language)
    rows: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str]] = []
    for n, p in enumerate(project.problems):
        key = (p.tab, p.cell) if p.cell else (p.tab, f"#{n}")  # a cell-less problem: alone
        if key in rows:
            row = rows[key]
            if p.problem not in row[3].split("; "):
                row[3] = f"{row[3]}; {p.problem}"
                row[4] = f"{row[4]} {p.how_to_fix}" if p.how_to_fix not in row[4] else row[4]
            elif p.value and p.value not in row[2].split("; "):  # one fault in two parts
                row[2] = f"{row[2]}; {p.value}"  # of a cell (two bad addresses): both named
            continue
        rows[key] = [p.tab, p.cell, p.value, p.problem, p.how_to_fix]
        order.append(key)
    limits = (VALUE_SHOWN, VALUE_SHOWN, VALUE_SHOWN, TEXT_SHOWN, TEXT_SHOWN)
    body = [tuple(clip(c, n) for c, n in zip(rows[k], limits, strict=True)) for k in order]
    if len(body) > MAX_PROBLEM_ROWS:
        more = len(body) - (MAX_PROBLEM_ROWS - 1)
        problem, fix = catalog.get(language).problem(
            "too_many_problems", count=str(more), limit=str(MAX_PROBLEM_ROWS))
        body = [*body[: MAX_PROBLEM_ROWS - 1], ("", "", "", problem, fix)]
    return (head, *body)


def log_row(entry: LogEntry) -> tuple[str, ...]:
    return (entry.time.isoformat(timespec="seconds"), entry.job, entry.project,
            ", ".join(entry.recipients), entry.subject, entry.result, entry.message_id,
            entry.detail)


def build(project: Project, assessments: tuple[Assessment, ...] | None = None, *,
          problems: bool = True, log: tuple[LogEntry, ...] = ()) -> WritePlan:
    """The cells to write so the sheet shows these flags, problems and log rows, and no more.

    ``assessments=None`` leaves the Flag columns alone and ``problems=False`` the Problems
    tab (a job that only appends to the Log).
    """
    layout = project.layout or Layout(None, OwnedTab("Problems", False), OwnedTab("Log", False))
    language = project.settings.language
    rows = problem_rows(project) if problems else None
    old = layout.problems.rows
    width = len(schema.COLUMNS[schema.PROBLEMS])  # what staff type beside them is theirs
    if rows is not None and layout.problems.exists and _same(rows, tuple(r[:width] for r in old)):
        rows = None
    return WritePlan(
        flags_tab=layout.flags.tab if layout.flags else "",
        id_col=layout.flags.id_col if layout.flags else 0,
        flag_cells=() if assessments is None else _flag_writes(project, assessments),
        problems_tab=layout.problems.name,
        problems_rows=rows,
        problems_old_height=len(old),
        log_tab=layout.log.name,
        log_header=() if layout.log.exists else schema.headers(schema.LOG, language),
        log_rows=tuple(log_row(e) for e in log),
        header_row=layout.flags.header_row if layout.flags else 0,
        flag_col=layout.flags.flag_col if layout.flags else 0,
        detail_col=layout.flags.detail_col if layout.flags else 0,
        language=language,
        problems_now=tuple(r[:width] for r in old),
    )


def _same(new: tuple[tuple[str, ...], ...], old: tuple[tuple[str, ...], ...]) -> bool:
    def clean(rows: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
        out = [tuple(c.strip() for c in r) for r in rows]
        out = [r[: max((i + 1 for i, c in enumerate(r) if c), default=0)] for r in out]
        while out and not out[-1]:
            out.pop()
        return out

    return clean(new) == clean(old)
