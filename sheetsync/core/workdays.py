"""Working days: which days sheetsync may email on, and counting them (CONTRACT section 7).

A **working day** is a weekday (Monday to Friday) that is neither a public holiday of the
project's ``Holiday calendar`` (a country code of the ``holidays`` package) nor one of its
``Holidays``; a make-up working day is one too: one the calendar itself lists (China's
调休 Saturdays and Sundays, which ``holidays`` knows for the years it has data for) or one
typed in the project's ``Working days`` (补班日), for a year the package does not know yet.

- A **client day** is a working day from Monday to Friday: client emails (reports,
  reminders) go only then, so a make-up Saturday never brings a client email (the contract's
  "never on Saturday or Sunday" holds) while it still counts as a working day when
  counting (the 3-day catch-up, "due within 2 working days") and for team emails.
- Everything here is pure: the calendar's data come from the ``holidays`` package, which
  computes them (no file, no network). One calendar object a code is kept.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import Any

import holidays as holidays_lib

from sheetsync.core.cells import Bad, Read, parse_text
from sheetsync.model import CellValue, Settings

SEARCH_DAYS = 62  # how far a search for a working day looks before it gives up


def parse_calendar(value: CellValue) -> Read[str]:
    """A country code of the ``holidays`` package, optionally with a region (``US-CA``)."""
    text = parse_text(value)
    if text is None or isinstance(text, Bad):
        return text
    code, _, region = _split(text)
    supported = holidays_lib.list_supported_countries()
    if code.upper() not in supported:
        return Bad("unknown_calendar")
    code = code.upper()
    if region:
        regions = {r.upper(): r for r in supported[code]}
        if region.upper() not in regions:
            return Bad("unknown_calendar")
        return f"{code}-{regions[region.upper()]}"
    return code


def _split(text: str) -> tuple[str, str, str]:
    parts = re.split(r"[-_/\s]+", text.strip(), maxsplit=1)
    return parts[0], "", parts[1] if len(parts) > 1 else ""


@functools.lru_cache(maxsize=64)
def _country(code: str) -> Any:
    country, _, region = code.partition("-")
    return holidays_lib.country_holidays(country, subdiv=region or None)


def public_holiday(day: date, settings: Settings) -> str:
    """The calendar's name for the day when it is a public holiday, else ""."""
    if not settings.holiday_calendar:
        return ""
    found = _country(settings.holiday_calendar).get(day)
    return str(found) if found else ""


def _make_up(day: date, settings: Settings) -> bool:
    if day in settings.working_days:
        return True
    if not settings.holiday_calendar:
        return False
    calendar = _country(settings.holiday_calendar)
    _ = day in calendar  # fills in the day's year, where the make-up days are listed too
    return day in getattr(calendar, "weekend_workdays", ())


def is_working_day(day: date, settings: Settings) -> bool:
    """A weekday that is no holiday, or a make-up working day."""
    if day in settings.holidays:
        return False
    if _make_up(day, settings):
        return True
    return day.weekday() < 5 and not public_holiday(day, settings)


def is_client_day(day: date, settings: Settings) -> bool:
    """A working day from Monday to Friday: the only days a client email may go."""
    return day.weekday() < 5 and is_working_day(day, settings)


def why_not(day: date, settings: Settings) -> str:
    """In words, why a day is not a client day ("" when it is)."""
    if is_client_day(day, settings):
        return ""
    if day in settings.holidays:
        return "a day off in the project's Holidays"
    name = public_holiday(day, settings)
    if name:
        return f"a public holiday ({name})"
    return "a weekend day"


def client_day_on_or_before(day: date, settings: Settings) -> date | None:
    """The latest client day on or before ``day`` (None when none is near)."""
    for back in range(SEARCH_DAYS):
        candidate = day - timedelta(days=back)
        if is_client_day(candidate, settings):
            return candidate
    return None


def working_day_before(day: date, settings: Settings) -> date | None:
    """The latest working day strictly before ``day`` (None when none is near)."""
    for back in range(1, SEARCH_DAYS):
        candidate = day - timedelta(days=back)
        if is_working_day(candidate, settings):
            return candidate
    return None


def add_working_days(day: date, count: int, settings: Settings) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself when count is 0)."""
    found = day
    for _ in range(count):
        for step in range(1, SEARCH_DAYS):
            candidate = found + timedelta(days=step)
            if is_working_day(candidate, settings):
                found = candidate
                break
        else:
            return found + timedelta(days=1)
    return found


def working_days_between(start: date, end: date, settings: Settings) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    days = (end - start).days
    return sum(1 for n in range(1, max(days, 0) + 1)
               if is_working_day(start + timedelta(days=n), settings))
