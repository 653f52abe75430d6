"""Schedule impact: how far each open milestone's date moves if what it waits on stays late.

Pure forward projection through the ``Depends on`` graph, from the lateness on the as-of
date D:

- an open milestone that is past its Due is assumed done no earlier than D, so it slips by
  ``D - Due`` days;
- a milestone keeps its planned gap after each milestone it depends on, so it slips at
  least as far as the furthest-slipping of them: ``slip(m) = max(own slip, slip(deps))``;
- Done and Cancelled milestones do not slip, and pass no slip on;
- a milestone without a readable Due has no projection and passes none on.

``projected_due = Due + slip``. This is the "Build and Go-live move by 6 days" behind the
reminders, the report's "Waiting on you" and ``check --json``'s ``projected_due``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sheetsync import graph
from sheetsync.model import Milestone, Project


@dataclass(frozen=True)
class Projection:
    id: str
    due: date | None
    projected_due: date | None
    slip_days: int


def project_dates(project: Project, as_of: date) -> dict[str, Projection]:
    """Every milestone's projection (first row of a duplicated ID), by ID."""
    first: dict[str, Milestone] = {}
    for m in project.milestones:
        first.setdefault(m.id, m)
    deps = {key: m.depends_on for key, m in first.items()}
    slip: dict[str, int] = {}
    out: dict[str, Projection] = {}
    for key in graph.topological(deps):
        m = first[key]
        if m.closed or m.due is None:
            slip[key] = 0
            out[key] = Projection(key, m.due, m.due if m.closed else None, 0)
            continue
        own = max(0, (as_of - m.due).days)
        inherited = max((slip.get(d, 0) for d in m.depends_on if d in first and d != key),
                        default=0)
        slip[key] = max(own, inherited)
        out[key] = Projection(key, m.due, m.due + timedelta(days=slip[key]), slip[key])
    return out


def slips(project: Project, as_of: date) -> dict[str, int]:
    """For each late milestone, how many days the milestones waiting on it move."""
    projections = project_dates(project, as_of)
    return {key: p.slip_days for key, p in projections.items() if p.slip_days > 0}


def moved_by(project: Project, as_of: date, item: str) -> dict[str, int]:
    """The milestones downstream of ``item`` that move, and by how many days."""
    first: dict[str, Milestone] = {}
    for m in project.milestones:
        first.setdefault(m.id, m)
    projections = project_dates(project, as_of)
    return {key: projections[key].slip_days
            for key in graph.downstream({k: m.depends_on for k, m in first.items()}, item)
            if key in projections and projections[key].slip_days > 0}
