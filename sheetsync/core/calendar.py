"""What is due for a project at a moment: the calendar rules behind ``sheetsync run``.

Pure: the moment ``now`` (an aware datetime) and the project's settings come in, and each
function answers with the period a job would run for, or None. Whether that period was
already done is the ledger's business, not this module's.

- The check runs once a project day: its period is today's date in the project's time zone.
- The weekly report's period is its *report date*: the latest day on the project's Report
  day whose Report time has passed in the project's time zone (so DST never moves it).
  It may go out up to ``CATCH_UP`` late (after downtime); later than that it is skipped.
- A reminder goes at most once a project day, from ``Reminder time`` on, never on Saturday,
  Sunday or the report day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sheetsync.model import Settings

CATCH_UP = timedelta(days=3)
SATURDAY, SUNDAY = 5, 6


def local(now: datetime, settings: Settings) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    return now.astimezone(ZoneInfo(settings.time_zone))


def project_day(now: datetime, settings: Settings) -> date:
    return local(now, settings).date()


def at(day: date, clock: time, settings: Settings) -> datetime:
    """That wall-clock time on that day in the project's zone (DST-aware)."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(settings.time_zone))


def last_report_date(now: datetime, settings: Settings) -> date:
    """The latest report day whose report time has passed at ``now``."""
    here = local(now, settings)
    back = (here.weekday() - settings.report_day) % 7
    day = here.date() - timedelta(days=back)
    if at(day, settings.report_time, settings) > here:
        day -= timedelta(days=7)
    return day


@dataclass(frozen=True)
class ReportDue:
    period: date  # the report date, which is also the report's as-of date
    late: timedelta
    too_late: bool  # beyond the catch-up window: log it as skipped, send nothing

    @property
    def skip_reason(self) -> str:
        if not self.too_late:
            return ""
        hours = int(self.late.total_seconds() // 3600)
        return (f"the report for {self.period.isoformat()} was missed by {hours // 24} days "
                f"{hours % 24} hours, more than the {CATCH_UP.days}-day catch-up window; "
                "not sent (use 'sheetsync report --as-of' to send it by hand)")


def report_due(now: datetime, settings: Settings) -> ReportDue:
    day = last_report_date(now, settings)
    late = local(now, settings) - at(day, settings.report_time, settings)
    return ReportDue(day, late, late > CATCH_UP)


REMINDER_TIME = time(9, 0)  # reminders go out from this time of the project day


def no_reminder_on(day: date, settings: Settings) -> bool:
    """The weekend rule: no reminder on Saturday, Sunday or the project's report day."""
    return day.weekday() in (SATURDAY, SUNDAY, settings.report_day)


def reminder_day(now: datetime, settings: Settings,
                 reminder_time: time = REMINDER_TIME) -> date | None:
    """Today, if a reminder may go today at ``now``; else None."""
    here = local(now, settings)
    if no_reminder_on(here.date(), settings):
        return None
    if here.timetz().replace(tzinfo=None) < reminder_time:
        return None
    return here.date()
