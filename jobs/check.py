"""The daily check: once a project day, flag milestones and write Flag, Flag detail, Problems."""

from __future__ import annotations

from datetime import date, datetime

from sheetsync.core import calendar as due
from sheetsync.model import Settings
from sheetsync.shell import pipeline
from sheetsync.shell import summaries as views
from sheetsync.shell.context import Context
from sheetsync.shell.reconcile import Action, Due, Job


def when(settings: Settings, now: datetime) -> Due:
    return Due(due.project_day(now, settings))


def run(loaded: pipeline.Loaded, _ctx: Context, period: date) -> Action:
    checked = pipeline.check_loaded(loaded, as_of=period)
    # Flags that could not be written (the workbook is open in Excel or LibreOffice) are
    # not done: the next run checks again and writes them.
    return Action("check", "skipped" if checked.refused else "done", views.check_line(checked))


JOB = Job("check", lambda project, now: when(project.settings, now), run, records_done=True,
          counted=True)
