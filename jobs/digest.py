"""The agency digest: weekly at the [digest] day and time, over every project of the run."""

from __future__ import annotations

from collections.abc import Sequence

from sheetsync.shell import agency
from sheetsync.shell.context import Context
from sheetsync.shell.reconcile import Action, AgencyJob


def run(projects: Sequence[agency.Read], ctx: Context) -> tuple[Action, ...]:
    outcome = agency.digest_due(projects, ctx)
    if outcome is None:
        return ()
    return (Action("digest", outcome.result, outcome.detail or outcome.subject,
                   unknown=outcome.unknown),)


JOB = AgencyJob("digest", run)
