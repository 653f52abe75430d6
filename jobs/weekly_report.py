"""The weekly client report: once the project's Report day and time have passed, once."""

from __future__ import annotations

from datetime import date, datetime

from sheetsync.core import calendar as due
from sheetsync.model import Settings
from sheetsync.shell import delivery
from sheetsync.shell.pipeline import Loaded
from sheetsync.shell.reconcile import Action, Due, Job


def when(settings: Settings, now: datetime) -> Due:
    report = due.report_due(now, settings)
    return Due(report.period, skip=report.skip_reason)


def run(loaded: Loaded, ctx: delivery.Run, period: date) -> Action:
    sent = delivery.report_loaded(loaded, ctx, as_of=period)
    return Action("report", sent.result, sent.detail, unknown=sent.unknown)


JOB = Job("report", when, run)
