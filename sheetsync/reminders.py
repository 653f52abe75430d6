"""What a reminder email holds: the client's open items, each at its own cadence (pure).

An item waits on the client when it is (CONTRACT section 4, ``remind``):

- a client-owned milestone flagged ``CLIENT_OVERDUE``;
- a milestone flagged ``UNCONFIRMED`` (delivered, the confirmation window has passed);
- a change request still ``Proposed``, with no client decision, for more than
  ``Reminder every days`` days since its Date.

Each item carries its due date, how late it is, and what it holds up: the milestones that
depend on it, directly or through others, with how many days they move (``impact``).

An item is mentioned again only ``Reminder every days`` after its last mention. The tone
steps up with the number of earlier mentions: friendly the first time, firmer the second,
firm from the third, when the client sponsor is also copied. An item that is done,
confirmed or decided drops out at once because it is no longer a candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sheetsync import impact
from sheetsync.model import Assessment, ChangeStatus, Flag, Project

FRIENDLY, FIRMER, FIRM = "friendly", "firmer", "firm"
SPONSOR_FROM = 3  # the sponsor is copied from the third reminder about an item


@dataclass(frozen=True)
class HeldUp:
    id: str
    title: str
    days: int  # how many days it moves if the item stays late


@dataclass(frozen=True)
class Item:
    kind: str  # "client_overdue", "unconfirmed" or "change"
    id: str
    title: str
    due: date | None  # due date, end of the confirmation window, or the request date
    days_late: int
    holds_up: tuple[HeldUp, ...] = ()
    mention: int = 1  # this is the item's n-th reminder


@dataclass(frozen=True)
class Reminder:
    as_of: date
    items: tuple[Item, ...]
    tone: str
    cc_sponsor: bool

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)


def _held_up(project: Project, as_of: date, key: str) -> tuple[HeldUp, ...]:
    titles = {}
    for m in project.milestones:
        titles.setdefault(m.id, m.title)
    moved = impact.moved_by(project, as_of, key)
    return tuple(HeldUp(k, titles.get(k, k), days) for k, days in moved.items())


def candidates(project: Project, assessments: Sequence[Assessment], as_of: date) -> list[Item]:
    """Everything waiting on the client today, in sheet order (milestones, then changes)."""
    s = project.settings
    items: list[Item] = []
    for a in assessments:
        m = a.milestone
        if Flag.CLIENT_OVERDUE in a.flags:
            items.append(Item("client_overdue", m.id, m.title, m.due, a.days_overdue,
                              _held_up(project, as_of, m.id)))
        elif Flag.UNCONFIRMED in a.flags:
            window_end = m.done_on and date.fromordinal(m.done_on.toordinal()
                                                        + s.confirm_within_days)
            items.append(Item("unconfirmed", m.id, m.title, window_end, a.days_unconfirmed,
                              _held_up(project, as_of, m.id)))
    for c in project.changes:
        waiting = (c.status is ChangeStatus.PROPOSED and c.client_approved is None
                   and c.date is not None and (as_of - c.date).days > s.reminder_every_days)
        if waiting and c.date is not None:
            items.append(Item("change", c.id, c.change or c.id, c.date, (as_of - c.date).days,
                              _held_up(project, as_of, c.milestone) if c.milestone else ()))
    return items


def select(items: Sequence[Item], history: Sequence[tuple[date, Sequence[str]]], as_of: date,
           every_days: int) -> Reminder | None:
    """The items due for a mention today, given the days earlier reminders went out."""
    chosen: list[Item] = []
    for item in items:
        days = sorted(day for day, ids in history if item.id in ids and day < as_of)
        if days and (as_of - days[-1]).days < every_days:
            continue
        chosen.append(Item(item.kind, item.id, item.title, item.due, item.days_late,
                           item.holds_up, mention=len(days) + 1))
    if not chosen:
        return None
    most = max(i.mention for i in chosen)
    tone = FRIENDLY if most == 1 else FIRMER if most == 2 else FIRM
    return Reminder(as_of, tuple(chosen), tone, cc_sponsor=most >= SPONSOR_FROM)
