"""The Timeline tab: the Gantt chart in the sheet, rewritten by each check.

One row a milestone (not Cancelled, first row of an ID, sheet order), its facts on the left
(ID, title, owner, status, start, baseline due, due, slip, dependencies) and one narrow column
a week (Mondays) on the right. A week the bar covers is filled with the colour of the bar's
state (the weekly report's colours); the week of the baseline due holds ``◆``, so a slip
shows as a bar running past its diamond; this week's column is shaded. Only cell text and
cell fills: it shows the same in Google Sheets, Excel and LibreOffice, without macros.
Pure: assessments and baselines in, ``TabWrite`` out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date

from sheetsync.core import palette, schema
from sheetsync.core.days import shift
from sheetsync.core.timeline import BarStatus, bar_end, bar_span, bar_status, monday
from sheetsync.lang import catalog
from sheetsync.model import Assessment, CellStyle, OwnedTab, Status, TabWrite

BAR_FILLS = {  # the report's bar colours (render.emails.BAR_COLOURS), for a sheet cell
    BarStatus.DONE: "3C9A5F",
    BarStatus.LATE: "D64545",
    BarStatus.BLOCKED: "E8710A",
    BarStatus.AT_RISK: "F2B632",
    BarStatus.CLIENT: "8B5CF6",
    BarStatus.ACTIVE: "3B82F6",
    BarStatus.PLANNED: "A9B7C9",
}
THIS_WEEK = "DBE7FB"
BASELINE_MARK = "◆"
MAX_WEEKS = 78  # a year and a half of week columns; a longer project shows around today
FACTS = ("id", "title", "owner", "status", "start", "baseline", "due", "slip", "depends")
WIDTHS = (7.0, 30.0, 9.0, 12.0, 11.0, 12.0, 11.0, 8.0, 12.0)
WEEK_WIDTH = 4.5


def weeks(spans: Iterable[tuple[date, date]], as_of: date) -> tuple[date, ...]:
    """The Mondays from the project's first week to its last (this week included), at most
    ``MAX_WEEKS`` of them, then kept around this week."""
    now = monday(as_of)
    firsts, lasts = [now], [now]
    for start, end in spans:
        firsts.append(monday(start))
        lasts.append(monday(end))
    first, last = min(firsts), max(lasts)
    count = (last - first).days // 7 + 1
    if count > MAX_WEEKS:
        first = max(first, min(shift(now, -7 * (MAX_WEEKS // 4)),
                               shift(last, -7 * (MAX_WEEKS - 1))))
        count = MAX_WEEKS
    return tuple(shift(first, 7 * i) for i in range(count))


def tab(assessments: Iterable[Assessment], baselines: Mapping[str, date], as_of: date,
        language: str, old: OwnedTab | None, title: str) -> TabWrite:
    """The whole Timeline tab."""
    words = catalog.get(language)
    rows_in: list[Assessment] = []
    seen: set[str] = set()
    for a in assessments:
        if a.milestone.status is Status.CANCELLED or a.milestone.id in seen:
            continue
        seen.add(a.milestone.id)
        rows_in.append(a)
    ends = {a.milestone.id: bar_end(a.milestone) for a in rows_in}
    spans = {a.milestone.id: bar_span(a.milestone, ends) for a in rows_in}
    dated: list[tuple[date, date]] = [(s, e) for s, e, _ in spans.values()
                                      if s is not None and e is not None]
    dated += [(b, b) for b in (baselines.get(i) for i in spans) if b is not None]
    cols = weeks(dated, as_of)
    now = monday(as_of)
    left = len(FACTS)
    header = (*(words.sheet(f"timeline_{k}") for k in FACTS), *(words.short(w) for w in cols))
    rows: list[tuple[str, ...]] = [header]
    styles: list[tuple[int, int, CellStyle]] = [
        (1, c, CellStyle(palette.JOB_FILL, palette.JOB_FONT, bold=True))
        for c in range(1, len(header) + 1)]
    this_col = next((left + 1 + i for i, w in enumerate(cols) if w == now), 0)
    if this_col:
        styles[this_col - 1] = (1, this_col, CellStyle(THIS_WEEK, "1D4ED8", bold=True))
    for r, a in enumerate(rows_in, start=2):
        m = a.milestone
        start, end, _ = spans[m.id]
        base = baselines.get(m.id, m.due)
        slip_end = m.done_on if m.status is Status.DONE else max(filter(None, (m.due, as_of)))
        slip = max(0, (slip_end - base).days) if base and slip_end else 0
        facts = (m.id, " ".join(m.title.split()), schema.shown(schema.OWNERS, m.owner, language),
                 schema.shown(schema.STATUSES, m.status, language), _iso(m.start), _iso(base),
                 _iso(m.due), str(slip) if slip else "", ", ".join(m.depends_on))
        fill = BAR_FILLS[bar_status(a)]
        cells = [""] * len(cols)
        marked = _between(cols, monday(base), monday(base)) if base is not None else range(0)
        for i in marked:
            cells[i] = BASELINE_MARK
        on = (_between(cols, monday(start), monday(end))
              if start is not None and end is not None else range(0))
        # only the bar's weeks and this week's are styled: found by bisection, not by
        # comparing every week of every row (78 x 50,000 at the largest)
        for i in sorted({*on, this_col - left - 1} if this_col else on):
            if i in on:
                mark = i in marked
                styles.append((r, left + 1 + i, CellStyle(fill, "FFFFFF" if mark else "",
                                                          bold=mark)))
            else:
                styles.append((r, this_col, CellStyle(THIS_WEEK)))
        rows.append((*facts, *cells))
    rows.append(())
    rows.append((words.sheet("timeline_legend", date=words.short(now)),))
    styles.append((len(rows), 1, CellStyle(font=palette.JOB_FONT)))
    old_rows = old.rows if old is not None else ()
    return TabWrite(
        title=title, rows=tuple(rows),
        old_height=len(old_rows), old_width=max((len(r) for r in old_rows), default=0),
        styles=tuple(styles),
        widths=(*enumerate(WIDTHS, start=1),
                *((c, WEEK_WIDTH) for c in range(left + 1, left + len(cols) + 1))),
        freeze_rows=1, freeze_cols=2,
    )


def _between(cols: tuple[date, ...], first: date, last: date) -> range:
    """The indexes of the week columns from ``first`` to ``last`` (``cols`` is in order)."""
    return range(bisect_left(cols, first), bisect_right(cols, last))


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
