"""What a reminder email holds: the client's open items, each at its own cadence (pure).

An item waits on the client when it is (CONTRACT section 4, ``remind``):

- a client-owned milestone flagged ``CLIENT_OVERDUE``;
- a milestone flagged ``UNCONFIRMED`` (delivered, the confirmation window has passed);
- a change request still ``Proposed``, with a blank ``Client approved``, for more than
  ``Reminder every days`` days since its Date.

Each item carries its due date, how late it is, and what it holds up: the open milestones
that depend on it, directly or through others, with how many days its own lateness moves
them (``impact.moved_by``; 0 when nothing projects a move, e.g. for a confirmation).

``candidates`` lists them, most pressing first: client work that is late (most days first),
then deliveries to confirm, then change requests, sheet order breaking ties. ``select``
keeps the ones due for a mention: an item is mentioned again only ``Reminder every days``
after its last mention. The email's tone follows the most-mentioned item in it: friendly
the first time, firmer the second, firm from the third, when the client sponsor is copied
too. An item that is done, confirmed or decided is no longer a candidate, so it drops out
at once; the count of mentions is kept for the life of the project.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sheetsync.core import graph, impact
from sheetsync.core.days import shift
from sheetsync.core.rules import first_rows
from sheetsync.model import Assessment, Change, ChangeStatus, Flag, Milestone, Owner, Project


class AskKind(enum.StrEnum):
    """What the client is asked about; the order is the order of the email."""

    CLIENT_OVERDUE = "client_overdue"  # their work is past its Due
    UNCONFIRMED = "unconfirmed"  # our delivery is past its confirmation window
    CHANGE = "change"  # a change request waits for their decision


KIND_ORDER = tuple(AskKind)


class Tone(enum.StrEnum):
    FRIENDLY = "friendly"
    FIRMER = "firmer"
    FIRM = "firm"


FRIENDLY, FIRMER, FIRM = Tone.FRIENDLY, Tone.FIRMER, Tone.FIRM
SPONSOR_FROM = 3  # the sponsor is copied from the third reminder about an item


@dataclass(frozen=True)
class HeldUp:
    """An open milestone that waits on the item, directly or through others."""

    id: str
    title: str
    days: int  # how many days the item's lateness moves it (0: it waits, no move projected)


@dataclass(frozen=True)
class Move:
    """The milestone a change request is about, and the dates it would move between."""

    id: str
    title: str
    old_due: date | None  # the change's Old due, else the milestone's Due
    new_due: date | None


@dataclass(frozen=True)
class Item:
    """One thing waiting on the client, language-free."""

    kind: AskKind
    id: str  # milestone ID or change request ID
    title: str  # milestone title, or the change's words
    due: date | None  # Due; the last day of the confirmation window; None for a change
    days_late: int  # days past Due, days past the window, or days since the change's Date
    holds_up: tuple[HeldUp, ...] = ()  # nearest first
    mention: int = 1  # this is the item's n-th reminder
    since: date | None = None  # Done on (confirmations), Date (change requests)
    note: str = ""  # the Acceptance criteria (confirmations), the Impact (change requests)
    move: Move | None = None  # change requests: what approving it would do


@dataclass(frozen=True)
class Reminder:
    """One day's reminder email of one project."""

    as_of: date
    items: tuple[Item, ...]
    tone: Tone
    cc_sponsor: bool

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)


def _deps(first: Mapping[str, Milestone]) -> dict[str, tuple[str, ...]]:
    return {key: m.depends_on for key, m in first.items()}


def held_up(first: Mapping[str, Milestone], moved: Mapping[str, int],
            ids: Iterable[str]) -> tuple[HeldUp, ...]:
    """The open milestones among ``ids``, each with the days ``moved`` gives it (else 0)."""
    return tuple(HeldUp(key, first[key].title, moved.get(key, 0)) for key in ids
                 if key in first and not first[key].closed)


