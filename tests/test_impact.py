"""impact.py: the forward projection behind "Build and Go-live move by 6 days"."""

from __future__ import annotations

import time
from datetime import date, timedelta

from sheetsync.core import impact
from sheetsync.model import Milestone, Owner, Project, Settings, Status

AS_OF = date(2026, 11, 26)  # a Thursday


def day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


def ms(mid: str, due: date | None, *deps: str, row: int = 2, **fields: object) -> Milestone:
    fields.update(due=due, depends_on=deps)
    return Milestone(mid, row, f"Title {mid}", **fields)  # type: ignore[arg-type]


def project(*milestones: Milestone) -> Project:
    return Project("test.xlsx", Settings(name="Test"), milestones)


def chain() -> Project:
    """Client copy 6 days late, then Build and Go-live that wait on it, one after the other."""
    return project(
        ms("C", day(-6), owner=Owner.CLIENT, status=Status.IN_PROGRESS),
        ms("B", day(10), "C"),
        ms("G", day(20), "B"),
    )


# --------------------------------------------------------------------------- project_dates


def test_a_chain_of_three_moves_by_the_lateness_of_its_first_link() -> None:
    p = impact.project_dates(chain(), AS_OF)

    assert p["C"] == impact.Projection("C", day(-6), AS_OF, 6)
    assert p["B"] == impact.Projection("B", day(10), day(16), 6)
    assert p["G"] == impact.Projection("G", day(20), day(26), 6)
    assert impact.slips(chain(), AS_OF) == {"C": 6, "B": 6, "G": 6}


def test_an_overdue_item_is_assumed_done_on_the_as_of_date_at_the_earliest() -> None:
    for late in (1, 6, 40):
        p = impact.project_dates(project(ms("A", day(-late))), AS_OF)["A"]
        assert (p.projected_due, p.slip_days) == (AS_OF, late)


def test_the_due_day_itself_is_not_late_and_future_work_keeps_its_date() -> None:
    p = impact.project_dates(project(ms("A", AS_OF), ms("B", day(5), "A")), AS_OF)
    assert (p["A"].projected_due, p["A"].slip_days) == (AS_OF, 0)
    assert (p["B"].projected_due, p["B"].slip_days) == (day(5), 0)
    assert impact.slips(project(ms("A", AS_OF)), AS_OF) == {}


def test_a_milestone_slips_as_far_as_the_worst_of_what_it_waits_on_or_its_own() -> None:
    p = impact.project_dates(project(ms("A", day(-3)), ms("B", day(-8)),
                                     ms("C", day(4), "A", "B"), ms("D", day(-10), "C")), AS_OF)
    assert p["C"].slip_days == 8
    assert p["C"].projected_due == day(12)
    assert p["D"].slip_days == 10  # its own lateness is the larger


def test_a_done_dependency_passes_no_slip() -> None:
    done_late = ms("A", day(-9), status=Status.DONE, done_on=day(-1))
    p = impact.project_dates(project(done_late, ms("B", day(5), "A")), AS_OF)
    assert p["A"] == impact.Projection("A", day(-9), day(-9), 0)
    assert p["B"].slip_days == 0

    # nor does a Done link in the middle of a chain carry the slip from before it
    p = impact.project_dates(project(ms("A", day(-5)), ms("B", day(-2), "A", status=Status.DONE),
                                     ms("C", day(5), "B")), AS_OF)
    assert (p["A"].slip_days, p["B"].slip_days, p["C"].slip_days) == (5, 0, 0)


def test_cancelled_and_undated_milestones_neither_slip_nor_pass_a_slip_on() -> None:
    p = impact.project_dates(project(
        ms("A", day(-5)), ms("X", day(-4), "A", status=Status.CANCELLED), ms("Y", None, "A"),
        ms("B", day(3), "X"), ms("C", day(3), "Y")), AS_OF)
    assert p["X"].slip_days == 0 and p["X"].projected_due == day(-4)
    assert p["Y"] == impact.Projection("Y", None, None, 0)
    assert p["B"].slip_days == p["C"].slip_days == 0


def test_cycles_do_not_loop_and_what_lies_past_them_still_moves() -> None:
    p = project(ms("A", day(-4)), ms("B", day(2), "A", "C"), ms("C", day(3), "B"),
                ms("D", day(6), "C"), ms("S", day(-1), "S"))
    started = time.monotonic()
    got = impact.project_dates(p, AS_OF)
    assert time.monotonic() - started < 1
    assert {k: v.slip_days for k, v in got.items()} == {"A": 4, "B": 4, "C": 4, "D": 4, "S": 1}
    assert impact.moved_by(p, AS_OF, "B") == {}  # on time: moves nothing, cycle or not
    assert impact.moved_by(p, AS_OF, "A") == {"B": 4, "C": 4, "D": 4}


def test_a_due_at_the_end_of_the_calendar_does_not_crash() -> None:
    p = impact.project_dates(project(ms("A", day(-2)), ms("B", date.max, "A")), AS_OF)
    assert p["B"].projected_due == date.max
    assert p["B"].slip_days == 2


def test_a_duplicated_id_is_projected_from_its_first_row() -> None:
    p = impact.project_dates(project(ms("A", day(-3)), ms("A", day(30), row=3)), AS_OF)
    assert p["A"].due == day(-3) and p["A"].slip_days == 3


def test_a_long_chain_is_fine() -> None:
    rows = [ms("M0", day(-7))] + [ms(f"M{i}", day(i), f"M{i - 1}", row=i + 2)
                                  for i in range(1, 5000)]
    got = impact.project_dates(project(*rows), AS_OF)
    assert got["M4999"].slip_days == 7


# --------------------------------------------------------------------------- moved_by


def test_moved_by_names_what_waits_on_the_item_nearest_first_with_its_days() -> None:
    assert impact.moved_by(chain(), AS_OF, "C") == {"B": 6, "G": 6}
    assert list(impact.moved_by(chain(), AS_OF, "C")) == ["B", "G"]


def test_moved_by_counts_only_the_items_own_lateness() -> None:
    """Our own 10-day-late build is not blamed on the client's 2-day-late copy."""
    p = project(ms("COPY", day(-2), owner=Owner.CLIENT), ms("BUILD", day(-10)),
                ms("ENTRY", day(5), "COPY", "BUILD"), ms("LIVE", day(9), "ENTRY"))
    assert impact.slips(p, AS_OF)["ENTRY"] == 10
    assert impact.moved_by(p, AS_OF, "COPY") == {"ENTRY": 2, "LIVE": 2}
    assert impact.moved_by(p, AS_OF, "BUILD") == {"ENTRY": 10, "LIVE": 10}


def test_moved_by_is_empty_for_on_time_closed_or_unknown_items() -> None:
    done = project(ms("A", day(-5), status=Status.DONE, done_on=day(-6)), ms("B", day(3), "A"))
    assert impact.moved_by(done, AS_OF, "A") == {}
    assert impact.moved_by(chain(), AS_OF, "B") == {}
    assert impact.moved_by(chain(), AS_OF, "NOPE") == {}
