"""The calendar rules behind ``sheetsync run`` (``sheetsync.core.calendar``): pure, no I/O.

Every moment is an aware datetime given in UTC (as a cron host would see it); the rules
must answer in the project's own time zone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from sheetsync.core import calendar as due
from sheetsync.jobs import check, remind, weekly_report
from sheetsync.model import Settings
from sheetsync.shell.reconcile import Due

LONDON = Settings("Acme", time_zone="Europe/London")  # Friday 16:00 by default
NEW_YORK = Settings("Acme", time_zone="America/New_York")
SHANGHAI = Settings("Acme", time_zone="Asia/Shanghai")


def due_period(day: str) -> Due:
    return Due(date.fromisoformat(day))


def utc(text: str) -> datetime:
    """``2026-11-27 16:05`` as a UTC moment."""
    return datetime.fromisoformat(text + "+00:00")


# --------------------------------------------------------------------------- report date


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-26 12:00", date(2026, 11, 20)),  # Thursday: last week's Friday
    ("2026-11-27 15:59", date(2026, 11, 20)),  # Friday, a minute before the report time
    ("2026-11-27 16:00", date(2026, 11, 27)),  # Friday, the report time itself
    ("2026-11-27 16:05", date(2026, 11, 27)),
    ("2026-11-28 09:00", date(2026, 11, 27)),  # Saturday
    ("2026-12-03 23:59", date(2026, 11, 27)),  # the next Thursday, last minute
])
def test_last_report_date_before_and_after_the_report_time(now: str, expected: date) -> None:
    assert due.last_report_date(utc(now), LONDON) == expected


def test_report_time_is_read_in_the_projects_own_time_zone() -> None:
    # 16:00 in Shanghai is 08:00 UTC: by 08:00 UTC on Friday the report is due.
    assert due.last_report_date(utc("2026-11-27 07:59"), SHANGHAI) == date(2026, 11, 20)
    assert due.last_report_date(utc("2026-11-27 08:00"), SHANGHAI) == date(2026, 11, 27)
    # Friday 07:00 in Shanghai is still Thursday 23:00 in UTC.
    early = Settings("Acme", time_zone="Asia/Shanghai", report_time=time(7, 0))
    assert due.last_report_date(utc("2026-11-26 22:59"), early) == date(2026, 11, 20)
    assert due.last_report_date(utc("2026-11-26 23:00"), early) == date(2026, 11, 27)


def test_another_report_day() -> None:
    monday = Settings("Acme", time_zone="Europe/London", report_day=0, report_time=time(9, 30))
    assert due.last_report_date(utc("2026-11-30 09:29"), monday) == date(2026, 11, 23)
    assert due.last_report_date(utc("2026-11-30 09:30"), monday) == date(2026, 11, 30)
    assert due.last_report_date(utc("2026-11-29 23:00"), monday) == date(2026, 11, 23)


def test_a_moment_without_its_offset_is_refused() -> None:
    with pytest.raises(ValueError):
        due.last_report_date(datetime(2026, 11, 27, 16, 5), LONDON)


# --------------------------------------------------------------------------- catch-up window


def test_catch_up_window_is_three_working_days_exactly() -> None:
    on_time = due.report_due(utc("2026-11-27 16:05"), LONDON)
    assert (on_time.period, on_time.late, on_time.too_late) == (
        date(2026, 11, 27), timedelta(minutes=5), False)
    assert on_time.skip_reason == ""

    # Monday, Tuesday, Wednesday: three working days to the minute
    exactly = due.report_due(utc("2026-12-02 16:00"), LONDON)
    assert exactly.period == date(2026, 11, 27)
    assert exactly.late == timedelta(days=5)
    assert not exactly.too_late
    assert exactly.skip_reason == ""

    over = due.report_due(utc("2026-12-02 16:01"), LONDON)  # 3 working days and 1 minute
    assert over.period == date(2026, 11, 27)
    assert over.too_late
    assert "2026-11-27" in over.skip_reason
    assert "5 days 0 hours" in over.skip_reason
    assert "sheetsync report --as-of" in over.skip_reason


def test_six_days_down_is_skipped_with_a_reason() -> None:
    late = due.report_due(utc("2026-12-03 08:00"), LONDON)
    assert late.period == date(2026, 11, 27)
    assert late.too_late
    assert "missed by 5 days 16 hours" in late.skip_reason


def test_weekly_report_job_turns_the_rule_into_a_due_period() -> None:
    # a report missed on Friday waits for the next client day: no client email on Saturday
    assert weekly_report.when(LONDON, utc("2026-11-28 10:00")) is None
    assert weekly_report.when(LONDON, utc("2026-11-30 10:00")) == due_period("2026-11-27")
    sending = replace(LONDON, client_emails=("client@example.com",))
    skipped = weekly_report.when(sending, utc("2026-12-03 08:00"))
    assert skipped.period == date(2026, 11, 27)
    assert skipped.skip.startswith("the report for 2026-11-27 was missed")


def test_a_project_that_sends_nothing_gives_its_own_skip_reason() -> None:
    """Too late, but a paused project or one with no client was not "missed"."""
    late = utc("2026-12-03 08:00")
    assert weekly_report.when(LONDON, late).skip == (
        "not sent for 2026-11-27: the Project tab has no valid Client emails")
    paused = replace(LONDON, client_emails=("client@example.com",), reports_paused=True)
    assert weekly_report.when(paused, late).skip == (
        "not sent for 2026-11-27: Reports paused is Yes in the Project tab")
    assert weekly_report.when(paused, utc("2026-11-30 10:00")).skip == ""


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(("before", "after", "note"), [
    # America/New_York: DST starts Sunday 8 March 2026 (EST -5 -> EDT -4).
    (("2026-03-06 20:59", "2026-03-06 21:00"), ("2026-03-13 19:59", "2026-03-13 20:00"),
     "spring forward"),
    # America/New_York: DST ends Sunday 1 November 2026 (EDT -4 -> EST -5).
    (("2026-10-30 19:59", "2026-10-30 20:00"), ("2026-11-06 20:59", "2026-11-06 21:00"),
     "fall back"),
])
def test_new_york_gets_its_report_at_16_local_on_both_sides_of_the_change(
        before: tuple[str, str], after: tuple[str, str], note: str) -> None:
    for not_yet, due_now in (before, after):
        friday = date.fromisoformat(due_now[:10])
        assert due.last_report_date(utc(not_yet), NEW_YORK) == friday - timedelta(days=7), note
        assert due.last_report_date(utc(due_now), NEW_YORK) == friday, note
        assert due.local(utc(due_now), NEW_YORK).time() == time(16, 0), note


@pytest.mark.parametrize(("first", "second"), [
    # Europe/London: BST starts Sunday 29 March 2026, ends Sunday 25 October 2026.
    ("2026-03-27 16:00", "2026-04-03 15:00"),
    ("2026-10-23 15:00", "2026-10-30 16:00"),
])
def test_london_gets_its_report_at_16_local_in_and_out_of_summer_time(
        first: str, second: str) -> None:
    for moment in (first, second):
        friday = date.fromisoformat(moment[:10])
        just_before = utc(moment) - timedelta(minutes=1)
        assert due.last_report_date(just_before, LONDON) == friday - timedelta(days=7)
        assert due.last_report_date(utc(moment), LONDON) == friday


def test_catch_up_across_a_dst_change_counts_local_days() -> None:
    # Report Friday 6 March 16:00 EST; the clocks go forward on Sunday. "Three working days
    # late" is Wednesday 16:00 local (EDT, 20:00 UTC), not elapsed hours (19:00 UTC).
    assert not due.report_due(utc("2026-03-11 20:00"), NEW_YORK).too_late
    assert due.report_due(utc("2026-03-11 20:01"), NEW_YORK).too_late
    # And in the autumn: Friday 30 October 16:00 EDT -> Wednesday 4 November 16:00 EST.
    assert not due.report_due(utc("2026-11-04 21:00"), NEW_YORK).too_late
    assert due.report_due(utc("2026-11-04 21:01"), NEW_YORK).too_late


def test_the_check_runs_once_a_project_day_in_its_own_zone() -> None:
    # 23:30 UTC on Thursday is already Friday in Shanghai, still Thursday in London.
    assert due.project_day(utc("2026-11-26 23:30"), SHANGHAI) == date(2026, 11, 27)
    assert due.project_day(utc("2026-11-26 23:30"), LONDON) == date(2026, 11, 26)
    assert check.when(SHANGHAI, utc("2026-11-26 23:30")) == due_period("2026-11-27")
    # The London day across the autumn change: 00:30 BST on 25 Oct is 23:30 UTC on the 24th.
    assert due.project_day(utc("2026-10-24 23:30"), LONDON) == date(2026, 10, 25)


# --------------------------------------------------------------------------- reminders


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-23 08:59", None),                 # Monday, before 09:00
    ("2026-11-23 09:00", date(2026, 11, 23)),   # Monday 09:00
    ("2026-11-26 17:00", date(2026, 11, 26)),   # Thursday afternoon
    ("2026-11-27 10:00", None),                 # Friday: the report day
    ("2026-11-28 10:00", None),                 # Saturday
    ("2026-11-29 10:00", None),                 # Sunday
])
def test_reminder_days(now: str, expected: date | None) -> None:
    assert due.reminder_day(utc(now), LONDON) == expected
    assert remind.when(LONDON, utc(now)) == (due_period(str(expected)) if expected else None)


def test_reminder_time_and_weekday_are_the_projects_own() -> None:
    # 09:00 in New York is 14:00 UTC in November.
    assert due.reminder_day(utc("2026-11-23 13:59"), NEW_YORK) is None
    assert due.reminder_day(utc("2026-11-23 14:00"), NEW_YORK) == date(2026, 11, 23)
    # Monday 01:00 in Shanghai is still Sunday in UTC: Shanghai's Monday, but before 09:00.
    assert due.reminder_day(utc("2026-11-22 17:00"), SHANGHAI) is None
    # Saturday 02:00 in Shanghai is Friday 18:00 UTC: a weekend day there.
    assert due.reminder_day(utc("2026-11-27 18:00"), SHANGHAI) is None


def test_no_reminder_on_a_moved_report_day() -> None:
    wednesday = Settings("Acme", time_zone="Europe/London", report_day=2)
    assert due.reminder_day(utc("2026-11-25 10:00"), wednesday) is None
    assert due.reminder_day(utc("2026-11-27 10:00"), wednesday) == date(2026, 11, 27)
