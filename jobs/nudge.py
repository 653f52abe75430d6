"""Team nudges: once a day from 09:00 on working days, one email per person across projects."""

from __future__ import annotations

from collections.abc import Sequence

from sheetsync.shell import agency
from sheetsync.shell.context import Context
from sheetsync.shell.reconcile import Action, AgencyJob


def run(projects: Sequence[agency.Read], ctx: Context) -> tuple[Action, ...]:
    return tuple(Action("nudge", o.result, f"to {', '.join(o.to)}: {o.detail or o.subject}",
                        unknown=o.unknown) for o in agency.nudge_all(projects, ctx))


JOB = AgencyJob("nudge", run)
