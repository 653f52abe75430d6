"""The preview's checklist, "Before it goes" (CONTRACT section 7): what staff should fix in
the sheet before the client report goes. Pure and language-free: each check names its code,
the IDs it is about and the facts its sentence needs (``render/phrases.py`` words them).

- ``NO_UPDATES``: no Done, Problem or Next update dated in the 7 days ending on the day the
  preview goes;
- ``TEAM_OVERDUE``: Team milestones OVERDUE on the report's date (what the client will
  read), each with its Owner email;
- ``NO_ACCEPTANCE``: open Team milestones due within 14 days of the preview without
  Acceptance criteria (a client item has none to agree);
- ``CHANGE_WAITING_ON_TEAM``: change requests the client answered that staff have not
  settled (still Proposed), and approved ones whose milestone's Due is not yet the New due;
- ``SHEET_PROBLEMS``: the sheet's problems (the Problems tab).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sheetsync.core.days import shift
from sheetsync.core.rules import first_by_id
from sheetsync.model import (
    Assessment,
    ChangeStatus,
    Flag,
    Owner,
    Problem,
    Project,
    UpdateType,
)

LOOK_BACK_DAYS = 7
ACCEPTANCE_WITHIN_DAYS = 14


class Code(enum.StrEnum):
    NO_UPDATES = "NO_UPDATES"
    TEAM_OVERDUE = "TEAM_OVERDUE"
    NO_ACCEPTANCE = "NO_ACCEPTANCE"
    CHANGE_WAITING_ON_TEAM = "CHANGE_WAITING_ON_TEAM"
    SHEET_PROBLEMS = "SHEET_PROBLEMS"


@dataclass(frozen=True)
class Line:
    """One thing to fix: a milestone, a change request, or the sheet as a whole."""

    id: str = ""
    title: str = ""
    row: int = 0
    on: date | None = None  # the last update, a Due, a New due
    days: int = 0  # days overdue
    who: str = ""  # the Owner email
    what: str = ""  # CHANGE_WAITING_ON_TEAM: "approved", "declined", "not_applied"
    milestone: str = ""  # CHANGE_WAITING_ON_TEAM: the milestone it re-dates
    problem: Problem | None = None  # SHEET_PROBLEMS: the first problem


@dataclass(frozen=True)
class Check:
    code: Code
    lines: tuple[Line, ...]
    count: int = 0  # SHEET_PROBLEMS: how many problems

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(line.id for line in self.lines if line.id)


def _no_updates(project: Project, as_of: date) -> Check | None:
    start = shift(as_of, 1 - LOOK_BACK_DAYS)
    kinds = (UpdateType.DONE, UpdateType.PROBLEM, UpdateType.NEXT)
    dated = [u.date for u in project.updates if u.type in kinds and u.date <= as_of]
    if any(start <= day for day in dated):
        return None
    return Check(Code.NO_UPDATES, (Line(on=max(dated) if dated else None),))


def _team_overdue(report_rows: Sequence[Assessment]) -> Check | None:
    late = sorted((a for a in report_rows if a.milestone.owner is Owner.TEAM
                   and Flag.OVERDUE in a.flags), key=lambda a: (-a.days_overdue, a.milestone.row))
    lines = tuple(Line(a.milestone.id, a.milestone.title, a.milestone.row, a.milestone.due,
                       a.days_overdue, a.milestone.owner_email) for a in late)
    return Check(Code.TEAM_OVERDUE, lines) if lines else None


def _no_acceptance(rows: Sequence[Assessment], as_of: date) -> Check | None:
    last = shift(as_of, ACCEPTANCE_WITHIN_DAYS)
    lines = tuple(Line(a.milestone.id, a.milestone.title, a.milestone.row, a.milestone.due,
                       who=a.milestone.owner_email)
                  for a in rows
                  if a.milestone.owner is Owner.TEAM and not a.milestone.closed
                  and a.milestone.due is not None and as_of <= a.milestone.due <= last
                  and not a.milestone.acceptance.strip())
    return Check(Code.NO_ACCEPTANCE, lines) if lines else None


def _changes(project: Project) -> Check | None:
    dues = {m.id: m.due for m in first_by_id(project.milestones, lambda m: m.id).values()}
    lines = []
    for c in project.changes:
        if c.status is ChangeStatus.PROPOSED and c.client_approved is not None:
            what = "approved" if c.client_approved else "declined"
        elif (c.status is ChangeStatus.APPROVED and c.new_due and c.milestone in dues
              and dues[c.milestone] is not None and dues[c.milestone] != c.new_due):
            what = "not_applied"
        else:
            continue
        lines.append(Line(c.id, c.change, c.row, c.new_due, what=what, milestone=c.milestone))
    return Check(Code.CHANGE_WAITING_ON_TEAM, tuple(lines)) if lines else None


def _problems(project: Project) -> Check | None:
    if not project.problems:
        return None
    return Check(Code.SHEET_PROBLEMS, (Line(problem=project.problems[0]),),
                 count=len(project.problems))


def checklist(project: Project, preview_rows: Sequence[Assessment],
              report_rows: Sequence[Assessment], as_of: date) -> tuple[Check, ...]:
    """Every check that finds something, in the contract's order.

    ``preview_rows`` are ``rules.assess(project, as_of)`` (the day the preview goes);
    ``report_rows`` the same on the report's date (what the client will read).
    """
    found = (_no_updates(project, as_of), _team_overdue(report_rows),
             _no_acceptance(preview_rows, as_of), _changes(project), _problems(project))
    return tuple(check for check in found if check is not None)
