"""The client reminder: once a project day from 09:00, on weekdays other than report day."""

from __future__ import annotations

from datetime import date, datetime

from sheetsync.core import calendar as due
from sheetsync.model import Settings
from sheetsync.shell import remind_flow
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import Loaded
from sheetsync.shell.reconcile import Action, Due, Job


def when(settings: Settings, now: datetime, anchor: date | None = None) -> Due | None:
    day = due.reminder_day(now, settings, anchor=anchor)
    return Due(day) if day else None


def run(loaded: Loaded, ctx: Context, period: date) -> Action:
    sent = remind_flow.remind_loaded(loaded, ctx, as_of=period)
    if sent.result == "skipped" and not sent.message_id and not sent.unknown:
        return Action("remind", "skipped", sent.detail, settled=True)  # nothing to send today
    return Action("remind", sent.result, sent.detail, unknown=sent.unknown,
                  log_pending=sent.log_pending)


JOB = Job("remind", lambda project, now: when(project.settings, now, due.report_anchor(project)),
          run, records_done=True)
