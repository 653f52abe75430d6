"""What the report and its timeline read of a project's milestones.

The first row of each ID (the rules flag a second one INVALID), cancelled ones left out,
with their flags; ``Ref`` is a milestone as the client sees it. Pure and language-free, like
``report.py`` and ``timeline.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from sheetsync.core import graph
from sheetsync.core.rules import first_by_id
from sheetsync.model import Assessment, Project, Status


@dataclass(frozen=True)
class Ref:
    """A milestone as the client sees it: ID and title ("" for an ID not in Milestones)."""

    id: str
    title: str


@dataclass(frozen=True)
class Facts:
    """What every section reads: the milestones by ID (first row wins) and their flags."""

    rows: tuple[Assessment, ...]  # first row of each ID, sheet order, cancelled left out
    by_id: Mapping[str, Assessment]
    deps: Mapping[str, tuple[str, ...]]

    def ref(self, mid: str) -> Ref:
        a = self.by_id.get(mid)
        return Ref(mid, a.milestone.title if a else "")

    @cached_property
    def waiting_on(self) -> dict[str, tuple[str, ...]]:
        """Who waits on whom, reversed once per report (a 20,000-row sheet asks often)."""
        return graph.reverse(self.deps)

    def open_downstream(self, mid: str) -> tuple[Ref, ...]:
        """Open milestones that wait on ``mid``, directly or through others, nearest first."""
        return tuple(self.ref(d) for d in graph.reachable(self.waiting_on, mid)
                     if d in self.by_id and not self.by_id[d].milestone.closed)


def facts_of(project: Project, assessments: Iterable[Assessment]) -> Facts:
    """Index the assessments by ID; the flags of rows that are not in the project are kept."""
    first = first_by_id(assessments, lambda a: a.milestone.id)
    rows = tuple(a for a in first.values() if a.milestone.status is not Status.CANCELLED)
    deps = {mid: a.milestone.depends_on for mid, a in first.items()}
    return Facts(rows, {a.milestone.id: a for a in rows}, deps)

