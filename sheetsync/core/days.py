"""Moving a day by a number of days, the one way every rule does it.

A date typed at the ends of the calendar (a Due of 9999-12-31) must never break a check,
a report or a reminder, so ``shift`` holds the result at ``date.max`` / ``date.min``
instead of raising ``OverflowError``. Pure.
"""

from __future__ import annotations

from datetime import date, timedelta

# The days a run may be asked to judge as of (``--as-of``, ``--now``): a year on either side
# of the calendar's ends, so that a week, a month of catch-up or a time zone never leaves it.
FIRST = date(1901, 1, 1)
LAST = date(9998, 12, 31)


def out_of_range(day: date) -> str:
    """"" for a day a run can judge as of, else the sentence that says which days it can."""
    if FIRST <= day <= LAST:
        return ""
    return (f"{day.isoformat()} is outside the days sheetsync can judge as of; give one from "
            f"{FIRST.isoformat()} to {LAST.isoformat()}.")


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days`` (either way), held at the ends of the calendar."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