def _milestone_item(project: Project, first: Mapping[str, Milestone], a: Assessment,
                    as_of: date, waiting: Mapping[str, tuple[str, ...]]) -> Item | None:
    """The item a milestone's flags make of it, or None (``waiting``: the reversed graph)."""
    m = a.milestone
    if Flag.CLIENT_OVERDUE in a.flags and m.owner is Owner.CLIENT:
        below = graph.reachable(waiting, m.id)
        moved = impact.moved_by(project, as_of, m.id, first=first, waiting=waiting)
        return Item(AskKind.CLIENT_OVERDUE, m.id, m.title, m.due, a.days_overdue,
                    held_up(first, moved, below))
    if Flag.UNCONFIRMED in a.flags and m.done_on is not None:
        below = graph.reachable(waiting, m.id)
        window_end = shift(m.done_on, project.settings.confirm_within_days)
        return Item(AskKind.UNCONFIRMED, m.id, m.title, window_end, a.days_unconfirmed,
                    held_up(first, {}, below), since=m.done_on, note=m.acceptance)
    return None


def change_waits(c: Change, as_of: date, every_days: int) -> bool:
    """A change request still Proposed, undecided by the client, for more than
    ``every_days`` days since its Date (a change without a Date is never chased)."""
    return (c.status is ChangeStatus.PROPOSED and c.client_approved is None
            and c.date is not None and (as_of - c.date).days > every_days)


def _change_item(c: Change, first: Mapping[str, Milestone], as_of: date,
                 waiting: Mapping[str, tuple[str, ...]]) -> Item:
    """The item of a change request: what it is about, and what waits on the decision."""
    target = first.get(c.milestone) if c.milestone else None
    move: Move | None = None
    holds: tuple[HeldUp, ...] = ()
    if target is not None:
        move = Move(target.id, target.title, c.old_due or target.due, c.new_due)
        holds = held_up(first, {}, (target.id, *graph.reachable(waiting, target.id)))
    since = c.date or as_of
    return Item(AskKind.CHANGE, c.id, c.change or c.id, None, (as_of - since).days, holds,
                since=c.date, note=c.impact, move=move)


def candidates(project: Project, assessments: Sequence[Assessment], as_of: date) -> list[Item]:
    """Everything waiting on the client on ``as_of``, most pressing first.

    Only an ID's first row counts (a duplicate is a problem staff must fix first).
    """
    first = first_rows(project.milestones)
    waiting = graph.reverse(_deps(first))  # once: a 20,000-row sheet asks for many items
    ranked: list[tuple[int, int, int, Item]] = []
    for index, a in enumerate(assessments):
        if first.get(a.milestone.id) is not a.milestone:
            continue
        item = _milestone_item(project, first, a, as_of, waiting)
        if item is not None:
            ranked.append((KIND_ORDER.index(item.kind), -item.days_late, index, item))
    every = project.settings.reminder_every_days
    for index, c in enumerate(project.changes):
        if change_waits(c, as_of, every):
            item = _change_item(c, first, as_of, waiting)
            ranked.append((KIND_ORDER.index(AskKind.CHANGE), -item.days_late, index, item))
    return [item for *_, item in sorted(ranked, key=lambda r: r[:3])]


def mentions(history: Iterable[tuple[date, Sequence[str]]], item: str,
             before: date) -> list[date]:
    """The days before ``before`` on which a reminder about ``item`` went out, oldest first."""
    return sorted({day for day, ids in history if item in ids and day < before})


def tone_for(mention: int) -> Tone:
    """Friendly for a first mention, firmer for a second, firm from the third."""
    return FRIENDLY if mention <= 1 else FIRMER if mention == 2 else FIRM


def select(items: Sequence[Item], history: Iterable[tuple[date, Sequence[str]]], as_of: date,
           every_days: int) -> Reminder | None:
    """The items due for a mention on ``as_of``, given ``history``: (day, IDs) of every
    reminder that went out. None when no item is due."""
    history = tuple(history)
    chosen: list[Item] = []
    for item in items:
        days = mentions(history, item.id, as_of)
        if days and (as_of - days[-1]).days < every_days:
            continue
        chosen.append(replace(item, mention=len(days) + 1))
    if not chosen:
        return None
    most = max(i.mention for i in chosen)
    return Reminder(as_of, tuple(chosen), tone_for(most), cc_sponsor=most >= SPONSOR_FROM)
