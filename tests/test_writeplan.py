"""The write plan: only job-owned cells, only what changed (pure, dataclass literals)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sheetsync.core import writeplan
from sheetsync.model import (
    Assessment,
    CellWrite,
    Flag,
    FlagCells,
    Layout,
    LogEntry,
    Milestone,
    OwnedTab,
    Problem,
    Project,
    Settings,
)

D = date(2026, 11, 27)
M1 = Milestone("M1", 2, "Kick-off", due=date(2026, 11, 20))
M2 = Milestone("M2", 3, "Design", due=date(2026, 12, 30))
M3 = Milestone("M3", 5, "Build", due=date(2026, 11, 30))
ASSESSED = (Assessment(M1, (Flag.OVERDUE,), days_overdue=7, days_to_due=-7),
            Assessment(M2, (), days_to_due=33),
            Assessment(M3, (Flag.AT_RISK, Flag.DUE_SOON), days_to_due=3, late_upstream=("M1",)))
PROBLEM = Problem("Milestones", "D4", "soon", "not a date", "Type the date as 2026-11-27.")
PROBLEMS_HEADER = ("Tab", "Cell", "Value", "Problem", "How to fix")


def project(*, current=(), new_columns: bool = True, problems=(PROBLEM,),
            problems_rows=None, log_exists: bool = False, language: str = "en") -> Project:
    flags = FlagCells("Milestones", 1, 1, 9, 10, "Flag" if new_columns else "",
                      "Flag detail" if new_columns else "", tuple(current))
    problems_tab = OwnedTab("Problems", problems_rows is not None, problems_rows or ())
    return Project("acme.xlsx", Settings("Acme", language=language),
                   milestones=(M1, M2, M3), problems=tuple(problems),
                   layout=Layout(flags, problems_tab, OwnedTab("Log", log_exists)))


WRITTEN = ((2, "M1", "OVERDUE", "Overdue by 7 days"),
           (3, "M2", "", ""),
           (5, "M3", "AT_RISK, DUE_SOON", "At risk: M1 is late; Due in 3 days"))


def test_first_run_creates_both_headers_and_writes_each_flagged_row() -> None:
    plan = writeplan.build(project(), ASSESSED)
    assert plan.flags_tab == "Milestones" and plan.id_col == 1
    assert plan.flag_cells == (
        CellWrite(1, 9, "Flag", style="job"), CellWrite(1, 10, "Flag detail", style="job"),
        CellWrite(2, 9, "OVERDUE", "M1"), CellWrite(2, 10, "Overdue by 7 days", "M1"),
        CellWrite(5, 9, "AT_RISK, DUE_SOON", "M3"),
        CellWrite(5, 10, "At risk: M1 is late; Due in 3 days", "M3"),
    )
    assert plan.problems_rows == (PROBLEMS_HEADER, ("Milestones", "D4", "soon", "not a date",
                                                    "Type the date as 2026-11-27."))


def test_a_run_on_unchanged_data_plans_nothing() -> None:
    plan = writeplan.build(project(current=WRITTEN, new_columns=False,
                                   problems_rows=(PROBLEMS_HEADER, (
                                       "Milestones", "D4", "soon", "not a date",
                                       "Type the date as 2026-11-27."))), ASSESSED)
    assert plan.empty
    assert plan.flag_cells == () and plan.problems_rows is None and plan.log_rows == ()


def test_only_the_cells_whose_text_changes_are_written() -> None:
    current = ((2, "M1", "OVERDUE", "Overdue by 6 days"), *WRITTEN[1:])
    plan = writeplan.build(project(current=current, new_columns=False), ASSESSED)
    assert plan.flag_cells == (CellWrite(2, 10, "Overdue by 7 days", "M1"),)


def test_a_flag_no_longer_wanted_is_cleared() -> None:
    current = (*WRITTEN, (7, "", "OVERDUE", "Overdue by 2 days"))  # a row that lost its ID
    assessed = (Assessment(M1, ()), *ASSESSED[1:])
    plan = writeplan.build(project(current=current, new_columns=False), assessed)
    assert plan.flag_cells == (CellWrite(2, 9, "", "M1"), CellWrite(2, 10, "", "M1"),
                               CellWrite(7, 9, ""), CellWrite(7, 10, ""))


def test_flag_details_follow_the_project_language() -> None:
    plan = writeplan.build(project(language="zh"), ASSESSED)
    values = [c.value for c in plan.flag_cells if c.key == "M1"]
    assert values == ["OVERDUE", "逾期 7 天"]
    assert plan.problems_rows is not None
    assert plan.problems_rows[0] == ("工作表", "单元格", "值", "问题", "修改方法")


def test_problems_unchanged_apart_from_spacing_are_not_rewritten() -> None:
    old = ((*PROBLEMS_HEADER, ""), (" Milestones", "D4 ", "soon", "not a date",
                                     "Type the date as 2026-11-27.", ""), ("", ""))
    plan = writeplan.build(project(problems_rows=old), ASSESSED)
    assert plan.problems_rows is None


def test_problems_fixed_since_last_run_shrink_the_tab() -> None:
    old = (PROBLEMS_HEADER, ("Milestones", "D4", "soon", "not a date", "x"),
           ("Milestones", "D9", "later", "not a date", "x"))
    plan = writeplan.build(project(problems=(), problems_rows=old), ASSESSED)
    assert plan.problems_rows == (PROBLEMS_HEADER,)
    assert plan.problems_old_height == 3


def test_no_problems_and_no_problems_tab_still_writes_its_header_once() -> None:
    plan = writeplan.build(project(problems=()), ASSESSED)
    assert plan.problems_rows == (PROBLEMS_HEADER,)
    again = writeplan.build(project(problems=(), problems_rows=(PROBLEMS_HEADER,),
                                    current=WRITTEN, new_columns=False), ASSESSED)
    assert again.empty


def test_problems_false_leaves_the_problems_tab_alone() -> None:
    assert writeplan.build(project(), ASSESSED, problems=False).problems_rows is None


def test_no_assessments_leave_the_flag_columns_alone() -> None:
    assert writeplan.build(project(current=WRITTEN), None).flag_cells == ()


def test_no_layout_means_no_flag_writes() -> None:
    bare = Project("acme.xlsx", Settings("Acme"), milestones=(M1,))
    plan = writeplan.build(bare, ASSESSED[:1])
    assert plan.flag_cells == () and plan.flags_tab == ""


def test_log_rows_get_a_header_only_when_the_log_tab_is_new() -> None:
    entry = LogEntry(datetime(2026, 11, 27, 16, 0, tzinfo=UTC), "report", "Acme",
                     ("a@x.example", "b@x.example"), "Acme: weekly report", "sent", "<1@x>")
    plan = writeplan.build(project(), None, problems=False, log=(entry,))
    assert plan.log_header[:2] == ("Time", "Job")
    assert plan.log_rows == (("2026-11-27T16:00:00+00:00", "report", "Acme",
                              "a@x.example, b@x.example", "Acme: weekly report", "sent",
                              "<1@x>", ""),)
    assert not plan.empty
    existing = writeplan.build(project(log_exists=True), None, problems=False, log=(entry,))
    assert existing.log_header == ()


# --------------------------------------------------------------------------- remap


def test_remap_moves_cells_to_the_row_holding_their_id_now() -> None:
    cells = (CellWrite(1, 9, "Flag"), CellWrite(2, 9, "OVERDUE", "M1"),
             CellWrite(3, 9, "", "M2"))
    ids = {1: "ID", 2: "M0", 3: "M1", 4: "M2"}  # a row was inserted above M1
    assert writeplan.remap(cells, ids) == (CellWrite(1, 9, "Flag"),
                                           CellWrite(3, 9, "OVERDUE", "M1"),
                                           CellWrite(4, 9, "", "M2"))


def test_remap_drops_cells_whose_id_is_gone_or_no_longer_unique() -> None:
    cells = (CellWrite(2, 9, "OVERDUE", "M1"), CellWrite(3, 9, "DUE_SOON", "M2"))
    assert writeplan.remap(cells, {1: "ID", 2: "M0", 4: "M2", 5: "M2"}) == ()


def test_remap_keeps_duplicate_ids_that_did_not_move() -> None:
    # Two rows with one ID: each keeps its own flags (the second one's INVALID) in place.
    cells = (CellWrite(2, 9, "OVERDUE", "M1"), CellWrite(3, 9, "INVALID", "M1"))
    assert writeplan.remap(cells, {1: "ID", 2: "M1", 3: "M1"}) == cells


def test_remap_keeps_cells_whose_row_still_holds_their_id() -> None:
    cells = (CellWrite(2, 9, "OVERDUE", "M1"),)
    assert writeplan.remap(cells, {2: "M1"}) == cells
