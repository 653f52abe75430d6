"""The retrospective's figures, exactly as CONTRACT section 8 defines them.

``retro(project, recorded, as_of)`` counts the rows with an ID (Team and Client alike; a
duplicate ID on its first row only) whose Due is in [start, end] (every row when neither is
given), Cancelled ones left out; the as-of date stands in for the end of open items. The
baseline of a milestone is the History tab's first ``Baseline due``, else its Due. Change
requests count when their Milestone is among the rows; emails count from the Log tab.
Pure: no clock, no file; ``to_json`` gives the ``retro --json`` shape.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheetsync.core import history, logtab
from sheetsync.model import Change, ChangeStatus, Milestone, OwnedTab, Owner, Project, Status

UNKNOWN = "unknown"  # the reason of a slip nobody gave one for


@dataclass(frozen=True)
class Row:
    """One milestone of the retrospective: plan against what happened."""

    id: str
    title: str
    owner: Owner
    status: Status
    start: date | None
    baseline_due: date | None
    due: date | None
    done_on: date | None
    slip_days: int | None  # None: Done without a Done on, or no date at all
    reason: str  # the Delay reason staff chose, else "" (counted as unknown)
    days_late: int = 0  # past its current Due (Done on, else the as-of date if open)
    confirmation_days: int | None = None  # Done on to the client's confirmation

    @property
    def done(self) -> bool:
        return self.status is Status.DONE

    @property
    def on_time(self) -> bool:
        return (self.done and self.done_on is not None and self.baseline_due is not None
                and self.done_on <= self.baseline_due)


@dataclass(frozen=True)
class ChangeTotals:
    count: int = 0
    approved: int = 0
    declined: int = 0
    proposed: int = 0
    days_added: int = 0


@dataclass(frozen=True)
class Metrics:
    milestones: int
    done: int
    on_time: int
    on_time_rate: float | None  # None when nothing is done
    slip_days: int
    slip_days_by_reason: tuple[tuple[str, int], ...]  # largest first
    client_items: int
    client_items_late: int
    client_days_late: int
    confirmation_days_median: float | None
    changes: ChangeTotals
    reminders: int
    reports: int


@dataclass(frozen=True)
class Retro:
    project: str
    start: date | None  # the phase asked for (None: from the project's first Due)
    end: date | None
    first_due: date | None  # the Due span of the rows counted
    last_due: date | None
    as_of: date
    metrics: Metrics
    rows: tuple[Row, ...]
    changes: tuple[Change, ...]  # the change requests counted


def moved_by(m: Milestone, changes: Iterable[Change]) -> Change | None:
    """An approved change request that moved the milestone's date, if any: its slip is
    likely a Scope change, which the Problems line suggests. The retrospective counts only
    what staff chose in Delay reason (CONTRACT section 8: ``unknown`` where blank)."""
    for c in changes:
        if (c.milestone == m.id and c.status is ChangeStatus.APPROVED and c.old_due
                and c.new_due and c.new_due != c.old_due):
            return c
    return None


def slip(m: Milestone, baseline: date | None, as_of: date) -> int | None:
    """max(0, (Done on, else the as-of date if open) - baseline), in days."""
    end = m.done_on if m.status is Status.DONE else as_of
    if end is None or baseline is None:
        return None
    return max(0, (end - baseline).days)


def days_late(m: Milestone, as_of: date) -> int:
    """Days past the current Due: Done on after it, or still open past it."""
    if m.due is None:
        return 0
    end = m.done_on if m.status is Status.DONE else as_of
    return max(0, (end - m.due).days) if end is not None else 0


def _counted(project: Project, start: date | None, end: date | None) -> list[Milestone]:
    """The first row of each ID, not Cancelled, whose Due is in [start, end] when given."""
    seen: set[str] = set()
    out: list[Milestone] = []
    for m in project.milestones:
        if m.id in seen:
            continue
        seen.add(m.id)
        if m.status is Status.CANCELLED:
            continue
        if (start is not None or end is not None) and (
                m.due is None or (start and m.due < start) or (end and m.due > end)):
            continue
        out.append(m)
    return out


def _row(m: Milestone, recorded: history.Recorded, as_of: date) -> Row:
    baseline = history.baseline_of(recorded, m)
    confirmed = m.confirmed_on  # staff's, or the day of a confirm applied from a reply
    confirm_days = (max(0, (confirmed - m.done_on).days)
                    if m.status is Status.DONE and m.done_on and confirmed else None)
    return Row(m.id, m.title, m.owner, m.status, m.start, baseline, m.due, m.done_on,
               slip(m, baseline, as_of), m.delay_reason, days_late(m, as_of),
               confirm_days)


def change_totals(changes: Iterable[Change]) -> ChangeTotals:
    cs = tuple(changes)
    approved = [c for c in cs if c.status is ChangeStatus.APPROVED]
    return ChangeTotals(
        count=len(cs), approved=len(approved),
        declined=sum(c.status is ChangeStatus.REJECTED for c in cs),
        proposed=sum(c.status is ChangeStatus.PROPOSED for c in cs),
        days_added=sum((c.new_due - c.old_due).days for c in approved if c.new_due and c.old_due),
    )


def emails_sent(log: OwnedTab | None, job: str, start: date | None, end: date | None) -> int:
    """Sent emails of ``job`` whose period day is in [start, end], from the Log tab."""
    if log is None:
        return 0
    days = {mid: day for day, mid in logtab.logged_periods(log, job)}
    return sum(1 for day in days.values()
               if (start is None or day >= start) and (end is None or day <= end))


def rate(part: int, whole: int) -> float | None:
    """part / whole to 2 decimals, a half rounded up as a person rounds (on the exact
    fraction: 1/8 is 0.13, 29/200 is 0.15); None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole) / 100


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    found = statistics.median(values)
    return float(found)


