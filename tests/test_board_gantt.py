"""The Board and Timeline tabs as content (core/board.py, core/gantt.py), on literals."""

from __future__ import annotations

from datetime import date

from sheetsync.core import board, gantt
from sheetsync.model import Assessment, CellStyle, Flag, Milestone, OwnedTab, Owner, Status

AS_OF = date(2026, 11, 27)  # a Friday; its Monday is 23 Nov


def a(ident: str, row: int, *flags: Flag, **kw: object) -> Assessment:
    return Assessment(Milestone(ident, row, f"Title {ident}", **kw), tuple(flags))  # type: ignore[arg-type]


ITEMS = (
    a("M1", 2, status=Status.DONE, due=date(2026, 11, 2), done_on=date(2026, 11, 3),
      client_confirmed=True),
    a("M2", 3, Flag.UNCONFIRMED, status=Status.DONE, due=date(2026, 11, 10),
      done_on=date(2026, 11, 12)),
    a("M3", 4, Flag.CLIENT_OVERDUE, owner=Owner.CLIENT, status=Status.IN_PROGRESS,
      due=date(2026, 11, 20)),
    a("M4", 5, Flag.OVERDUE, status=Status.IN_PROGRESS, due=date(2026, 11, 24)),
    a("M5", 6, status=Status.IN_PROGRESS, due=date(2026, 12, 20)),
    a("M6", 7, Flag.DUE_SOON, status=Status.IN_PROGRESS, due=date(2026, 12, 1)),
    a("M7", 8, Flag.BLOCKED, Flag.DUE_SOON, status=Status.BLOCKED, due=date(2026, 12, 4)),
    a("M8", 9, due=date(2026, 12, 18)),
    a("M9", 10, status=Status.CANCELLED, due=date(2026, 12, 1)),
)


def test_each_state_is_a_column_and_flagged_cards_come_first() -> None:
    cards = board.board(ITEMS)
    ids = {key: [c.id for c in column] for key, column in cards.items()}
    assert ids == {"not_started": ["M8"], "in_progress": ["M4", "M6", "M5"],
                   "waiting": ["M3", "M2"], "blocked": ["M7"], "done": ["M1"]}


def test_the_tab_has_counts_texts_and_flag_colours_in_english_and_chinese() -> None:
    t = board.tab(ITEMS, AS_OF, "en", None, "Board")
    assert t.rows[0][:5] == ("Not started (1)", "In progress (3)", "Waiting on client (2)",
                             "Blocked (1)", "Done (1)")
    assert t.rows[1][:5] == ("M8 Title M8 · due 18 Dec", "M4 Title M4 · due 24 Nov",
                             "M3 Title M3 · due 20 Nov", "M7 Title M7 · due 4 Dec",
                             "M1 Title M1 · done 3 Nov")
    styles = {(r, c): s for r, c, s in t.styles}
    assert styles[(2, 2)] == CellStyle("F4C7C3", "A50E0E")  # M4 late: the Milestones red
    assert (2, 1) not in styles  # M8 has no flag: no colour
    assert styles[(3, 3)].fill == "CFE2F3"  # M2 unconfirmed: waiting for the client
    zh = board.tab(ITEMS, AS_OF, "zh", None, "看板")
    assert zh.rows[0][2] == "等待客户（2）" and zh.rows[1][0] == "M8 Title M8 · 12月18日截止"


def test_a_rewrite_blanks_what_the_old_board_held_beyond_the_new() -> None:
    old = OwnedTab("Board", True, tuple(("x",) * 7 for _ in range(30)))
    t = board.tab(ITEMS, AS_OF, "en", old, "Board")
    assert (t.old_height, t.old_width, t.append) == (30, 7, False)


def test_timeline_has_a_row_a_milestone_a_column_a_week_and_the_baseline_beside() -> None:
    t = gantt.tab(ITEMS, {"M4": date(2026, 11, 10)}, AS_OF, "en", None, "Timeline")
    head = t.rows[0]
    assert head[:9] == ("ID", "Milestone", "Owner", "Status", "Start", "Baseline due", "Due",
                        "Slip (days)", "Depends on")
    assert head[9] == "19 Oct"  # M1's bar: 14 days before its Done on (3 Nov), a Monday week
    ids = [r[0] for r in t.rows[1:-2]]
    assert ids == ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"]  # M9 cancelled
    m4 = t.rows[4]
    assert m4[5] == "2026-11-10" and m4[6] == "2026-11-24" and m4[7] == "17"
    week_of = {w: i for i, w in enumerate(head[9:], start=10)}
    assert m4[week_of["9 Nov"] - 1] == "◆"
    styles = {(r, c): s for r, c, s in t.styles}
    assert styles[(5, week_of["23 Nov"])].fill == "D64545"  # late, this week
    this_week = week_of["23 Nov"]
    assert styles[(1, this_week)].fill == "DBE7FB"
    assert styles[(9, this_week)].fill == "DBE7FB"  # M8 has no bar this week: shaded
    assert t.rows[-1][0].startswith("◆ baseline due")
