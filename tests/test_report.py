"""report.py: what each section of the weekly report holds, and where its edges are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sheetsync.core import rules
from sheetsync.core.report import (
    Ask,
    EntryKind,
    Reason,
    Report,
    State,
    build_report,
    state_of,
)
from sheetsync.core.report_facts import Ref
from sheetsync.core.timeline import TIMELINE_WEEKS, BarStatus
from sheetsync.model import (
    Assessment,
    Change,
    ChangeStatus,
    Flag,
    Milestone,
    Owner,
    Project,
    Settings,
    Status,
    Update,
    UpdateType,
)

AS_OF = date(2026, 11, 27)  # a Friday; the week is Sat 21 Nov .. Fri 27 Nov
FIRST_DAY = AS_OF - timedelta(days=6)


def day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


def project(*milestones: Milestone, updates: tuple[Update, ...] = (),
            changes: tuple[Change, ...] = (), **settings: object) -> Project:
    return Project("test.xlsx", Settings(name="Test project", **settings),  # type: ignore[arg-type]
                   milestones, updates, changes)


def report_of(p: Project, impact: dict[str, int] | None = None) -> Report:
    return build_report(p, rules.assess(p, AS_OF), AS_OF, impact)


def ms(mid: str, row: int = 2, **fields: object) -> Milestone:
    fields.setdefault("due", day(30))
    return Milestone(mid, row, f"Title {mid}", **fields)  # type: ignore[arg-type]


def upd(offset: int, kind: UpdateType, text: str, **fields: object) -> Update:
    return Update(fields.pop("row", 2), day(offset), kind, text, **fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the week


def test_the_week_is_the_seven_days_ending_on_as_of() -> None:
    r = report_of(project(ms("M1")))
    assert r.week_start == FIRST_DAY == date(2026, 11, 21)
    assert r.as_of == AS_OF


def test_done_updates_of_the_week_only_first_and_last_day_included() -> None:
    updates = (upd(-7, UpdateType.DONE, "too early"), upd(-6, UpdateType.DONE, "first day"),
               upd(0, UpdateType.DONE, "last day"), upd(1, UpdateType.DONE, "tomorrow"),
               upd(-3, UpdateType.PROBLEM, "a problem"))
    r = report_of(project(ms("M1"), updates=updates))
    texts = [e.text for e in r.completed if e.kind is EntryKind.UPDATE]
    assert texts == ["first day", "last day"]


def test_milestones_done_in_the_week_by_done_on() -> None:
    r = report_of(project(
        ms("IN1", 2, status=Status.DONE, done_on=day(-6)),
        ms("IN2", 3, status=Status.DONE, done_on=day(0), client_confirmed=True),
        ms("OUT1", 4, status=Status.DONE, done_on=day(-7)),
        ms("OUT2", 5, status=Status.IN_PROGRESS, done_on=day(-2)),  # not Done: not completed
        ms("OUT3", 6, status=Status.DONE),  # no Done on: cannot be placed in a week
    ))
    done = [e for e in r.completed if e.kind is EntryKind.DONE]
    assert [e.milestone for e in done] == [Ref("IN1", "Title IN1"), Ref("IN2", "Title IN2")]
    assert [e.on for e in done] == [day(-6), day(0)]
    assert [e.confirmed for e in done] == [None, True]
    assert r.summary.counts.completed_this_week == 2


def test_update_refers_to_its_milestone_by_id_and_title() -> None:
    r = report_of(project(ms("M1"), updates=(upd(-1, UpdateType.DONE, "x", milestone="M1"),
                                             upd(-1, UpdateType.DONE, "y", milestone="M9"))))
    assert [e.milestone for e in r.completed] == [Ref("M1", "Title M1"), Ref("M9", "")]


def test_internal_updates_appear_nowhere() -> None:
    marker = "SECRET-INTERNAL-MARKER"
    updates = tuple(upd(-1, kind, f"{marker} {kind}", row=i, internal=True)
                    for i, kind in enumerate(UpdateType, start=2))
    r = report_of(project(ms("M1"), updates=updates))
    assert marker not in repr(r)
    assert not r.completed and not r.summary.notes
    assert all(e.kind is not EntryKind.UPDATE for e in r.problems + r.next_steps)


def test_note_updates_of_the_week_go_in_the_summary() -> None:
    r = report_of(project(ms("M1"), updates=(upd(-2, UpdateType.NOTE, "office closed"),
                                             upd(-9, UpdateType.NOTE, "old note"))))
    assert [e.text for e in r.summary.notes] == ["office closed"]


# --------------------------------------------------------------------------- problems


def test_problems_updates_then_late_most_days_first_then_blocked_then_at_risk() -> None:
    r = report_of(project(
        ms("A", 2, due=day(-2)),
        ms("B", 3, due=day(-9), owner=Owner.CLIENT),
        ms("C", 4, status=Status.BLOCKED, due=day(20)),
        ms("D", 5, depends_on=("A",)),
        ms("E", 6, depends_on=("D",)),
        ms("F", 7, due=day(-1), status=Status.BLOCKED),
        updates=(upd(-1, UpdateType.PROBLEM, "vendor is slow"),),
    ))
    kinds = [(e.kind, e.milestone.id if e.milestone else None, e.days) for e in r.problems]
    assert kinds == [
        (EntryKind.UPDATE, None, 0),
        (EntryKind.CLIENT_OVERDUE, "B", 9),
        (EntryKind.OVERDUE, "A", 2),
        (EntryKind.OVERDUE, "F", 1),
        (EntryKind.BLOCKED, "C", 0),
        (EntryKind.AT_RISK, "D", 0),
    ]
    late_and_blocked = r.problems[3]
    assert late_and_blocked.blocked and late_and_blocked.on == day(-1)
    at_risk = r.problems[-1]
    assert at_risk.group == (Ref("D", "Title D"), Ref("E", "Title E"))
    assert at_risk.waits_on == (Ref("A", "Title A"),)


def test_the_due_day_itself_is_not_a_problem() -> None:
    r = report_of(project(ms("M1", due=AS_OF)))
    assert r.problems == ()


# --------------------------------------------------------------------------- next steps


def test_next_steps_due_within_fourteen_days_not_fifteen() -> None:
    r = report_of(project(
        ms("TODAY", 2, due=day(0)),
        ms("D14", 3, due=day(14)),
        ms("D15", 4, due=day(15)),
        ms("LATE", 5, due=day(-1)),
        ms("DONE", 6, due=day(3), status=Status.DONE, done_on=day(-1)),
        ms("GONE", 7, due=day(3), status=Status.CANCELLED),
        ms("CLIENT", 8, due=day(2), owner=Owner.CLIENT),
        updates=(upd(0, UpdateType.NEXT, "start build"), upd(-7, UpdateType.NEXT, "old")),
    ))
    items = [(e.kind, e.milestone.id if e.milestone else e.text, e.days) for e in r.next_steps]
    assert items == [(EntryKind.UPDATE, "start build", 0), (EntryKind.DUE, "TODAY", 0),
                     (EntryKind.DUE, "CLIENT", 2), (EntryKind.DUE, "D14", 14)]
    assert [e.client for e in r.next_steps[1:]] == [False, True, False]
    assert r.summary.counts.due_next_two_weeks == 3


# --------------------------------------------------------------------------- waiting on you


def test_client_overdue_item_names_its_two_step_downstream_chain() -> None:
    r = report_of(project(
        ms("C1", 2, owner=Owner.CLIENT, due=day(-4)),
        ms("M2", 3, depends_on=("C1",)),
        ms("M3", 4, depends_on=("M2",)),
        ms("M4", 5, depends_on=("M3",), status=Status.DONE, done_on=day(-30),
           client_confirmed=True),  # finished work is not held up
    ), impact={"C1": 6})
    (item,) = r.waiting
    assert item.ask is Ask.CLIENT_OVERDUE
    assert item.milestone == Ref("C1", "Title C1")
    assert item.days == 4 and item.due == day(-4)
    assert item.holds_up == (Ref("M2", "Title M2"), Ref("M3", "Title M3"))
    assert item.slip_days == 6


def test_client_due_soon_uses_the_projects_window() -> None:
    r = report_of(project(
        ms("SOON", 2, owner=Owner.CLIENT, due=day(3)),
        ms("LATER", 3, owner=Owner.CLIENT, due=day(4)),
        ms("TEAM", 4, due=day(1)),  # the team's own due-soon work is not the client's
        due_soon_days=3,
    ))
    assert [(w.ask, w.milestone.id if w.milestone else "", w.days) for w in r.waiting] == [
        (Ask.CLIENT_DUE_SOON, "SOON", 3)]
    assert r.waiting[0].slip_days is None


def test_confirmations_awaiting_and_past_the_window() -> None:
    r = report_of(project(
        ms("NEW", 2, status=Status.DONE, done_on=day(-2)),
        ms("OLD", 3, status=Status.DONE, done_on=day(-9)),
        ms("OK", 4, status=Status.DONE, done_on=day(-9), client_confirmed=True),
        ms("NEXT", 5, depends_on=("OLD",)),
        confirm_within_days=5,
    ))
    asks = [(w.ask, w.milestone.id if w.milestone else "", w.due, w.days, w.on)
            for w in r.waiting]
    assert asks == [(Ask.UNCONFIRMED, "OLD", day(-4), 4, day(-9)),
                    (Ask.CONFIRM, "NEW", day(3), 0, day(-2))]
    assert r.waiting[0].holds_up == (Ref("NEXT", "Title NEXT"),)


def test_change_requests_that_await_the_clients_word() -> None:
    changes = (
        Change("CR1", 2, milestone="M2", old_due=day(10), new_due=day(17),
               status=ChangeStatus.PROPOSED),
        Change("CR2", 3, status=ChangeStatus.APPROVED),
        Change("CR3", 4, status=ChangeStatus.APPROVED, client_approved=True),
        Change("CR4", 5, status=ChangeStatus.PROPOSED, client_approved=False),
        Change("CR5", 6, status=ChangeStatus.REJECTED),
    )
    r = report_of(project(ms("M2", 2, due=day(10)), ms("M3", 3, depends_on=("M2",)),
                          changes=changes))
    waiting = [w for w in r.waiting if w.ask is Ask.APPROVE_CHANGE]
    assert [w.change.id for w in waiting if w.change] == ["CR1", "CR2"]
    first, second = waiting
    assert first.change is not None and not first.change.staff_approved
    assert (first.change.old_due, first.change.new_due) == (day(10), day(17))
    assert first.holds_up == (Ref("M2", "Title M2"), Ref("M3", "Title M3"))
    assert second.change is not None and second.change.staff_approved
    assert second.holds_up == () and second.milestone is None


def test_waiting_items_are_ordered_by_how_pressing_they_are() -> None:
    r = report_of(project(
        ms("CONF", 2, status=Status.DONE, done_on=day(-1)),
        ms("SOON", 3, owner=Owner.CLIENT, due=day(2)),
        ms("LATE1", 4, owner=Owner.CLIENT, due=day(-1)),
        ms("LATE5", 5, owner=Owner.CLIENT, due=day(-5)),
        ms("UNCONF", 6, status=Status.DONE, done_on=day(-20)),
        changes=(Change("CR1", 2),),
    ))
    assert [w.ask for w in r.waiting] == [Ask.CLIENT_OVERDUE, Ask.CLIENT_OVERDUE,
                                          Ask.UNCONFIRMED, Ask.APPROVE_CHANGE,
                                          Ask.CLIENT_DUE_SOON, Ask.CONFIRM]
    assert [w.milestone.id for w in r.waiting[:2] if w.milestone] == ["LATE5", "LATE1"]
    assert r.summary.counts.waiting_on_you == 6


# --------------------------------------------------------------------------- summary


def _a(flags: tuple[Flag, ...], status: Status = Status.IN_PROGRESS,
       owner: Owner = Owner.TEAM, mid: str = "M1") -> Assessment:
    return Assessment(Milestone(mid, 2, "t", owner=owner, status=status, due=day(3)), flags)


@pytest.mark.parametrize(("flags", "status", "owner", "state"), [
    ((), Status.IN_PROGRESS, Owner.TEAM, State.ON_TRACK),
    ((Flag.DUE_SOON,), Status.IN_PROGRESS, Owner.TEAM, State.ON_TRACK),
    ((Flag.DUE_SOON,), Status.NOT_STARTED, Owner.CLIENT, State.ON_TRACK),
    ((Flag.AWAITING_CONFIRMATION,), Status.DONE, Owner.TEAM, State.ON_TRACK),
    ((Flag.INVALID,), Status.IN_PROGRESS, Owner.TEAM, State.ON_TRACK),
    ((Flag.DUE_SOON,), Status.NOT_STARTED, Owner.TEAM, State.AT_RISK),
    ((Flag.BLOCKED,), Status.BLOCKED, Owner.TEAM, State.AT_RISK),
    ((Flag.AT_RISK,), Status.IN_PROGRESS, Owner.TEAM, State.AT_RISK),
    ((Flag.UNCONFIRMED,), Status.DONE, Owner.TEAM, State.AT_RISK),
    ((Flag.OVERDUE,), Status.IN_PROGRESS, Owner.TEAM, State.LATE),
    ((Flag.CLIENT_OVERDUE,), Status.IN_PROGRESS, Owner.CLIENT, State.LATE),
    ((Flag.BLOCKED, Flag.OVERDUE), Status.BLOCKED, Owner.TEAM, State.LATE),
])
def test_the_overall_state_rule(flags: tuple[Flag, ...], status: Status, owner: Owner,
                                state: State) -> None:
    a = _a(flags, status, owner)
    p = project(a.milestone)
    assert build_report(p, (a,), AS_OF).summary.state is state


def test_state_of_reasons() -> None:
    assert state_of([]) is State.ON_TRACK
    assert state_of([Reason.BLOCKED]) is State.AT_RISK
    assert state_of([Reason.BLOCKED, Reason.CLIENT_OVERDUE]) is State.LATE


def test_summary_counts_and_reasons() -> None:
    r = report_of(project(
        ms("A", 2, status=Status.DONE, done_on=day(-30), client_confirmed=True),
        ms("B", 3, due=day(-3)),
        ms("C", 4, status=Status.BLOCKED),
        ms("D", 5, status=Status.CANCELLED),
        ms("E", 6, depends_on=("B",)),
        ms("A", 7, due=day(-50)),  # a duplicate ID counts once, as its first row
    ))
    c = r.summary.counts
    assert (c.total, c.done, c.open, c.overdue, c.blocked) == (4, 1, 3, 1, 1)
    assert c.percent_done == 25
    assert dict(r.summary.reasons) == {Reason.OVERDUE: (Ref("B", "Title B"),),
                                       Reason.BLOCKED: (Ref("C", "Title C"),),
                                       Reason.AT_RISK: (Ref("E", "Title E"),)}
    assert r.summary.state is State.LATE


def test_an_empty_project_is_on_track_with_zero_counts() -> None:
    r = report_of(project())
    assert r.summary.state is State.ON_TRACK
    assert r.summary.counts.total == 0 and r.summary.counts.percent_done == 0
    assert r.timeline.rows == () and len(r.timeline.weeks) >= 1


# --------------------------------------------------------------------------- timeline


def test_timeline_rows_starts_ends_and_statuses() -> None:
    r = report_of(project(
        ms("S", 2, start=day(-10), due=day(4), status=Status.IN_PROGRESS),
        ms("DEP", 3, due=day(20), depends_on=("S",)),
        ms("DEF", 4, due=day(20)),
        ms("DONE", 5, start=day(-20), due=day(-1), status=Status.DONE, done_on=day(-3)),
        ms("X", 6, status=Status.CANCELLED),
        ms("NODATE", 7, due=None, unreadable=frozenset({"due"})),
        ms("CL", 8, owner=Owner.CLIENT, due=day(9)),
        ms("BACK", 9, start=day(12), due=day(8)),  # a Start after Due is drawn from Due
    ))
    rows = {row.milestone.id: row for row in r.timeline.rows}
    assert list(rows) == ["S", "DEP", "DEF", "DONE", "NODATE", "CL", "BACK"]
    assert (rows["S"].start, rows["S"].end, rows["S"].start_guessed) == (day(-10), day(4), False)
    assert (rows["DEP"].start, rows["DEP"].start_guessed) == (day(4), True)
    assert rows["DEF"].start == day(20) - timedelta(days=14)
    assert (rows["DONE"].end, rows["DONE"].status) == (day(-3), BarStatus.DONE)
    assert rows["NODATE"].start is None and not any(rows["NODATE"].cells)
    assert rows["NODATE"].weeks == 0
    assert rows["CL"].status is BarStatus.CLIENT and rows["CL"].client
    assert rows["S"].status is BarStatus.ACTIVE and rows["DEF"].status is BarStatus.PLANNED
    assert rows["BACK"].start == rows["BACK"].end == day(8)


def test_timeline_cells_cover_the_weeks_of_the_bar() -> None:
    # as_of is Fri 27 Nov: its week starts Mon 23 Nov.
    r = report_of(project(ms("A", 2, start=date(2026, 11, 18), due=date(2026, 12, 1))))
    weeks = [w.start for w in r.timeline.weeks]
    assert all(w.weekday() == 0 for w in weeks)
    assert date(2026, 11, 23) in weeks
    assert r.timeline.weeks[r.timeline.current].start == date(2026, 11, 23)
    (row,) = r.timeline.rows
    covered = [w for w, on in zip(weeks, row.cells, strict=True) if on]
    assert covered == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert row.weeks == 3 and not row.before and not row.after


def test_a_long_project_shows_at_most_ten_weeks_around_as_of() -> None:
    r = report_of(project(ms("OLD", 2, start=day(-200), due=day(-150), status=Status.DONE,
                             done_on=day(-150), client_confirmed=True),
                          ms("FAR", 3, start=day(100), due=day(200))))
    weeks = r.timeline.weeks
    assert len(weeks) == TIMELINE_WEEKS
    assert r.timeline.current == 3  # three weeks shown before the as-of week
    old, far = r.timeline.rows
    assert old.before and not any(old.cells)
    assert far.after and not any(far.cells)


def test_a_short_project_still_gets_a_calendar_of_several_weeks() -> None:
    r = report_of(project(ms("A", 2, start=day(-2), due=day(1))))
    assert 6 <= len(r.timeline.weeks) <= TIMELINE_WEEKS


def test_dates_at_the_ends_of_the_calendar_do_not_break_the_report() -> None:
    r = report_of(project(ms("MIN", 2, start=date.min, due=date.min),
                          ms("MAX", 3, due=date.max),
                          ms("DEP", 4, due=date.max, depends_on=("MIN",))))
    assert len(r.timeline.weeks) == TIMELINE_WEEKS
    assert {row.milestone.id for row in r.timeline.rows} == {"MIN", "MAX", "DEP"}
    end = ms("END", 2, due=date.max)
    last_day = build_report(project(end), (Assessment(end, (Flag.DUE_SOON,)),), date.max)
    assert last_day.timeline.weeks[-1].current
    assert [e.milestone for e in last_day.next_steps] == [Ref("END", "Title END")]


# --------------------------------------------------------------------------- changes


def test_changes_agreed_this_week_are_approved_by_both_and_dated_in_the_week() -> None:
    def agreed(cid: str, row: int, on: date | None, **fields: object) -> Change:
        return Change(cid, row, on, status=ChangeStatus.APPROVED, client_approved=True,
                      **fields)  # type: ignore[arg-type]

    changes = (
        agreed("LAST", 2, day(0), change="last day", milestone="M6", old_due=day(21),
               new_due=day(26)),
        agreed("FIRST", 3, day(-6), change="first day", milestone="M9"),
        agreed("EARLY", 4, day(-7)),
        agreed("LATER", 5, day(1)),
        agreed("UNDATED", 6, None),
        Change("STAFF", 7, day(-1), status=ChangeStatus.APPROVED),  # still waits on the client
        Change("SAID_NO", 8, day(-1), status=ChangeStatus.APPROVED, client_approved=False),
        Change("PROPOSED", 9, day(-1), client_approved=True),  # not Approved by the team
        Change("REJECTED", 10, day(-1), status=ChangeStatus.REJECTED, client_approved=True),
    )
    r = report_of(project(ms("M6", 2, due=day(26)), ms("M9", 3, depends_on=("M6",)),
                          changes=changes))
    assert [a.change.id for a in r.agreed] == ["FIRST", "LAST"]  # oldest Date first
    first, last = r.agreed
    assert first.milestone == Ref("M9", "Title M9") and first.change.change == "first day"
    assert last.milestone == Ref("M6", "Title M6")
    assert (last.change.old_due, last.change.new_due, last.change.on) == (day(21), day(26),
                                                                          day(0))
    # An agreed change asks nothing more of the client; one approved by the team alone does.
    asked = [w.change.id for w in r.waiting if w.change]
    assert asked == ["STAFF"]
    assert r.summary.counts.completed_this_week == 0  # changes are not milestones


def test_an_agreed_change_without_a_milestone_or_dates_is_still_listed() -> None:
    r = report_of(project(changes=(Change("CR9", 2, day(-2), change="Tone of voice",
                                          status=ChangeStatus.APPROVED,
                                          client_approved=True),)))
    (a,) = r.agreed
    assert a.milestone is None and (a.change.old_due, a.change.new_due) == (None, None)


def test_a_projected_slip_belongs_to_late_client_work_never_to_a_change() -> None:
    late = Milestone("C1", 2, "Content", owner=Owner.CLIENT, due=day(-4))
    soon = Milestone("C2", 3, "Logo", owner=Owner.CLIENT, due=day(2))
    build = Milestone("M2", 4, "Build", due=day(10), depends_on=("C1",))
    uat = Milestone("M3", 5, "UAT", due=day(20), depends_on=("M2",))
    assessments = (Assessment(late, (Flag.CLIENT_OVERDUE,), days_overdue=4),
                   Assessment(soon, (Flag.DUE_SOON,), days_to_due=2),
                   Assessment(build, (Flag.AT_RISK,), late_upstream=("C1",)),
                   Assessment(uat, (Flag.AT_RISK,), late_upstream=("C1",)))
    change = Change("CR1", 2, day(-1), change="Blog", milestone="M2", old_due=day(10),
                    new_due=day(15))
    p = project(late, soon, build, uat, changes=(change,))
    impact = {"C1": 4, "C2": 4, "M2": 4, "M3": 4}  # M2 inherits C1's lateness
    r = build_report(p, assessments, AS_OF, impact)
    by_ask = {w.ask: w for w in r.waiting}
    assert by_ask[Ask.CLIENT_OVERDUE].slip_days == 4
    assert by_ask[Ask.CLIENT_DUE_SOON].slip_days is None  # not late: nothing slips yet
    cr = by_ask[Ask.APPROVE_CHANGE]
    assert cr.slip_days is None  # its effect is its own Old due -> New due
    assert cr.change is not None and (cr.change.old_due, cr.change.new_due) == (day(10),
                                                                                day(15))
    assert cr.holds_up == (Ref("M2", "Build"), Ref("M3", "UAT"))


def test_a_change_agreed_this_week_is_found_by_its_decided_on_date() -> None:
    from sheetsync.core.report import agreed_in_week
    from sheetsync.model import Change, ChangeStatus

    friday = date(2026, 11, 27)
    old_request = Change("CR9", 2, date=date(2026, 10, 1), status=ChangeStatus.APPROVED,
                         client_approved=True, decided_on=date(2026, 11, 24))
    assert agreed_in_week(old_request, friday)
    assert not agreed_in_week(Change("CR8", 3, date=date(2026, 10, 1),
                                     status=ChangeStatus.APPROVED, client_approved=True), friday)
    last_week = Change("CR7", 4, date=date(2026, 11, 25), status=ChangeStatus.APPROVED,
                       client_approved=True, decided_on=date(2026, 11, 20))
    assert not agreed_in_week(last_week, friday)
