"""Moving a day by a number of days, the one way every rule does it.

A date typed at the ends of the calendar (a Due of 9999-12-31) must never break a check,
a report or a reminder, so ``shift`` holds the result at ``date.max`` / ``date.min``
instead of raising ``OverflowError``. Pure.
"""

from __future__ import annotations

from datetime import date, timedelta


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days`` (either way), held at the ends of the calendar."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
