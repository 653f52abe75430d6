"""What a WritePlan changes in each tab of an .xlsx file, as cells, against the file as it is.

Every job-owned tab is written in one of two ways, whatever the tab: ``rewrite`` (the tab's
first columns are the job's whole content, like Problems: what staff type to their right
stays) or ``append`` (rows added after the last row, like Log; a header first when the tab
is new). The Flag cells are placed by their column's header and their milestone's ID in the tab as
it is now (``core/placement``, as for Google Sheets).
A later job-owned tab adds one line to ``plan_edits``. Only cells whose text changes are
written; header cells get the grey job style.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from sheetsync.backends import xlsx_book as book
from sheetsync.backends import xlsx_patch as patch
from sheetsync.backends.xlsx_package import split_ref
from sheetsync.core import palette, placement
from sheetsync.model import CellStyle, CellWrite, RawTab, TabWrite, WritePlan, cell_text

JOB_STYLE = "job"  # grey fill, bold italic grey font: "written by sheetsync"
PLAIN_STYLE = "plain"  # the default look: what a job-owned cell had before it was coloured
Cells = dict[int, dict[int, tuple[str, str]]]  # row -> col -> (text, style name)


@dataclass
class TabEdit:
    """The cells to set in one tab (text "" empties a cell, keeping its format); a tab that
    is new gets ``widths`` ((col, characters)) and its first rows and columns frozen."""

    title: str
    cells: Cells = field(default_factory=dict)
    widths: tuple[tuple[int, float], ...] = ()
    freeze: tuple[int, int] = (1, 0)  # rows, columns

    def set(self, row: int, col: int, text: str, style: str = "") -> None:
        self.cells.setdefault(row, {})[col] = (text, style)

    def resolve(self, styles: book.Styles | None) -> patch.Resolver:
        """A function giving the format index of a cell from its style name and the
        format it (or, for a new header, the cell left of it) has now."""

        def resolver(name: str, own: int | None, left: int | None) -> int | None:
            if not name or styles is None:
                return own
            if name == PLAIN_STYLE:  # the workbook's default look (a job tab's blank cell)
                return 0
            if name == JOB_STYLE:  # a new header looks like the one left of it, but grey
                return styles.index(own or left or 0, book.JOB_FILL, book.JOB_FONT)
            if name.startswith("fill:"):
                return styles.index(own or 0, "FF" + name[5:].upper(), None)
            raise ValueError(f"unknown cell style {name!r}")

        return resolver


def plan_edits(plan: WritePlan, tabs: Mapping[str, RawTab],
               sheets: Mapping[str, str]) -> list[TabEdit]:
    """The plan as cells, against ``tabs`` (the values of the file about to be patched)."""
    return [e for e in (make() for make in edit_makers(plan, tabs, sheets)) if e.cells]


def edit_makers(plan: WritePlan, tabs: Mapping[str, RawTab],
                sheets: Mapping[str, str]) -> list[Callable[[], TabEdit]]:
    """``plan_edits`` as one function a tab, each making that tab's edit when called, so a
    writer holds one tab's edit at a time (a first History's is the largest)."""
    makers: list[Callable[[], TabEdit]] = []
    flags = tabs.get(plan.flags_tab)
    if plan.flag_cells and plan.flags_tab in sheets and flags is not None:
        placed = placement.place(plan, flags)  # by header and ID, as the tab is now
        if placed.refusal:  # a Flag column vanished or was taken: Problems says so
            plan = placement.with_note(plan, placed.refusal)
        makers.append(partial(_cells, plan.flags_tab, placed.cells, flags))
    if plan.problems_rows is not None and plan.problems_tab:
        makers.append(partial(rewrite, plan.problems_tab, plan.problems_rows,
                              tabs.get(plan.problems_tab), old_height=plan.problems_old_height,
                              width=5))
    if plan.log_rows and plan.log_tab:
        makers.append(partial(append, plan.log_tab, plan.log_rows, tabs.get(plan.log_tab),
                              header=plan.log_header))
    for job_tab in plan.tabs:  # History appended; Board and Timeline rewritten, coloured
        new = job_tab.title not in sheets
        make: Callable[[], TabEdit] = (
            partial(append, job_tab.title, job_tab.rows, tabs.get(job_tab.title),
                    header=job_tab.header) if job_tab.append
            else partial(styled, job_tab, tabs.get(job_tab.title), new=new))
        makers.append(partial(_laid_out, make, job_tab) if new else make)
    return makers


def _laid_out(make: Callable[[], TabEdit], job_tab: TabWrite) -> TabEdit:
    """A new job tab's edit with the tab's column widths and frozen panes."""
    edit = make()
    edit.widths, edit.freeze = job_tab.widths, (job_tab.freeze_rows, job_tab.freeze_cols)
    return edit


def _cells(title: str, writes: tuple[CellWrite, ...], tab: RawTab) -> TabEdit:
    """The placed flag cells whose text changes; none inside a merged range."""
    edit = TabEdit(title)
    blocked = _merged(tab, {w.col for w in writes})
    for write in writes:
        if blocked and any(r1 <= write.row <= r2 and c1 <= write.col <= c2
                           for r1, c1, r2, c2 in blocked):
            continue  # the read reported the merge as a problem; staff unmerge it first
        if write.value != cell_text(tab.value(write.row, write.col)) or write.style:
            edit.set(write.row, write.col, write.value, write.style)
    return edit


def _merged(tab: RawTab | None, cols: set[int]) -> list[tuple[int, int, int, int]]:
    found = []
    for ref in tab.merged if tab is not None else ():
        try:
            first, _, last = ref.partition(":")
            (r1, c1), (r2, c2) = split_ref(first), split_ref(last or first)
        except ValueError:
            continue
        if any(c1 <= c <= c2 for c in cols):
            found.append((r1, c1, r2, c2))
    return found


def rewrite(title: str, rows: tuple[tuple[str, ...], ...], tab: RawTab | None, *,
            old_height: int = 0, width: int) -> TabEdit:
    """The tab's first ``width`` columns hold ``rows`` (header first) and nothing below."""
    edit = TabEdit(title)
    current = tab.rows if tab is not None else ()
    width = max([len(r) for r in rows] + [width])
    for r in range(1, max(len(rows), old_height, len(current)) + 1):
        values = rows[r - 1] if r <= len(rows) else ()
        for c in range(1, width + 1):
            text = values[c - 1] if c <= len(values) else ""
            now = cell_text(tab.value(r, c)) if tab is not None else ""
            if text != now:
                edit.set(r, c, text, JOB_STYLE if r == 1 and text else "")
    return edit


