"""The History tab: only what changed, compared against the tab itself (core/history.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sheetsync.core import history
from sheetsync.model import Assessment, Flag, Milestone, OwnedTab, Owner, Status

D1, D2 = date(2026, 11, 2), date(2026, 11, 3)
HEAD = ("Date", "ID", "Field", "From", "To")
M1 = Milestone("M1", 2, "Kick-off", due=date(2026, 11, 20))
M2 = Milestone("M2", 3, "Copy", owner=Owner.CLIENT, status=Status.IN_PROGRESS,
               due=date(2026, 11, 27))


def tab(*rows: tuple[str, ...]) -> OwnedTab:
    return OwnedTab("History", True, (HEAD, *rows))


def after(entries: tuple[history.Entry, ...], old: OwnedTab | None = None) -> OwnedTab:
    """The tab once these entries are appended."""
    base = old.rows if old is not None and old.rows else (HEAD,)
    return OwnedTab("History", True, (*base, *history.rows(entries, "en")))


def test_first_sight_records_the_baseline_and_every_non_blank_field() -> None:
    found = history.changes((Assessment(M1, ()), Assessment(M2, (Flag.DUE_SOON,))),
                            history.read(None), D1, "en")
    assert history.rows(found, "en") == (
        ("2026-11-02", "M1", "Baseline due", "", "2026-11-20"),
        ("2026-11-02", "M1", "Status", "", "Not started"),
        ("2026-11-02", "M1", "Owner", "", "Team"),
        ("2026-11-02", "M2", "Baseline due", "", "2026-11-27"),
        ("2026-11-02", "M2", "Status", "", "In progress"),
        ("2026-11-02", "M2", "Owner", "", "Client"),
        ("2026-11-02", "M2", "Flag", "", "DUE_SOON"),
    )


def test_a_second_check_with_no_change_appends_nothing() -> None:
    first = history.changes((Assessment(M1, ()),), history.read(None), D1, "en")
    assert history.changes((Assessment(M1, ()),), history.read(after(first)), D2, "en") == ()


def test_a_moved_due_and_a_new_flag_are_one_row_each_and_the_baseline_stays() -> None:
    state = after(history.changes((Assessment(M1, ()),), history.read(None), D1, "en"))
    moved = replace(M1, due=date(2026, 11, 27), status=Status.DONE, done_on=date(2026, 11, 3))
    found = history.changes((Assessment(moved, (Flag.AWAITING_CONFIRMATION,)),),
                            history.read(state), D2, "en")
    assert history.rows(found, "en") == (
        ("2026-11-03", "M1", "Due", "2026-11-20", "2026-11-27"),
        ("2026-11-03", "M1", "Status", "Not started", "Done"),
        ("2026-11-03", "M1", "Done on", "", "2026-11-03"),
        ("2026-11-03", "M1", "Flag", "", "AWAITING_CONFIRMATION"),
    )
    recorded = history.read(after(found, state))
    assert recorded.baselines == {"M1": date(2026, 11, 20)}
    assert recorded.last[("M1", "due")] == "2026-11-27"


def test_an_unreadable_field_is_not_recorded_and_a_due_typed_later_becomes_the_baseline() -> None:
    bad = replace(M1, due=None, unreadable=frozenset({"due"}))
    found = history.changes((Assessment(bad, (Flag.INVALID,)),), history.read(None), D1, "en")
    assert [e.field for e in found] == ["status", "owner", "flag"]
    fixed = history.changes((Assessment(M1, ()),), history.read(after(found)), D2, "en")
    assert [(e.field, e.old, e.new) for e in fixed] == [
        ("baseline_due", "", "2026-11-20"), ("flag", "INVALID", "")]


def test_values_written_in_chinese_read_back_as_the_same_state() -> None:
    zh = history.changes((Assessment(M2, ()),), history.read(None), D1, "zh")
    assert history.rows(zh, "zh")[1] == ("2026-11-02", "M2", "状态", "", "进行中")
    zh_tab = OwnedTab("历史", True, (("日期", "编号", "字段", "原值", "新值"),
                                     *history.rows(zh, "zh")))
    assert history.changes((Assessment(M2, ()),), history.read(zh_tab), D2, "en") == ()


def test_a_duplicate_id_is_judged_on_its_first_row_only() -> None:
    dup = replace(M1, row=9, due=date(2027, 1, 1))
    found = history.changes((Assessment(M1, ()), Assessment(dup, (Flag.INVALID,))),
                            history.read(None), D1, "en")
    assert {e.new for e in found if e.field == "baseline_due"} == {"2026-11-20"}


def test_rows_staff_typed_into_the_tab_are_ignored() -> None:
    recorded = history.read(tab(("", "", "", "", "note from Sam"),
                                ("2026-11-02", "M1", "Colour", "", "red"),
                                ("2026-11-02", "M1", "Baseline due", "", "2026-11-20")))
    assert recorded.baselines == {"M1": date(2026, 11, 20)}
    assert len(recorded.entries) == 1


def test_changes_needed_is_recorded_as_the_sheet_says_it() -> None:
    done = replace(M1, status=Status.DONE, done_on=date(2026, 11, 2))
    first = after(history.changes((Assessment(done, ()),), history.read(None), D1, "en"))
    rejected = replace(done, client_confirmed=False, changes_note="")
    found = history.changes((Assessment(rejected, (Flag.CHANGES_REQUESTED,)),),
                            history.read(first), D2, "en")
    assert [(e.field, e.old, e.new) for e in found] == [
        ("client_confirmed", "", "Changes needed"), ("flag", "", "CHANGES_REQUESTED")]
    again = history.changes((Assessment(rejected, (Flag.CHANGES_REQUESTED,)),),
                            history.read(after(found, first)), D2, "en")
    assert again == ()
