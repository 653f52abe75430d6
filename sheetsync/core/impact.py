"""Schedule impact: how far each open milestone's date moves if what it waits on stays late.

Pure forward projection through the ``Depends on`` graph, from the lateness on the as-of
date D:

- an open milestone that is past its Due is assumed done no earlier than D, so it slips by
  ``D - Due`` days (its *own* slip); a client item whose client promised a later date by
  reply is assumed done on that date while it is to come (``rules.expected_due``);
- a milestone keeps its planned gap after each milestone it depends on, so it slips at
  least as far as the furthest-slipping of them: ``slip(m) = max(own slip, slip(deps))``;
- Done and Cancelled milestones do not slip, and pass no slip on;
- a milestone without a readable Due has no projection and passes none on;
- a cycle in ``Depends on`` (a problem in the sheet) is walked once, never followed forever.

``projected_due = Due + slip``. This is the "Build and Go-live move by 6 days" behind the
reminders, the report's "Waiting on you" and ``check --json``'s ``projected_due``.

``moved_by(project, D, item)`` answers the reminder's question, "what does this one item
hold up, and by how much": the same projection with only ``item``'s own slip, so other late
work upstream of the same milestones is never blamed on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sheetsync.core import graph
from sheetsync.core.days import shift
from sheetsync.core.rules import expected_due, first_rows
from sheetsync.model import Milestone, Project


@dataclass(frozen=True)
class Projection:
    id: str
    due: date | None
    projected_due: date | None
    slip_days: int


def own_slip(m: Milestone, as_of: date) -> int:
    """Days an open milestone is past its Due on ``as_of``, or past it by the date the
    client promised by reply while that date is to come (the promise is the item's
    projected due, CONTRACT section 6); 0 when closed, undated or on time."""
    if m.closed or m.due is None:
        return 0
    return max(0, (max(as_of, expected_due(m) or m.due) - m.due).days)


def propagate(milestones: Mapping[str, Milestone], seeds: Mapping[str, int]) -> dict[str, int]:
    """Every milestone's slip when the milestones in ``seeds`` slip by their own days.

    One pass in dependency order (``graph.topological``); members of a cycle come last and
    take what their dependencies had so far, so nothing loops.
    """
    deps = {key: m.depends_on for key, m in milestones.items()}
    slip: dict[str, int] = {}
    for key in graph.topological(deps):
        m = milestones[key]
        if m.closed or m.due is None:
            slip[key] = 0
            continue
        inherited = max((slip.get(d, 0) for d in m.depends_on if d in milestones and d != key),
                        default=0)
        slip[key] = max(seeds.get(key, 0), inherited)
    return slip


def project_dates(project: Project, as_of: date) -> dict[str, Projection]:
    """Every milestone's projection (first row of a duplicated ID), by ID, in sheet order."""
    first = first_rows(project.milestones)
    slip = propagate(first, {key: own_slip(m, as_of) for key, m in first.items()})
    out: dict[str, Projection] = {}
    for key, m in first.items():
        if m.due is None:
            out[key] = Projection(key, None, None, 0)
        elif m.closed:
            out[key] = Projection(key, m.due, m.due, 0)
        else:
            out[key] = Projection(key, m.due, shift(m.due, slip[key]), slip[key])
    return out


def slips(project: Project, as_of: date) -> dict[str, int]:
    """For each late milestone, how many days the milestones waiting on it move."""
    projections = project_dates(project, as_of)
    return {key: p.slip_days for key, p in projections.items() if p.slip_days > 0}


def moved_by(project: Project, as_of: date, item: str, *,
             first: Mapping[str, Milestone] | None = None,
             waiting: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, int]:
    """The milestones downstream of ``item`` that its own lateness moves, and by how many
    days, nearest first. Empty when ``item`` is on time, closed, undated or unknown.

    ``first`` (``first_rows``) and ``waiting`` (the reversed graph) may be handed in by a
    caller that asks for many items; only ``item`` and what waits on it are walked."""
    first = first_rows(project.milestones) if first is None else first
    if item not in first:
        return {}
    if waiting is None:
        waiting = graph.reverse({k: m.depends_on for k, m in first.items()})
    downstream = graph.reachable(waiting, item)
    reached = {key: first[key] for key in (item, *downstream) if key in first}
    slip = propagate(reached, {item: own_slip(first[item], as_of)})
    return {key: slip[key] for key in downstream if slip.get(key, 0) > 0}
