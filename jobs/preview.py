"""The preview: at the report time of the working day before each report, once a report."""

from __future__ import annotations

from datetime import date, datetime

from sheetsync.core import calendar as due
from sheetsync.model import Project
from sheetsync.shell import preview_flow
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import Loaded
from sheetsync.shell.reconcile import Action, Due, Job


def when(project: Project, now: datetime) -> Due | None:
    day = due.preview_due(now, project.settings, due.report_anchor(project))
    return Due(day) if day else None


def run(loaded: Loaded, ctx: Context, period: date) -> Action:
    as_of = due.project_day(ctx.now, loaded.project.settings)
    sent = preview_flow.preview_loaded(loaded, ctx, as_of=as_of, report_day=period).sent
    if sent.result == "skipped" and not sent.message_id and not sent.unknown:
        return Action("preview", "skipped", sent.detail, settled=True)  # nobody to send to
    return Action("preview", sent.result, sent.detail, unknown=sent.unknown)


JOB = Job("preview", when, run, records_done=True)
