"""The flags of CONTRACT section 2, as pure functions of the project and an as-of date.

``assess(project, as_of)`` returns one ``Assessment`` per milestone, in sheet order. The
as-of date is a date in the project's time zone, given by the caller: nothing here reads a
clock. A rule whose inputs could not be read is not judged; the row gets ``INVALID``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from sheetsync.core import graph, ids
from sheetsync.model import Assessment, Flag, Milestone, Owner, Project, Status

LATE = frozenset({Flag.OVERDUE, Flag.CLIENT_OVERDUE})  # the flags that mean "late"
AT_RISK_SHOWN = 3  # how many late upstream IDs an assessment names

T = TypeVar("T")


def first_by_id(rows: Iterable[T], id_of: Callable[[T], str]) -> dict[str, T]:
    """The first row of each ID, in sheet order: the one rule for a duplicated ID. Only the
    first row counts (for dependencies, the report, reminders, impact); ``assess`` flags
    every later row of the same ID INVALID and parsing reports it as ``duplicate_id``.
    ``M1`` and ``m1`` are one ID (``ids.key``): the dict is keyed by the first's spelling."""
    first: dict[str, T] = {}
    seen: set[str] = set()
    for row in rows:
        key = ids.key(id_of(row))
        if key not in seen:
            seen.add(key)
            first[id_of(row)] = row
    return first


def first_rows(milestones: Iterable[Milestone]) -> dict[str, Milestone]:
    """Each ID's first milestone row, by ID, in sheet order (see ``first_by_id``)."""
    return first_by_id(milestones, lambda m: m.id)


def expected_due(m: Milestone) -> date | None:
    """The date an item is judged late against: the date the client promised by reply (only
    ever later than Due, see ``responses.overlay``), else its Due."""
    return m.promised or m.due


def _needs(m: Milestone) -> frozenset[str]:
    """The fields whose values the rules for this row depend on."""
    if m.status is Status.DONE:
        return frozenset({"status", "owner", "done_on", "client_confirmed", "id"})
    return frozenset({"status", "owner", "due", "depends_on", "id"})


def _own_flags(m: Milestone, as_of: date, soon: int, window: int) -> tuple[set[Flag], int, int]:
    """(flags, days overdue, days past the confirmation window) from the row alone."""
    flags: set[Flag] = set()
    if m.unreadable & _needs(m) or "status" in m.unreadable:
        flags.add(Flag.INVALID)
    if "status" in m.unreadable:
        return flags, 0, 0
    overdue = unconfirmed = 0
    if m.status is Status.BLOCKED:
        flags.add(Flag.BLOCKED)
    if m.status is Status.DONE:
        if m.owner is Owner.TEAM and m.client_confirmed is not True and "owner" not in m.unreadable:
            if (m.done_on is None and "done_on" in m.unreadable) or (
                    "client_confirmed" in m.unreadable):
                pass  # cannot tell whether the window passed, or whether the client said Yes
            elif m.changes_note is not None:  # the client did not accept it: the team's to fix
                flags.add(Flag.CHANGES_REQUESTED)
            elif m.done_on is None or (as_of - m.done_on).days <= window:  # Done on + N >= D
                flags.add(Flag.AWAITING_CONFIRMATION)
            else:
                flags.add(Flag.UNCONFIRMED)
                unconfirmed = (as_of - m.done_on).days - window
        return flags, overdue, unconfirmed
    if m.status is Status.CANCELLED:
        return flags, 0, 0  # never late, so never puts its dependants at risk
    due = expected_due(m)  # a client's promised date, once they replied with one
    if due is not None:
        if due < as_of and "owner" not in m.unreadable:
            flags.add(Flag.CLIENT_OVERDUE if m.owner is Owner.CLIENT else Flag.OVERDUE)
            overdue = (as_of - due).days
        elif 0 <= (due - as_of).days <= soon:  # D <= Due <= D + N, by differences: no overflow
            flags.add(Flag.DUE_SOON)
    return flags, overdue, unconfirmed


def assess(project: Project, as_of: date) -> tuple[Assessment, ...]:
    """Every milestone's flags on ``as_of``, in sheet order (duplicates of an ID included)."""
    s = project.settings
    first = first_rows(project.milestones)
    own = {id(m): _own_flags(m, as_of, s.due_soon_days, s.confirm_within_days)
           for m in project.milestones}
    deps = {key: m.depends_on for key, m in first.items()}
    late = {key for key, m in first.items() if own[id(m)][0] & LATE}

    # Nearest late IDs upstream of each milestone: one breadth-first walk down from every
    # late milestone at once, each milestone taking at most AT_RISK_SHOWN of them. Linear,
    # and a cycle is walked like any other edge, so what lies past it is still reached.
    waiting = graph.reverse(deps)
    late_above: dict[str, list[str]] = {key: [] for key in deps}
    queue = deque((key, key) for key in deps if key in late)  # (reached, late source)
    while queue:
        node, source = queue.popleft()
        for nxt in waiting[node]:
            found = late_above[nxt]
            if nxt != source and source not in found and len(found) < AT_RISK_SHOWN:
                found.append(source)
                queue.append((nxt, source))

    out: list[Assessment] = []
    for m in project.milestones:
        flags, overdue, unconfirmed = own[id(m)]
        is_first = first.get(m.id) is m
        if not is_first:
            flags.add(Flag.INVALID)
        if (m.status is Status.CANCELLED and "status" not in m.unreadable) or (
                m.status is Status.DONE and m.client_confirmed is True):
            flags = set()  # a duplicate's too: its ID is still listed in Problems
        upstream_late = tuple(late_above.get(m.id, ())) if is_first else ()
        if upstream_late and not m.closed and "status" not in m.unreadable:
            flags.add(Flag.AT_RISK)
        due = expected_due(m)
        to_due = (due - as_of).days if due is not None else None
        out.append(Assessment(
            milestone=m,
            flags=tuple(sorted(flags)),
            days_overdue=overdue if flags & LATE else 0,
            days_to_due=to_due,
            days_unconfirmed=unconfirmed if Flag.UNCONFIRMED in flags else 0,
            late_upstream=upstream_late if Flag.AT_RISK in flags else (),
        ))
    return tuple(out)
