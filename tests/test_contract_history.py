"""CONTRACT section 8's History and Board on a Google Sheet (the loopback emulator, unmodified
gspread), in both languages, driven by ``sheetsync check`` as a cron line would: a first
check records each milestone's ``Baseline due`` first, a check that sees no change appends
nothing and leaves the Board as it was, and staff's edits add one row a change and move
cards between the state columns, flagged first. The pure edges are in
``test_history_tab.py`` and ``test_board_gantt.py``; eight weeks in English in
``test_retro_simulation.py``."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import main
from tests.sheets_emulator import SheetsEmulator

SID = "1ContractHistory_0123456789abcdef"

WORDS = {
    "en": {
        "tabs": ("Project", "Milestones", "History", "Board"),
        "project": [["Field", "Value"], ["Project", "H"], ["Client emails", "a@c.example"],
                    ["Date order", "YMD"]],
        "head": ["ID", "Milestone", "Owner", "Due", "Status", "Done on", "Client confirmed"],
        "done": "Done", "in_progress": "In progress", "baseline": "Baseline due", "due": "Due",
        "status": "Status",
        "done_on": "Done on", "flag": "Flag",
        "columns": ("Not started", "In progress", "Waiting on client", "Blocked", "Done"),
        "card": "M5 Visual design · due 27 Nov",
    },
    "zh": {
        "tabs": ("项目", "里程碑", "历史", "看板"),
        "project": [["字段", "值"], ["项目名称", "H"], ["客户邮箱", "a@c.example"],
                    ["日期顺序", "YMD"], ["语言", "中文"]],
        "head": ["编号", "里程碑", "负责方", "截止日期", "状态", "完成日期", "客户确认"],
        "done": "完成", "in_progress": "进行中", "baseline": "基线截止日期", "due": "截止日期",
        "status": "状态",
        "done_on": "完成日期", "flag": "标记",
        "columns": ("未开始", "进行中", "等待客户", "阻塞", "完成"),
        "card": "M5 Visual design · 11月27日截止",
    },
}

MILESTONES = [
    ["M1", "Kickoff", "Team", "2026-11-02", "Done", "2026-11-02", "Yes"],
    ["M3", "Build", "Team", "2026-11-20", "In progress", None, None],       # OVERDUE
    ["M4", "Copy", "Client", "2026-11-18", "Not started", None, None],      # CLIENT_OVERDUE
    ["M5", "Visual design", "Team", "2026-11-27", "Not started", None, None],  # DUE_SOON
    ["M6", "Later", "Team", "2026-12-20", "Not started", None, None],
    ["M7", "Stuck", "Team", "2026-12-15", "Blocked", None, None],
    ["M8", "Dropped", "Team", "2026-11-01", "Cancelled", None, None],
    ["M9", "Late todo", "Team", "2026-11-15", "Not started", None, None],   # OVERDUE
]


def check(as_of: str) -> None:
    out = CliRunner().invoke(main, ["check", f"gsheet:{SID}", "--as-of", as_of],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output


def cells(rows: list[list[Any]], width: int) -> list[tuple[str, ...]]:
    return [tuple("" if v is None else str(v) for v in (row + [None] * width)[:width])
            for row in rows]


def columns(board: list[list[Any]]) -> dict[str, list[str]]:
    """Each state column's heading (its count cut off) and its cards, top to bottom."""
    out: dict[str, list[str]] = {}
    for col, head in enumerate(board[0]):
        if not head or "(" not in str(head).replace("（", "("):
            continue
        name = str(head).replace("（", "(").partition("(")[0].strip()
        out[name] = [str(row[col]) for row in board[1:] if col < len(row) and row[col]]
    return out


@pytest.mark.parametrize("language", ["en", "zh"])
def test_history_and_board_on_a_google_sheet(language: str, gsheets_env: SheetsEmulator,
                                              clean_google_env: Any) -> None:
    w = WORDS[language]
    project_tab, milestones_tab, history_tab, board_tab = w["tabs"]
    rows = [[w["done"] if v == "Done" and i == 4 else v for i, v in enumerate(r)]
            for r in MILESTONES]
    gsheets_env.create_spreadsheet(SID, "H", {project_tab: w["project"],
                                              milestones_tab: [w["head"], *rows]})
    check("2026-11-23")
    history = cells(gsheets_env.values(SID, history_tab), 5)
    assert len(history[0]) == 5 and history[0][0] in ("Date", "日期")
    firsts: dict[str, str] = {}
    for _, ident, field, _, _ in history[1:]:
        firsts.setdefault(ident, field)
    assert firsts == {r[0]: w["baseline"] for r in MILESTONES}  # Baseline due first, each
    assert ("2026-11-23", "M6", w["baseline"], "", "2026-12-20") in history
    board = gsheets_env.values(SID, board_tab)
    cards = columns(board)
    assert list(cards) == list(w["columns"])  # one column a state, in the contract's order
    not_started = cards[w["columns"][0]]  # flagged first (late, then due soon), then the rest
    assert [c.split(" ")[0] for c in not_started] == ["M9", "M5", "M6"]
    assert not_started[1] == w["card"]  # the card's text form
    assert [c.split(" ")[0] for c in cards[w["columns"][1]]] == ["M3"]
    assert [c.split(" ")[0] for c in cards[w["columns"][2]]] == ["M4"]  # the client's
    assert [c.split(" ")[0] for c in cards[w["columns"][3]]] == ["M7"]
    assert [c.split(" ")[0] for c in cards[w["columns"][4]]] == ["M1"]
    assert all("M8" not in c for cs in cards.values() for c in cs)  # Cancelled: not shown

    check("2026-11-23")  # nothing changed: nothing appended, the same Board
    assert cells(gsheets_env.values(SID, history_tab), 5) == history
    assert gsheets_env.values(SID, board_tab) == board

    # staff move M6's Due and deliver M3 (Status and Done on): one row a change
    gsheets_env.set_values(SID, milestones_tab, "D6", [["2026-12-22"]])
    gsheets_env.set_values(SID, milestones_tab, "E3", [[w["done"], "2026-11-24"]])
    check("2026-11-24")
    added = cells(gsheets_env.values(SID, history_tab), 5)[len(history):]
    assert sorted(added) == sorted([
        ("2026-11-24", "M3", w["status"], w["in_progress"], w["done"]),
        ("2026-11-24", "M3", w["done_on"], "", "2026-11-24"),
        ("2026-11-24", "M3", w["flag"], "OVERDUE", "AWAITING_CONFIRMATION"),
        ("2026-11-24", "M6", w["due"], "2026-12-20", "2026-12-22"),
    ])
    moved = columns(gsheets_env.values(SID, board_tab))
    assert [c.split(" ")[0] for c in moved[w["columns"][2]]] == ["M4", "M3"]
    assert not any(c.startswith("M3 ") for c in moved[w["columns"][1]])
