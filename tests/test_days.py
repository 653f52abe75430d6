"""One home for moving a day, and one for "the first row of an ID"."""

from __future__ import annotations

from datetime import date

import pytest

from sheetsync.core.days import shift
from sheetsync.core.report_facts import facts_of
from sheetsync.core.rules import assess, first_by_id, first_rows
from sheetsync.model import Flag, Milestone, Project, Settings


@pytest.mark.parametrize(("day", "days", "expected"), [
    (date(2026, 11, 27), 3, date(2026, 11, 30)),
    (date(2026, 11, 27), -27, date(2026, 10, 31)),
    (date(9999, 12, 30), 1, date.max),
    (date.max, 1, date.max),  # past the end: held at the end
    (date.max, 10**6, date.max),
    (date(1, 1, 2), -1, date.min),
    (date.min, -1, date.min),  # past the start: held at the start, never thrown to the end
    (date.min, -(10**6), date.min),
    (date.max, -1, date(9999, 12, 30)),
])
def test_shift_holds_at_both_ends_of_the_calendar(day: date, days: int, expected: date) -> None:
    assert shift(day, days) == expected


def test_first_row_of_an_id_wins_everywhere() -> None:
    rows = [Milestone(id="M1", row=2, title="first", due=date(2026, 12, 1)),
            Milestone(id="M2", row=3, title="other", due=date(2026, 12, 1)),
            Milestone(id="M1", row=4, title="second", due=date(2026, 1, 1))]
    assert [m.title for m in first_rows(rows).values()] == ["first", "other"]
    assert first_by_id(["a1", "b1", "a2"], lambda s: s[0]) == {"a": "a1", "b": "b1"}
    project = Project("acme.xlsx", Settings("Acme"), milestones=tuple(rows))
    assessed = assess(project, date(2026, 11, 27))
    assert Flag.INVALID in assessed[2].flags and Flag.OVERDUE not in assessed[0].flags
    assert facts_of(project, assessed).by_id["M1"].milestone.title == "first"
