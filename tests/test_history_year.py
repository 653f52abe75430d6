"""A year of daily checks on the example project, staff moving a few dates a week: the
History tab stays in the low thousands of rows, and a day without a change adds none."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.core import history, rules
from sheetsync.core.parse import parse_workbook
from sheetsync.model import OwnedTab, Status

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-rollout.xlsx"


def test_a_year_of_daily_checks_stays_in_the_low_thousands() -> None:
    project = parse_workbook(XlsxFile(EXAMPLE).read(), str(EXAMPLE))
    assert project.layout is not None and project.layout.history is not None
    tab = project.layout.history
    start = len(tab.rows)
    rng = random.Random(15)
    day = project.milestones[0].due or project.milestones[0].start
    assert day is not None
    quiet_days = 0
    for n in range(365):
        today = day + timedelta(days=n)
        ms = list(project.milestones)
        if today.weekday() in (0, 3):  # Mondays and Thursdays: staff move two dates
            for i in rng.sample(range(len(ms)), 2):
                m = ms[i]
                if m.due is not None and m.status is not Status.DONE:
                    ms[i] = replace(m, due=m.due + timedelta(days=rng.randint(-3, 10)))
        project = replace(project, milestones=tuple(ms))
        assessed = rules.assess(project, today)
        rows = history.changes(assessed, history.read(tab), today, "en")
        tab = OwnedTab(tab.name, True, (*tab.rows, *history.rows(rows, "en")))
        again = history.changes(assessed, history.read(tab), today, "en")
        assert again == ()  # a second check on the same state appends nothing
        quiet_days += not rows
    added = len(tab.rows) - start
    assert 100 < added < 3000, added
    assert quiet_days > 100  # most days nothing changes, so nothing is written
    baselines = history.read(tab).baselines
    first = history.read(OwnedTab(tab.name, True, tab.rows[:start + 1])).baselines
    assert {k: baselines[k] for k in first} == first  # a baseline is never rewritten