def style_name(style: CellStyle | None) -> str:
    """A job tab's ``CellStyle`` as a cell style name: the job grey, a fill, or plain."""
    if style is None or not style.fill:
        return PLAIN_STYLE
    return JOB_STYLE if style.fill == palette.JOB_FILL else f"fill:{style.fill}"


def styled(job_tab: TabWrite, tab: RawTab | None, *, new: bool = False) -> TabEdit:
    """A whole tab rewritten with the job's own look: every cell of the old and new extent
    gets its text ("" empties it) and its fill (plain where it has none), so no colour
    of an earlier board is left behind. In a ``new`` tab (no part yet) a blank plain cell
    is the look it has anyway and is left out (each row is still written)."""
    edit = TabEdit(job_tab.title)
    styles = {(r, c): s for r, c, s in job_tab.styles}
    current = tab.rows if tab is not None else ()
    height = max(len(job_tab.rows), job_tab.old_height, len(current))
    width = max([len(r) for r in (*job_tab.rows, *current)] + [job_tab.old_width, 1])
    styled_cols: dict[int, list[int]] = {}  # row -> its styled columns
    if new:
        for r, c in styles:
            styled_cols.setdefault(r, []).append(c)
    for r in range(1, height + 1):
        values = job_tab.rows[r - 1] if r <= len(job_tab.rows) else ()
        cells = edit.cells.setdefault(r, {})
        cols: Iterable[int] = range(1, width + 1)
        if new:  # only the cells with text or a style, never the whole extent
            wanted = {c for c, text in enumerate(values[:width], start=1) if text}
            wanted.update(c for c in styled_cols.get(r, ()) if c <= width)
            cols = sorted(wanted)
        for c in cols:
            text = values[c - 1] if c <= len(values) else ""
            name = style_name(styles.get((r, c)))
            if text or name != PLAIN_STYLE or not new:
                cells[c] = (text, name)
    return edit


def append(title: str, rows: tuple[tuple[str, ...], ...], tab: RawTab | None, *,
           header: tuple[str, ...] = ()) -> TabEdit:
    """``rows`` after the tab's last row holding anything; ``header`` first if it is empty."""
    edit = TabEdit(title)
    current = tab.rows if tab is not None else ()
    last = len(current)
    while last and not any(cell_text(v).strip() for v in current[last - 1]):
        last -= 1
    body = list(rows)
    if last == 0 and header:
        for c, text in enumerate(header, start=1):
            edit.set(1, c, text, JOB_STYLE)
        last = 1
    for r, values in enumerate(body, start=last + 1):
        for c, text in enumerate(values, start=1):
            if text:
                edit.set(r, c, text)
    return edit
