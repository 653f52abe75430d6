"""What is due for a project at a moment: the calendar rules behind ``sheetsync run``.

Pure: the moment ``now`` (an aware datetime) and the project's settings come in, and each
function answers with the period a job would run for, or None. Whether that period was
already done is the ledger's business, not this module's.

- The check runs once a project day: its period is today's date in the project's time zone.
- The report's *report days* are the project's Report day, every week or (``Report every
  weeks`` = 2) every second week counted from an anchor (``report_anchor``). A report day
  that is not a client day (``core.workdays``: a weekend, a public holiday of the Holiday
  calendar, one of Holidays) moves to the client day before it; that *send day* is the
  report's period and as-of date. The period is the latest send day whose Report time has
  passed in the project's time zone (so DST never moves it). It may go out up to
  ``CATCH_UP_WORKING_DAYS`` working days late (after downtime), and only on a client day;
  later than that it is skipped.
- The preview goes at the report time on the working day before each send day.
- A reminder goes at most once a project day, from ``Reminder time`` on, only on a client
  day, never on the report weekday nor on a day a report goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sheetsync.core import logtab, workdays
from sheetsync.model import Project, Settings

CATCH_UP = timedelta(days=3)
CATCH_UP_WORKING_DAYS = 3
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


# --------------------------------------------------------------------------- report days


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def report_anchor(project: Project) -> date | None:
    """Where a fortnightly schedule counts from: the report day of the project's first
    report in ``Log``, else the first report day after its first milestone start."""
    s = project.settings
    if s.report_every_weeks <= 1:
        return None
    logged = sorted(day for day, _ in logtab.logged_periods(project.layout.log, "report")) \
        if project.layout is not None else []
    if logged:
        return _weekday_on_or_after(logged[0], s.report_day)
    starts = [m.start for m in project.milestones if m.start is not None]
    if starts:
        return _weekday_on_or_after(min(starts) + timedelta(days=1), s.report_day)
    return None


def is_report_day(day: date, settings: Settings, anchor: date | None = None) -> bool:
    """Whether ``day`` is one of the project's (nominal) report days."""
    if day.weekday() != settings.report_day:
        return False
    every = max(settings.report_every_weeks, 1)
    if every == 1 or anchor is None:
        return True
    return ((day - anchor).days // 7) % every == 0


def send_day(report_day: date, settings: Settings) -> date | None:
    """The day a report due on ``report_day`` goes: that day, or the client day before."""
    return workdays.client_day_on_or_before(report_day, settings)


def send_days(start: date, end: date, settings: Settings,
              anchor: date | None = None) -> list[date]:
    """Every send day whose report day is in [start, end + 62 days) and that falls in
    [start, end], in order (a report day may move back into the range)."""
    out: list[date] = []
    day = _weekday_on_or_after(start, settings.report_day)
    last = end + timedelta(days=workdays.SEARCH_DAYS)
    while day <= last:
        if is_report_day(day, settings, anchor):
            sent = send_day(day, settings)
            if sent is not None and start <= sent <= end and sent not in out:
                out.append(sent)
        day += timedelta(days=7)
    return out


def next_send_day(after: date, settings: Settings, anchor: date | None = None) -> date | None:
    """The first send day strictly after ``after``."""
    found = send_days(after + timedelta(days=1), after + timedelta(days=40), settings, anchor)
    return found[0] if found else None


def last_report_date(now: datetime, settings: Settings, anchor: date | None = None) -> date:
    """The latest send day whose report time has passed at ``now``."""
    here = local(now, settings)
    days = send_days(here.date() - timedelta(days=40), here.date(), settings, anchor)
    passed = [d for d in days if at(d, settings.report_time, settings) <= here]
    if passed:
        return passed[-1]
    back = (here.weekday() - settings.report_day) % 7  # none found: the plain weekday rule
    return here.date() - timedelta(days=back + (7 if back == 0 else 0))


@dataclass(frozen=True)
class ReportDue:
    period: date  # the send day, which is also the report's as-of date
    late: timedelta
    too_late: bool  # beyond the catch-up window: log it as skipped, send nothing
    wait: bool = False  # today is not a client day: not now, but not missed either

    @property
    def skip_reason(self) -> str:
        if not self.too_late:
            return ""
        hours = int(self.late.total_seconds() // 3600)
        return (f"the report for {self.period.isoformat()} was missed by {hours // 24} days "
                f"{hours % 24} hours, more than the {CATCH_UP_WORKING_DAYS}-working-day "
                "catch-up window; not sent (use 'sheetsync report --as-of' to send it by hand)")


def report_due(now: datetime, settings: Settings, anchor: date | None = None) -> ReportDue:
    day = last_report_date(now, settings, anchor)
    here = local(now, settings)
    late = here - at(day, settings.report_time, settings)
    deadline = at(workdays.add_working_days(day, CATCH_UP_WORKING_DAYS, settings),
                  settings.report_time, settings)
    wait = not workdays.is_client_day(here.date(), settings)
    return ReportDue(day, late, here > deadline, wait=wait)


def preview_due(now: datetime, settings: Settings, anchor: date | None = None) -> date | None:
    """The send day of the report whose preview is due at ``now``: from the report time of
    the working day before it until the report itself goes; else None."""
    here = local(now, settings)
    upcoming = next_send_day(here.date() - timedelta(days=1), settings, anchor)
    if upcoming is None:
        return None
    before = workdays.working_day_before(upcoming, settings)
    if before is None:
        return None
    starts = at(before, settings.report_time, settings)
    ends = at(upcoming, settings.report_time, settings)
    return upcoming if starts <= here < ends else None


def preview_report_day(as_of: date, settings: Settings, anchor: date | None = None) -> date:
    """The send day a preview sent on ``as_of`` is for: the next one after it."""
    return next_send_day(as_of, settings, anchor) or as_of + timedelta(days=1)


REMINDER_TIME = time(9, 0)  # reminders go out from this time of the project day


def no_reminder_on(day: date, settings: Settings, anchor: date | None = None) -> bool:
    """No reminder on a day that is not a client day, on the report weekday, nor on a day a
    report goes (a report day moved before a holiday)."""
    if day.weekday() in (SATURDAY, SUNDAY, settings.report_day):
        return True
    if not workdays.is_client_day(day, settings):
        return True
    return day in send_days(day, day, settings, anchor)


def reminder_day(now: datetime, settings: Settings, reminder_time: time = REMINDER_TIME,
                 anchor: date | None = None) -> date | None:
    """Today, if a reminder may go today at ``now``; else None."""
    here = local(now, settings)
    if no_reminder_on(here.date(), settings, anchor):
        return None
    if here.timetz().replace(tzinfo=None) < reminder_time:
        return None
    return here.date()
