"""Team nudges (CONTRACT section 7): Team milestones OVERDUE or due within 2 working days,
mailed to their ``Owner email``, one email per person per day across every project. Pure.

A milestone is a nudge item on a project day D when D is a working day of its project and
not a day its report goes or its report weekday (the reminder's rule), its owner is the
team, it is open, it has an Owner email, and it is OVERDUE or due by the 2nd working day
after D. An item is mentioned again only ``Reminder every days`` after its last mention
(the reminder's cadence); an item's key is ``<project key>#<ID>``, so one ID in two projects
is two items. A milestone without an Owner email is never nudged: the preview's checklist
names it instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sheetsync.core import calendar, workdays
from sheetsync.core.days import shift
from sheetsync.core.rules import first_by_id
from sheetsync.model import Assessment, Flag, Owner, Project

WITHIN_WORKING_DAYS = 2


@dataclass(frozen=True)
class NudgeItem:
    key: str  # "<project key>#<ID>": how the ledger remembers its mentions
    project: str  # the project's name
    language: str
    id: str
    title: str
    due: date | None
    days_overdue: int  # 0 when not overdue
    days_to_due: int  # calendar days to Due (0 today), when not overdue
    row: int


@dataclass(frozen=True)
class Nudge:
    """One email to one person."""

    to: str
    day: date
    items: tuple[NudgeItem, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)


def nudge_day(project: Project, day: date) -> bool:
    """Whether nudges about this project may go on its project day ``day``."""
    s = project.settings
    if not workdays.is_working_day(day, s) or day.weekday() == s.report_day:
        return False
    return day not in calendar.send_days(day, day, s, calendar.report_anchor(project))


def items(project: Project, key: str, assessments: Sequence[Assessment],
          day: date) -> tuple[tuple[str, NudgeItem], ...]:
    """(owner email, item) of every Team milestone to nudge about on ``day``."""
    s = project.settings
    last = workdays.add_working_days(day, WITHIN_WORKING_DAYS, s)
    out = []
    for a in first_by_id(assessments, lambda a: a.milestone.id).values():
        m = a.milestone
        if m.owner is not Owner.TEAM or m.closed or not m.owner_email or m.due is None:
            continue
        if Flag.OVERDUE not in a.flags and not day <= m.due <= last:
            continue
        out.append((m.owner_email.lower(), NudgeItem(
            f"{key}#{m.id}", s.name, s.language, m.id, m.title, m.due, a.days_overdue,
            max((m.due - day).days, 0), m.row)))
    return tuple(out)


def select(found: Iterable[tuple[str, NudgeItem, int]],
           history: Iterable[tuple[date, Sequence[str]]], day: date) -> tuple[NudgeItem, ...]:
    """The items (with each one's cadence in days) due for a mention on ``day``: never
    mentioned, or last mentioned at least its cadence ago. Most overdue first."""
    last: dict[str, date] = {}
    for when, keys in history:
        for k in keys:
            if k not in last or when > last[k]:
                last[k] = when
    due = [item for _, item, every in found
           if item.key not in last or shift(last[item.key], every) <= day]
    return tuple(sorted(due, key=lambda i: (-i.days_overdue, i.due or day, i.project, i.row)))
