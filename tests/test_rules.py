"""The flags of CONTRACT section 2, on dataclass literals, at their boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sheetsync.core.rules import assess
from sheetsync.model import Assessment, Flag, Milestone, Owner, Project, Settings, Status

D = date(2026, 11, 27)  # the as-of date
F = Flag


def day(offset: int) -> date:
    return D + timedelta(days=offset)


def ms(id: str = "M1", *, row: int = 2, due: date | None = None, **fields) -> Milestone:
    return Milestone(id=id, row=row, title=f"Milestone {id}", due=due, **fields)


def run(*milestones: Milestone, as_of: date = D, soon: int = 7,
        window: int = 5) -> dict[str, Assessment]:
    numbered = [replace(m, row=i + 2) for i, m in enumerate(milestones)]  # sheet order
    project = Project("acme.xlsx", Settings("Acme", due_soon_days=soon,
                                            confirm_within_days=window),
                      milestones=tuple(numbered))
    return {a.milestone.id: a for a in assess(project, as_of)}


def flags(m: Milestone, **kw) -> tuple[Flag, ...]:
    return run(m, **kw)[m.id].flags


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("status", [Status.NOT_STARTED, Status.IN_PROGRESS])
def test_team_milestone_past_its_due_is_overdue_by_the_days_past(status: Status) -> None:
    a = run(ms(due=day(-7), status=status))["M1"]
    assert a.flags == (F.OVERDUE,)
    assert a.days_overdue == 7


def test_the_due_day_itself_is_not_overdue_but_due_soon() -> None:
    a = run(ms(due=D))["M1"]
    assert a.flags == (F.DUE_SOON,)
    assert (a.days_overdue, a.days_to_due) == (0, 0)


def test_the_day_after_due_is_overdue_by_one_day() -> None:
    a = run(ms(due=day(-1)))["M1"]
    assert (a.flags, a.days_overdue) == ((F.OVERDUE,), 1)


def test_client_owned_milestone_past_due_is_client_overdue() -> None:
    a = run(ms(due=day(-3), owner=Owner.CLIENT))["M1"]
    assert (a.flags, a.days_overdue) == ((F.CLIENT_OVERDUE,), 3)


@pytest.mark.parametrize("offset, expected", [
    (0, (F.DUE_SOON,)), (1, (F.DUE_SOON,)), (7, (F.DUE_SOON,)), (8, ()), (30, ()),
])
def test_due_soon_from_the_as_of_day_to_n_days_after(offset: int, expected) -> None:
    assert flags(ms(due=day(offset))) == expected


@pytest.mark.parametrize("soon, offset, expected", [
    (3, 3, (F.DUE_SOON,)), (3, 4, ()), (0, 0, (F.DUE_SOON,)), (0, 1, ()),
])
def test_due_soon_window_follows_the_project_setting(soon, offset, expected) -> None:
    assert flags(ms(due=day(offset)), soon=soon) == expected


def test_client_owned_items_due_soon_are_due_soon_too() -> None:
    assert flags(ms(due=day(2), owner=Owner.CLIENT)) == (F.DUE_SOON,)


# --------------------------------------------------------------------------- blocked


@pytest.mark.parametrize("offset, expected", [
    (-2, (F.BLOCKED, F.OVERDUE)), (3, (F.BLOCKED, F.DUE_SOON)), (40, (F.BLOCKED,)),
])
def test_blocked_sits_beside_any_date_flag(offset: int, expected) -> None:
    assert flags(ms(due=day(offset), status=Status.BLOCKED)) == expected


def test_blocked_client_item_past_due_is_client_overdue_and_blocked() -> None:
    assert flags(ms(due=day(-1), status=Status.BLOCKED, owner=Owner.CLIENT)) == (
        F.BLOCKED, F.CLIENT_OVERDUE)


# --------------------------------------------------------------------------- done, confirmation


def done(done_on: date | None, confirmed: bool | None = None, **kw) -> Milestone:
    return ms(due=day(-30), status=Status.DONE, done_on=done_on, client_confirmed=confirmed,
              **kw)


def test_done_awaiting_confirmation_within_the_window() -> None:
    assert flags(done(day(-1))) == (F.AWAITING_CONFIRMATION,)


def test_awaiting_confirmation_on_the_last_day_of_the_window() -> None:
    a = run(done(day(-5)))["M1"]  # Done on + 5 == D
    assert a.flags == (F.AWAITING_CONFIRMATION,)
    assert a.days_overdue == 0


def test_unconfirmed_the_day_after_the_window() -> None:
    a = run(done(day(-6)))["M1"]  # Done on + 5 == D - 1
    assert a.flags == (F.UNCONFIRMED,)
    assert a.days_unconfirmed == 1
    assert a.days_overdue == 0


def test_the_confirmation_window_follows_the_project_setting() -> None:
    assert flags(done(day(-2)), window=2) == (F.AWAITING_CONFIRMATION,)
    assert flags(done(day(-3)), window=2) == (F.UNCONFIRMED,)
    assert flags(done(D), window=0) == (F.AWAITING_CONFIRMATION,)
    assert flags(done(day(-1)), window=0) == (F.UNCONFIRMED,)


def test_done_with_blank_done_on_is_awaiting_confirmation() -> None:
    assert flags(done(None)) == (F.AWAITING_CONFIRMATION,)


def test_client_said_no_is_still_not_confirmed() -> None:
    assert flags(done(day(-1), confirmed=False)) == (F.AWAITING_CONFIRMATION,)
    assert flags(done(day(-20), confirmed=False)) == (F.UNCONFIRMED,)


def test_done_and_confirmed_gets_no_flags_even_long_past_due() -> None:
    assert flags(done(day(-20), confirmed=True)) == ()
    assert flags(done(None, confirmed=True)) == ()


def test_done_client_owned_items_need_no_confirmation() -> None:
    assert flags(done(day(-20), owner=Owner.CLIENT)) == ()


def test_done_is_never_overdue_or_due_soon() -> None:
    assert flags(ms(due=day(-3), status=Status.DONE, done_on=day(-1))) == (
        F.AWAITING_CONFIRMATION,)
    assert flags(ms(due=day(2), status=Status.DONE, client_confirmed=True)) == ()


# --------------------------------------------------------------------------- cancelled


@pytest.mark.parametrize("offset", [-10, 0, 3])
def test_cancelled_rows_get_no_flags(offset: int) -> None:
    assert flags(ms(due=day(offset), status=Status.CANCELLED)) == ()


def test_cancelled_row_with_unreadable_due_gets_no_flags() -> None:
    assert flags(ms(status=Status.CANCELLED, unreadable=frozenset({"due"}))) == ()


# --------------------------------------------------------------------------- at risk


def test_at_risk_when_a_direct_dependency_is_overdue() -> None:
    out = run(ms("M1", due=day(-2)), ms("M2", due=day(20), depends_on=("M1",)))
    assert out["M2"].flags == (F.AT_RISK,)
    assert out["M2"].late_upstream == ("M1",)


def test_at_risk_is_transitive_through_two_levels() -> None:
    out = run(ms("M1", due=day(-2)),
              ms("M2", due=day(20), depends_on=("M1",)),
              ms("M3", due=day(40), depends_on=("M2",)),
              ms("M4", due=day(60), depends_on=("M3",)))
    assert [out[k].flags for k in ("M1", "M2", "M3", "M4")] == [
        (F.OVERDUE,), (F.AT_RISK,), (F.AT_RISK,), (F.AT_RISK,)]
    assert out["M4"].late_upstream == ("M1",)


def test_at_risk_does_not_depend_on_sheet_order() -> None:
    out = run(ms("M3", due=day(40), depends_on=("M2",)),
              ms("M2", due=day(20), depends_on=("M1",)),
              ms("M1", due=day(-2)))
    assert out["M3"].flags == (F.AT_RISK,)


def test_a_client_overdue_dependency_puts_dependants_at_risk() -> None:
    out = run(ms("C1", due=day(-1), owner=Owner.CLIENT),
              ms("M2", due=day(3), depends_on=("C1",)))
    assert out["M2"].flags == (F.AT_RISK, F.DUE_SOON)


def test_an_overdue_milestone_can_itself_be_at_risk() -> None:
    out = run(ms("M1", due=day(-5)), ms("M2", due=day(-1), depends_on=("M1",)))
    assert out["M2"].flags == (F.AT_RISK, F.OVERDUE)
    assert out["M2"].days_overdue == 1


@pytest.mark.parametrize("status", [Status.DONE, Status.CANCELLED])
def test_at_risk_is_not_on_done_or_cancelled_rows(status: Status) -> None:
    out = run(ms("M1", due=day(-2)),
              ms("M2", due=day(20), depends_on=("M1",), status=status, client_confirmed=True))
    assert F.AT_RISK not in out["M2"].flags


@pytest.mark.parametrize("upstream", [
    ms("M1", due=day(2)),  # due soon is not late
    ms("M1", due=day(-2), status=Status.DONE, client_confirmed=True),
    ms("M1", due=day(-2), status=Status.CANCELLED),
    ms("M1", due=day(-40), status=Status.DONE, done_on=day(-30)),  # unconfirmed is not late
    ms("M1", unreadable=frozenset({"due"})),
])
def test_only_overdue_dependencies_put_dependants_at_risk(upstream: Milestone) -> None:
    out = run(upstream, ms("M2", due=day(20), depends_on=("M1",)))
    assert out["M2"].flags == ()


def test_a_done_link_in_the_chain_still_passes_the_risk_on() -> None:
    # M3 waits on M2 (done), which waited on M1 (late): M1 is still upstream of M3.
    out = run(ms("M1", due=day(-2)),
              ms("M2", due=day(-1), status=Status.DONE, client_confirmed=True,
                 depends_on=("M1",)),
              ms("M3", due=day(20), depends_on=("M2",)))
    assert out["M3"].flags == (F.AT_RISK,)


def test_unknown_dependency_ids_are_ignored_by_the_rules() -> None:
    out = run(ms("M2", due=day(20), depends_on=("M9",)))
    assert out["M2"].flags == ()


def test_at_risk_reaches_past_a_dependency_cycle() -> None:
    # D waits on C; C and B wait on each other; B also waits on A, which waits on late X.
    out = run(ms("D", due=day(50), depends_on=("C",)),
              ms("C", due=day(40), depends_on=("B",)),
              ms("B", due=day(30), depends_on=("C", "A")),
              ms("A", due=day(20), depends_on=("X",)),
              ms("X", due=day(-1)))
    assert F.AT_RISK in out["A"].flags
    assert F.AT_RISK in out["B"].flags
    assert F.AT_RISK in out["C"].flags
    assert out["D"].flags == (F.AT_RISK,)
    assert out["D"].late_upstream == ("X",)


def test_at_risk_names_at_most_three_late_ids_nearest_first() -> None:
    late = [ms(f"L{i}", due=day(-i)) for i in range(1, 6)]
    out = run(*late, ms("M", due=day(30), depends_on=tuple(m.id for m in late)))
    assert out["M"].flags == (F.AT_RISK,)
    assert out["M"].late_upstream == ("L1", "L2", "L3")


def test_a_long_chain_is_judged_without_recursion() -> None:
    chain = [ms("M0", due=day(-1))] + [ms(f"M{i}", due=day(100), depends_on=(f"M{i - 1}",))
                                       for i in range(1, 5000)]
    out = run(*chain)
    assert out["M4999"].flags == (F.AT_RISK,)


# --------------------------------------------------------------------------- invalid


def test_an_unreadable_due_is_invalid_and_gets_no_date_flag() -> None:
    a = run(ms(unreadable=frozenset({"due"})))["M1"]
    assert (a.flags, a.days_overdue) == ((F.INVALID,), 0)


def test_an_unreadable_status_is_invalid_only() -> None:
    assert flags(ms(due=day(-3), unreadable=frozenset({"status"}))) == (F.INVALID,)


def test_an_unreadable_owner_cannot_say_whose_overdue_it_is() -> None:
    assert flags(ms(due=day(-3), unreadable=frozenset({"owner"}))) == (F.INVALID,)
    assert flags(ms(due=day(3), unreadable=frozenset({"owner"}))) == (F.DUE_SOON, F.INVALID)


def test_an_unreadable_done_on_cannot_say_whether_the_window_passed() -> None:
    m = ms(due=day(-9), status=Status.DONE, unreadable=frozenset({"done_on"}))
    assert flags(m) == (F.INVALID,)


def test_an_unreadable_cell_the_rules_do_not_need_is_not_invalid() -> None:
    assert flags(ms(due=day(30), unreadable=frozenset({"start", "confirmed_on"}))) == ()


def test_a_bad_dependency_is_invalid_beside_its_date_flag() -> None:
    assert flags(ms(due=day(-1), unreadable=frozenset({"depends_on"}))) == (F.INVALID, F.OVERDUE)


def test_a_duplicate_id_row_is_invalid_and_the_first_is_judged() -> None:
    m1 = ms("M1", row=2, due=day(-1))
    again = ms("M1", row=3, due=day(30))
    out = assess(Project("x", Settings("x"), milestones=(m1, again)), D)
    assert [a.flags for a in out] == [(F.OVERDUE,), (F.INVALID,)]


# --------------------------------------------------------------------------- shape


def test_one_assessment_per_row_in_sheet_order() -> None:
    rows = tuple(ms(f"M{i}", row=i + 1, due=day(i)) for i in range(9, 0, -1))
    out = assess(Project("x", Settings("x"), milestones=rows), D)
    assert [a.milestone.row for a in out] == [m.row for m in rows]


def test_flags_are_sorted() -> None:
    out = run(ms("M1", due=day(-2)),
              ms("M2", due=day(-1), status=Status.BLOCKED, depends_on=("M1", "M9"),
                 unreadable=frozenset({"depends_on"})))
    assert out["M2"].flags == (F.AT_RISK, F.BLOCKED, F.INVALID, F.OVERDUE)
    assert list(out["M2"].flags) == sorted(out["M2"].flags)


def test_days_overdue_is_zero_without_a_late_flag() -> None:
    assert run(ms(due=day(3)))["M1"].days_overdue == 0
    assert run(done(day(-30)))["M1"].days_overdue == 0
    assert run(ms(due=day(-3), status=Status.CANCELLED))["M1"].days_overdue == 0


def test_an_unreadable_client_confirmed_cannot_say_whether_confirmation_is_due() -> None:
    m = done(day(-20), unreadable=frozenset({"client_confirmed"}))
    assert flags(m) == (F.INVALID,)