def retro(project: Project, recorded: history.Recorded, as_of: date, *,
          start: date | None = None, end: date | None = None,
          ) -> Retro:
    """The figures of the retrospective over [start, end] on ``as_of``."""
    milestones = _counted(project, start, end)
    ids = {m.id for m in milestones}
    changes = tuple(c for c in project.changes if c.milestone in ids)
    rows = tuple(_row(m, recorded, as_of) for m in milestones)
    done = [r for r in rows if r.done]
    on_time = sum(r.on_time for r in rows)
    by_reason: dict[str, int] = {}
    for r in rows:
        if r.slip_days:
            key = r.reason or UNKNOWN
            by_reason[key] = by_reason.get(key, 0) + r.slip_days
    client = [r for r in rows if r.owner is Owner.CLIENT]
    late = [r for r in client if r.days_late > 0]
    layout = project.layout
    dues = [m.due for m in milestones if m.due is not None]
    metrics = Metrics(
        milestones=len(rows), done=len(done), on_time=on_time,
        on_time_rate=rate(on_time, len(done)),
        slip_days=sum(r.slip_days or 0 for r in rows),
        slip_days_by_reason=tuple(sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))),
        client_items=len(client), client_items_late=len(late),
        client_days_late=sum(r.days_late for r in late),
        confirmation_days_median=_median([r.confirmation_days for r in rows
                                          if r.confirmation_days is not None]),
        changes=change_totals(changes),
        reminders=emails_sent(layout.log if layout else None, "remind", start, end),
        reports=emails_sent(layout.log if layout else None, "report", start, end),
    )
    return Retro(project.settings.name, start, end, min(dues, default=None),
                 max(dues, default=None), as_of, metrics, rows, changes)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def to_json(r: Retro) -> dict[str, Any]:
    """The ``retro --json`` object of CONTRACT section 8."""
    m = r.metrics
    c = m.changes
    return {
        "project": r.project,
        "from": _iso(r.start or r.first_due),
        "to": _iso(r.end or r.last_due),
        "as_of": r.as_of.isoformat(),
        "metrics": {
            "milestones": m.milestones, "done": m.done, "on_time": m.on_time,
            "on_time_rate": m.on_time_rate, "slip_days": m.slip_days,
            "slip_days_by_reason": dict(m.slip_days_by_reason),
            "client_items": m.client_items, "client_items_late": m.client_items_late,
            "client_days_late": m.client_days_late,
            "confirmation_days_median": _number(m.confirmation_days_median),
            "changes": {"count": c.count, "approved": c.approved, "declined": c.declined,
                        "proposed": c.proposed, "days_added": c.days_added},
            "reminders": m.reminders, "reports": m.reports,
        },
        "milestones": [{"id": row.id, "baseline_due": _iso(row.baseline_due),
                        "due": _iso(row.due), "done_on": _iso(row.done_on),
                        "slip_days": row.slip_days, "reason": row.reason or None}
                       for row in r.rows],
    }
