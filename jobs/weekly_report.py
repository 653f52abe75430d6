"""The client report: once the project's report day (moved before a day off) and time have
passed, once; weekly or every second week."""

from __future__ import annotations

from datetime import date, datetime

from sheetsync.core import calendar as due
from sheetsync.model import Settings
from sheetsync.shell import report_flow
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import Loaded
from sheetsync.shell.reconcile import Action, Due, Job


def when(settings: Settings, now: datetime, anchor: date | None = None) -> Due | None:
    report = due.report_due(now, settings, anchor)
    if report.wait and not report.too_late:
        return None  # no client email today (a weekend or a day off): the next client day
    return Due(report.period, skip=skip_reason(report, settings))


def skip_reason(report: due.ReportDue, settings: Settings) -> str:
    """Too late to send; but a project that sends nothing was not "missed"."""
    if not report.too_late:
        return ""
    period = report.period.isoformat()
    if settings.reports_paused:
        return f"not sent for {period}: Reports paused is Yes in the Project tab"
    if not settings.client_emails:
        return f"not sent for {period}: the Project tab has no valid Client emails"
    return report.skip_reason


def run(loaded: Loaded, ctx: Context, period: date) -> Action:
    sent = report_flow.report_loaded(loaded, ctx, as_of=period)
    return Action("report", sent.result, sent.detail, unknown=sent.unknown,
                  log_pending=sent.log_pending)


JOB = Job("report", lambda project, now: when(project.settings, now,
                                              due.report_anchor(project)), run,
          catch_up=True)
