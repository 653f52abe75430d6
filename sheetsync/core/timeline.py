"""The report's timeline: one bar per milestone over week columns (Mondays).

``timeline(facts, as_of)`` draws every milestone that is not cancelled, in sheet order: where
its bar starts and ends, its colour (``BarStatus``) and the week columns it covers, at most
``TIMELINE_WEEKS`` of them around the as-of week. Pure and language-free; ``report.py`` puts
it in the ``Report``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sheetsync.core.days import shift
from sheetsync.core.report_facts import Facts, Ref
from sheetsync.core.rules import LATE
from sheetsync.model import Assessment, Flag, Milestone, Owner, Status

DEFAULT_SPAN_DAYS = 14  # a bar with no Start and no dated dependency starts this long before
TIMELINE_WEEKS = 10  # most week columns in the timeline (fits a 375 px phone)
MIN_TIMELINE_WEEKS = 6  # fewest, so a short project still reads as a calendar
WEEKS_BEFORE = 3  # past weeks shown before the current one when the project is longer


class BarStatus(enum.StrEnum):
    """The colour of a timeline bar."""

    DONE = "done"
    LATE = "late"
    BLOCKED = "blocked"
    AT_RISK = "at_risk"
    CLIENT = "client"  # open, owned by the client, not late
    ACTIVE = "active"  # In progress
    PLANNED = "planned"  # Not started


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    current: bool = False  # holds the as-of date


@dataclass(frozen=True)
class Row:
    """One milestone on the timeline; ``cells`` has one bool per week column."""

    milestone: Ref
    status: BarStatus
    start: date | None
    end: date | None
    start_guessed: bool  # no Start in the sheet: derived from dependencies or the default
    weeks: int  # calendar weeks the bar touches (0 without dates)
    cells: tuple[bool, ...]
    before: bool = False  # the bar starts before the first column
    after: bool = False  # the bar ends after the last column
    client: bool = False
    baseline: date | None = None  # the History tab's first Due, when the bar ends past it
    baseline_cell: int = -1  # the week column it falls in (-1: none, or not shown)

    @property
    def slip_days(self) -> int:
        """Days the bar ends past its baseline (0 when it does not)."""
        if self.baseline is None or self.end is None:
            return 0
        return max(0, (self.end - self.baseline).days)


@dataclass(frozen=True)
class Timeline:
    weeks: tuple[Week, ...]
    rows: tuple[Row, ...]

    @property
    def current(self) -> int:
        """The index of the as-of week among the columns, -1 when it is not shown."""
        return next((i for i, w in enumerate(self.weeks) if w.current), -1)


def monday(day: date) -> date:
    return shift(day, -day.weekday())


def bar_status(a: Assessment) -> BarStatus:
    """The colour of a milestone's bar: the worst of its flags, else its Status and Owner."""
    m, flags = a.milestone, set(a.flags)
    if m.status is Status.DONE:
        return BarStatus.DONE
    if flags & LATE:
        return BarStatus.LATE
    if Flag.BLOCKED in flags or m.status is Status.BLOCKED:
        return BarStatus.BLOCKED
    if Flag.AT_RISK in flags:
        return BarStatus.AT_RISK
    if m.owner is Owner.CLIENT:
        return BarStatus.CLIENT
    return BarStatus.ACTIVE if m.status is Status.IN_PROGRESS else BarStatus.PLANNED


def bar_end(m: Milestone) -> date | None:
    """Where a bar ends: Done on for delivered work, else Due."""
    if m.status is Status.DONE and m.done_on is not None:
        return m.done_on
    return m.due


def bar_span(m: Milestone, ends: Mapping[str, date | None]) -> tuple[date | None, date | None,
                                                                    bool]:
    """(start, end, start guessed) of a milestone's bar.

    End: ``bar_end``. Start: the sheet's Start; else the latest end among its dependencies
    (work begins when what it waits on is finished) if that is before the end; else the end
    minus ``DEFAULT_SPAN_DAYS``. Without an end, a Start alone makes a one-day bar; with
    neither there is no bar. A Start after the end is drawn from the end.
    """
    end = bar_end(m)
    if end is None:
        return m.start, m.start, False
    if m.start is not None:
        return min(m.start, end), end, False
    dep_ends = [d for d in (ends.get(i) for i in m.depends_on) if d is not None and d < end]
    if dep_ends:
        return max(dep_ends), end, True
    return shift(end, -DEFAULT_SPAN_DAYS), end, True


def timeline_weeks(spans: Iterable[tuple[date, date]], as_of: date) -> tuple[Week, ...]:
    """The week columns (Mondays): the whole project when it fits ``TIMELINE_WEEKS``, else
    ``WEEKS_BEFORE`` weeks before the as-of week and the rest after, kept inside the project.
    At least ``MIN_TIMELINE_WEEKS`` columns."""
    now = monday(as_of)
    starts, ends = [now], [now]
    for start, end in spans:
        starts.append(monday(start))
        ends.append(monday(end))
    lo, hi = min(starts), max(ends)
    count = (hi - lo).days // 7 + 1
    if count <= TIMELINE_WEEKS:
        first, count = lo, max(count, MIN_TIMELINE_WEEKS)
    else:
        first = shift(now, -7 * WEEKS_BEFORE)
        first = max(lo, min(first, shift(hi, -7 * (TIMELINE_WEEKS - 1))))
        count = TIMELINE_WEEKS
    weeks = dict.fromkeys(monday(shift(first, 7 * i)) for i in range(count))
    return tuple(Week(w, w == now) for w in weeks)


def timeline(facts: Facts, as_of: date,
             baselines: Mapping[str, date] | None = None) -> Timeline:
    """Every milestone that is not cancelled, in sheet order, as a bar over week columns.
    A bar that ends past its baseline (``baselines``: the History tab's) says where the
    baseline was: a thin marker in that week's column."""
    baselines = baselines or {}
    ends = {mid: bar_end(a.milestone) for mid, a in facts.by_id.items()}
    spans = {a.milestone.id: bar_span(a.milestone, ends) for a in facts.rows}
    dated = [(s, e) for s, e, _ in spans.values() if s is not None and e is not None]
    weeks = timeline_weeks(dated, as_of)
    first, last = weeks[0].start, weeks[-1].start
    rows = []
    for a in facts.rows:
        start, end, guessed = spans[a.milestone.id]
        if start is None or end is None:
            cells, span, before, after = tuple(False for _ in weeks), 0, False, False
        else:
            s, e = monday(start), monday(end)
            cells = tuple(s <= w.start <= e for w in weeks)
            span, before, after = (e - s).days // 7 + 1, s < first, e > last
        base = baselines.get(a.milestone.id)
        if base is None or end is None or end <= base:
            base = None  # on plan: no marker
        cell = next((i for i, w in enumerate(weeks) if base and w.start == monday(base)), -1)
        rows.append(Row(facts.ref(a.milestone.id), bar_status(a), start, end, guessed, span,
                        cells, before, after, a.milestone.owner is Owner.CLIENT, base, cell))
    return Timeline(weeks, tuple(rows))

