"""From a workbook's raw values to a Project and its problems (CONTRACT section 1).

Pure: every workbook here is a ``RawWorkbook`` literal, rows from sheet row 1.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from sheetsync.core.parse import parse_workbook
from sheetsync.model import (
    FORMULA_NO_RESULT,
    ChangeStatus,
    Owner,
    Problem,
    Project,
    RawTab,
    RawWorkbook,
    Status,
    Unreadable,
    UpdateType,
)

EMAILS = ["Client emails", "ann@acme.example"]
HEADER = ["ID", "Milestone", "Owner", "Due", "Status", "Done on", "Client confirmed",
          "Depends on"]


def raw(title: str = "acme", **tabs: list[list[Any]]) -> RawWorkbook:
    """A workbook read from a file called ``title``; tab names may use spaces via dicts."""
    return RawWorkbook(title, tuple(RawTab(name, tuple(tuple(r) for r in rows))
                                    for name, rows in tabs.items()))


def book(milestones: list[list[Any]], *, project: list[list[Any]] | None = None,
         title: str = "acme", **more: list[list[Any]]) -> Project:
    tabs = {"Project": project if project is not None else [["Field", "Value"], EMAILS],
            "Milestones": [HEADER, *milestones], **more}
    return parse_workbook(raw(title, **tabs), f"{title}.xlsx")


def problems_at(project: Project, cell: str) -> list[Problem]:
    return [p for p in project.problems if p.cell == cell]


def only_problem(project: Project) -> Problem:
    assert len(project.problems) == 1, project.problems
    return project.problems[0]


# --------------------------------------------------------------------------- tabs, headers


def test_a_clean_workbook_has_no_problems_and_reads_every_field() -> None:
    p = book([["M1", "Kick-off", "Client", date(2026, 11, 2), "Done", "2026-11-03", "yes", ""],
              ["M2", "Design", "", "2026-11-20", "wip", None, None, "M1"]])
    assert p.problems == ()
    m1, m2 = p.milestones
    assert (m1.id, m1.row, m1.title, m1.owner, m1.status, m1.due, m1.done_on,
            m1.client_confirmed) == ("M1", 2, "Kick-off", Owner.CLIENT, Status.DONE,
                                     date(2026, 11, 2), date(2026, 11, 3), True)
    assert (m2.owner, m2.status, m2.depends_on, m2.client_confirmed) == (
        Owner.TEAM, Status.IN_PROGRESS, ("M1",), None)


def test_headers_match_in_any_order_case_and_spacing() -> None:
    p = parse_workbook(raw(**{
        " project ": [["  VALUE", "field  "], ["ann@acme.example", "client   emails"]],
        "MILESTONES": [["  due date ", "STATUS", "milestone", "  id"],
                       ["2026-11-27", "DONE", "Go live", "M9"]],
    }), "acme.xlsx")
    assert p.problems == ()
    assert p.settings.client_emails == ("ann@acme.example",)
    (m,) = p.milestones
    assert (m.id, m.title, m.due, m.status) == ("M9", "Go live", date(2026, 11, 27), Status.DONE)


def test_chinese_tab_names_headers_fields_and_values() -> None:
    p = parse_workbook(raw(**{
        "项目": [["字段", "值"], ["项目名称", "宏图项目"], ["客户邮箱", "li@hongtu.cn"],
               ["语言", "中文"], ["报告日", "星期三"], ["时区", "Asia/Shanghai"]],
        "里程碑": [["编号", "里程碑", "负责方", "截止日期", "状态", "完成日期", "客户确认", "依赖"],
                ["M1", "启动会", "甲方", "2026年11月2日", "已完成", "2026年11月3日", "是", ""],
                ["M2", "设计", "我方", "2026-12-01", "进行中", None, None, "M1、M3"],
                ["M3", "开发", "团队", "2026-12-10", "未开始", None, None, ""]],
        "进展": [["日期", "类型", "内容", "里程碑", "填写人", "内部"],
               ["2026-11-25", "问题", "服务器延迟", "M2", "王", "否"]],
        "变更": [["编号", "日期", "变更内容", "里程碑", "新截止日期", "状态", "客户批准"],
               ["C1", "2026-11-20", "加一个报表", "M3", "2026-12-10", "待定", "否"]],
    }), "hongtu.xlsx")
    assert p.problems == ()
    s = p.settings
    assert (s.name, s.language, s.report_day, s.time_zone) == ("宏图项目", "zh", 2, "Asia/Shanghai")
    m1, m2, _ = p.milestones
    assert (m1.owner, m1.status, m1.due, m1.client_confirmed) == (
        Owner.CLIENT, Status.DONE, date(2026, 11, 2), True)
    assert (m2.owner, m2.status, m2.depends_on) == (Owner.TEAM, Status.IN_PROGRESS, ("M1", "M3"))
    (u,) = p.updates
    assert (u.type, u.text, u.milestone, u.by, u.internal) == (
        UpdateType.PROBLEM, "服务器延迟", "M2", "王", False)
    (c,) = p.changes
    assert (c.id, c.status, c.new_due, c.client_approved) == (
        "C1", ChangeStatus.PROPOSED, date(2026, 12, 10), False)


def test_unknown_tabs_and_columns_are_left_alone() -> None:
    p = parse_workbook(raw(**{
        "Budget": [["Item", "Cost"], ["Servers", 1200]],
        "Project": [["Field", "Value", "Comment"], [*EMAILS, "who to mail"],
                    ["Favourite colour", "blue"]],
        "Milestones": [["Phase", "ID", "Milestone", "Cost", "Due"],
                       ["One", "M1", "Kick-off", "n/a", "2026-11-27"]],
    }), "acme.xlsx")
    assert p.problems == ()
    (m,) = p.milestones
    assert (m.id, m.title, m.due) == ("M1", "Kick-off", date(2026, 11, 27))


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers() -> None:
    p = book([["M1", "One", None, "2026-11-27"],
              [],
              [None, "  ", None, None],
              ["M2", "Two", None, "2026-11-28"]])
    assert p.problems == ()
    assert [(m.id, m.row) for m in p.milestones] == [("M1", 2), ("M2", 5)]


def test_a_row_holding_only_sheetsync_flags_is_not_a_milestone() -> None:
    tabs = {"Project": [["Field", "Value"], EMAILS],
            "Milestones": [[*HEADER, "Flag", "Flag detail"],
                           ["M1", "One", None, "2026-11-27"],
                           [None] * 8 + ["OVERDUE", "Overdue by 3 days"]]}
    p = parse_workbook(raw(**tabs), "acme.xlsx")
    assert p.problems == ()
    assert [m.id for m in p.milestones] == ["M1"]


def test_header_row_below_a_title_row() -> None:
    p = parse_workbook(raw(**{
        "Project": [["Acme settings"], [], ["Field", "Value"], EMAILS],
        "Milestones": [["Acme rollout: milestones"], ["updated weekly"], [], HEADER,
                       ["M1", "Kick-off", None, "2026-11-27"]],
    }), "acme.xlsx")
    assert p.problems == ()
    (m,) = p.milestones
    assert (m.id, m.row, m.due) == ("M1", 5, date(2026, 11, 27))
    assert p.layout is not None and p.layout.flags is not None
    assert p.layout.flags.header_row == 4


def test_a_project_tab_without_header_row_reads_columns_a_and_b() -> None:
    p = book([], project=[EMAILS, ["Time zone", "Europe/London"]])
    assert p.settings.client_emails == ("ann@acme.example",)
    assert p.settings.time_zone == "Europe/London"
    assert p.problems == ()


@pytest.mark.parametrize("missing, column", [("Due", "Due"), ("Milestone", "Milestone")])
def test_a_missing_required_column_is_a_problem_at_the_header_row(missing: str,
                                                                  column: str) -> None:
    header = [h for h in HEADER if h != missing]
    p = parse_workbook(raw(Project=[["Field", "Value"], EMAILS],
                           Milestones=[header, ["M1"] + [None] * 6]), "acme.xlsx")
    problem = next(p for p in p.problems if "column" in p.problem)
    assert problem.tab == "Milestones"
    assert problem.problem == f"there is no {column} column"
    assert problem.cell == "J1"  # on the header row, right of the table and its Flag columns
    assert column in problem.how_to_fix


def test_without_an_id_column_no_row_is_a_milestone() -> None:
    p = parse_workbook(raw(Project=[["Field", "Value"], EMAILS],
                           Milestones=[["Milestone", "Due"], ["Kick-off", "2026-11-27"]]),
                       "acme.xlsx")
    assert p.milestones == ()
    assert [x.problem for x in p.problems] == ["there is no ID column"]


def test_missing_milestones_tab_is_a_problem() -> None:
    p = parse_workbook(raw(Project=[["Field", "Value"], EMAILS]), "acme.xlsx")
    assert [(x.tab, x.cell, x.problem) for x in p.problems] == [
        ("Milestones", "A1", "there is no Milestones tab")]
    assert p.milestones == ()


def test_a_second_tab_with_the_same_meaning_is_a_problem_and_not_read() -> None:
    p = parse_workbook(raw(**{"Milestones": [HEADER, ["M1", "One", None, "2026-11-27"]],
                              "Project": [["Field", "Value"], EMAILS],
                              "里程碑": [HEADER, ["M2", "Two", None, "2026-11-27"]]}),
                       "acme.xlsx")
    assert [m.id for m in p.milestones] == ["M1"]
    (problem,) = p.problems
    assert problem.tab == "里程碑" and "second" in problem.problem


# --------------------------------------------------------------------------- rows


def test_a_duplicate_id_is_a_problem_on_the_second_row() -> None:
    p = book([["M1", "One", None, "2026-11-27"], ["M2", "Two", None, "2026-11-27"],
              ["M1", "Again", None, "2026-11-27"]])
    problem = only_problem(p)
    assert (problem.tab, problem.cell, problem.value) == ("Milestones", "A4", "M1")
    assert "M1" in problem.problem and "row 2" in problem.problem
    assert [m.id for m in p.milestones] == ["M1", "M2", "M1"]  # every row with an ID is listed


def test_a_row_without_id_is_a_problem_and_not_a_milestone() -> None:
    p = book([["M1", "One", None, "2026-11-27"], [None, "Forgotten", None, "2026-11-27"]])
    problem = only_problem(p)
    assert (problem.tab, problem.cell, problem.problem) == (
        "Milestones", "A3", "this row has no ID, so it is not read")
    assert [m.id for m in p.milestones] == ["M1"]


def test_a_numeric_id_is_its_text() -> None:
    p = book([[1, "One", None, "2026-11-27"], [2.0, "Two", None, "2026-11-27", None, None,
                                                None, 1]])
    assert [(m.id, m.depends_on) for m in p.milestones] == [("1", ()), ("2", ("1",))]


def test_an_unknown_dependency_is_a_problem_at_the_depends_on_cell() -> None:
    p = book([["M1", "One", None, "2026-11-27", None, None, None, "M2, M7"],
              ["M2", "Two", None, "2026-11-27"]])
    problem = only_problem(p)
    assert (problem.cell, problem.value) == ("H2", "M2, M7")
    assert "M7" in problem.problem
    assert "depends_on" in p.milestones[0].unreadable


def test_a_dependency_cycle_is_a_problem_naming_the_loop() -> None:
    p = book([["M1", "One", None, "2026-11-27", None, None, None, "M3"],
              ["M2", "Two", None, "2026-11-27", None, None, None, "M1"],
              ["M3", "Three", None, "2026-11-27", None, None, None, "M2"],
              ["M4", "Four", None, "2026-11-27", None, None, None, "M3"]])
    problem = only_problem(p)
    assert problem.tab == "Milestones" and problem.cell.startswith("H")
    assert all(k in problem.problem for k in ("M1", "M2", "M3"))
    assert "M4" not in problem.problem
    assert [("depends_on" in m.unreadable) for m in p.milestones] == [True, True, True, False]


def test_a_milestone_depending_on_itself_is_a_problem() -> None:
    p = book([["M1", "One", None, "2026-11-27", None, None, None, "M1"]])
    assert "itself" in only_problem(p).problem


def test_a_missing_due_is_a_problem_unless_cancelled() -> None:
    p = book([["M1", "One", None, None, "In progress"], ["M2", "Two", None, None, "Cancelled"]])
    problem = only_problem(p)
    assert (problem.cell, problem.problem) == ("D2", "Due is empty")
    assert "due" in p.milestones[0].unreadable
    assert p.milestones[1].unreadable == frozenset()


def test_a_missing_title_is_a_problem() -> None:
    p = book([["M1", None, None, "2026-11-27"]])
    assert (only_problem(p).cell, only_problem(p).problem) == ("B2", "Milestone is empty")


def test_unreadable_cells_are_problems_and_mark_their_field() -> None:
    p = book([["M1", "One", "Partner", "31/02/2026", "Waiting", "soon", "perhaps", ""]])
    by_cell = {x.cell: x for x in p.problems}
    assert set(by_cell) == {"C2", "D2", "E2", "F2", "G2"}
    assert by_cell["D2"].value == "31/02/2026"
    assert by_cell["E2"].problem == "not one of the allowed values"
    assert "Not started" in by_cell["E2"].how_to_fix and "Cancelled" in by_cell["E2"].how_to_fix
    assert p.milestones[0].unreadable == {"owner", "due", "status", "done_on", "client_confirmed"}


def test_a_formula_without_result_is_a_problem_showing_the_formula() -> None:
    p = book([["M1", "One", None, Unreadable(FORMULA_NO_RESULT, "=X9+1")]])
    problem = only_problem(p)
    assert (problem.cell, problem.value) == ("D2", "=X9+1")
    assert "=X9+1" in problem.problem


# --------------------------------------------------------------------------- Project tab


def test_project_defaults() -> None:
    p = book([], project=[["Field", "Value"], EMAILS], title="Acme rollout 2026")
    s = p.settings
    assert s.name == "Acme rollout 2026"  # the file title
    assert (s.client, s.sponsor_email, s.pm_name, s.pm_email, s.cc) == ("", "", "", "", ())
    assert (s.time_zone, s.language, s.report_day, s.report_time) == ("UTC", "en", 4, time(16))
    assert (s.due_soon_days, s.confirm_within_days, s.reminder_every_days) == (7, 5, 3)
    assert (s.date_order, s.reports_paused) == (None, False)


def test_every_project_field_is_read() -> None:
    p = book([], project=[
        ["Field", "Value"],
        ["Project", "Acme rollout"], ["Client", "Acme Ltd"],
        ["Client emails", "a@acme.example; Bo <b@acme.example>\nc@acme.example"],
        ["Client sponsor email", "boss@acme.example"], ["Project manager", "Pat"],
        ["PM email", "pat@team.example"], ["CC", "x@team.example, y@team.example"],
        ["Time zone", "Asia/Shanghai"], ["Language", "English"], ["Report day", "Tuesday"],
        ["Report time", "09:30"], ["Due soon days", "10"], ["Confirm within days", 2],
        ["Reminder every days", "1 day"], ["Date order", "DMY"], ["Reports paused", "yes"],
    ])
    assert p.problems == ()
    s = p.settings
    assert s.name == "Acme rollout" and s.client == "Acme Ltd"
    assert s.client_emails == ("a@acme.example", "b@acme.example", "c@acme.example")
    assert (s.sponsor_email, s.pm_name, s.pm_email) == ("boss@acme.example", "Pat",
                                                        "pat@team.example")
    assert s.cc == ("x@team.example", "y@team.example")
    assert (s.time_zone, s.language, s.report_day, s.report_time) == (
        "Asia/Shanghai", "en", 1, time(9, 30))
    assert (s.due_soon_days, s.confirm_within_days, s.reminder_every_days) == (10, 2, 1)
    assert (s.date_order, s.reports_paused) == ("DMY", True)


def test_empty_client_emails_is_a_problem_at_its_value() -> None:
    p = book([], project=[["Field", "Value"], ["Client emails", " "], ["Client", "Acme"]])
    assert (only_problem(p).cell, only_problem(p).problem) == (
        "B2", "no client email address, so no report is sent")


def test_missing_client_emails_is_a_problem_where_the_field_goes() -> None:
    p = book([], project=[["Field", "Value"], ["Project", "Acme"]])
    problem = only_problem(p)
    assert (problem.tab, problem.cell) == ("Project", "A3")
    assert problem.problem == "no client email address, so no report is sent"
    assert "Client emails" in problem.how_to_fix
    assert p.settings.client_emails == ()


def test_a_missing_project_tab_is_a_problem_and_defaults_apply() -> None:
    p = parse_workbook(raw(Milestones=[HEADER]), "acme.xlsx")
    assert {x.problem for x in p.problems} >= {"there is no Project tab"}
    assert p.settings.name == "acme" and p.settings.time_zone == "UTC"


def test_a_bad_address_is_a_problem_and_gets_no_email() -> None:
    p = book([], project=[["Field", "Value"],
                          ["Client emails", "ann@acme.example, bob(at)acme, cy@acme.example"],
                          ["PM email", "pm@team"]])
    assert p.settings.client_emails == ("ann@acme.example", "cy@acme.example")
    assert p.settings.pm_email == ""
    assert sorted((x.cell, x.value) for x in p.problems) == [("B2", "bob(at)acme"),
                                                             ("B3", "pm@team")]


@pytest.mark.parametrize("field", ["PM email", "Client sponsor email", "项目经理邮箱"])
def test_two_addresses_in_a_one_address_field_are_a_problem_and_neither_gets_email(
        field: str) -> None:
    p = book([], project=[["Field", "Value"], EMAILS,
                          [field, "pm@team.example; boss@team.example"]])
    assert (p.settings.pm_email, p.settings.sponsor_email) == ("", "")
    problem = only_problem(p)
    assert (problem.cell, problem.value) == ("B3", "pm@team.example; boss@team.example")
    assert "one address" in problem.problem and "only one" in problem.how_to_fix


def test_an_injected_header_is_a_problem_and_never_a_recipient() -> None:
    p = book([], project=[["Field", "Value"],
                          ["Client emails", "ann@acme.example\nBcc: spy@evil.example"],
                          ["CC", "pm@team.example Bcc: spy@evil.example"]])
    s = p.settings
    assert s.client_emails == ("ann@acme.example",)
    assert s.cc == ()
    assert all("spy" not in a for a in (*s.client_emails, *s.cc))
    assert len(p.problems) == 2
    assert all("line break or a header" in x.problem for x in p.problems)


@pytest.mark.parametrize("field, value", [
    ("Time zone", "Beijing"), ("Language", "French"), ("Report day", "Funday"),
    ("Report time", "4pm"), ("Due soon days", "a week"), ("Confirm within days", -2),
    ("Reminder every days", 0), ("Date order", "DDMMYY"), ("Reports paused", "sometimes"),
])
def test_a_bad_setting_is_a_problem_and_its_default_applies(field: str, value: object) -> None:
    p = book([], project=[["Field", "Value"], EMAILS, [field, value]])
    problem = only_problem(p)
    assert (problem.tab, problem.cell) == ("Project", "B3")
    defaults = book([]).settings
    assert p.settings == defaults


def test_the_first_of_two_rows_for_one_field_wins() -> None:
    p = book([], project=[["Field", "Value"], EMAILS, ["Time zone", "Asia/Tokyo"],
                          ["Time zone", "Europe/Paris"]])
    assert p.settings.time_zone == "Asia/Tokyo"


def test_language_chinese_gives_chinese_problem_texts() -> None:
    p = book([["M1", "One", None, "31/02/2026"], [None, "Two"]],
             project=[["Field", "Value"], ["Language", "中文"]])
    assert p.settings.language == "zh"
    texts = {x.problem for x in p.problems}
    assert texts == {"日期不存在", "此行没有编号，因此不会被读取", "没有客户邮箱，因此不会发送报告"}
    assert all(any("\u4e00" <= c <= "\u9fff" for c in x.how_to_fix) for x in p.problems)


def test_language_is_known_before_the_first_problem_is_said() -> None:
    # The bad Due sits above the Language row in reading order: it is still said in Chinese.
    p = parse_workbook(raw(Milestones=[HEADER, ["M1", "One", None, "soon"]],
                           Project=[["Field", "Value"], EMAILS, ["Language", "zh"]]),
                       "acme.xlsx")
    assert [x.problem for x in p.problems] == ["不是日期"]


@pytest.mark.parametrize("order, expected", [("DMY", date(2026, 4, 3)),
                                             ("MDY", date(2026, 3, 4)),
                                             ("日月年", date(2026, 4, 3))])
def test_date_order_settles_numeric_dates_in_every_tab(order: str, expected: date) -> None:
    p = book([["M1", "One", None, "03/04/2026"]],
             project=[["Field", "Value"], EMAILS, ["Date order", order]],
             Updates=[["Date", "Type", "Update"], ["03/04/2026", "Note", "hello"]])
    assert p.problems == ()
    assert p.milestones[0].due == expected
    assert p.updates[0].date == expected


def test_without_date_order_an_ambiguous_date_is_a_problem_not_a_guess() -> None:
    p = book([["M1", "One", None, "03/04/2026"]])
    problem = only_problem(p)
    assert (problem.cell, problem.value) == ("D2", "03/04/2026")
    assert "two ways" in problem.problem and "Date order" in problem.how_to_fix
    assert p.milestones[0].due is None and "due" in p.milestones[0].unreadable


def test_a_due_of_minus_5_is_asked_about_never_flagged_overdue_by_46358_days() -> None:
    from datetime import datetime

    from sheetsync.core import rules

    # -5 typed into a date-formatted Due cell reads back as 25 Dec 1899
    p = book([["M1", "One", None, datetime(1899, 12, 25)]])
    problem = only_problem(p)
    assert problem.cell == "D2"
    assert problem.problem.startswith("is this really 1899-12-25?")
    assert "YYYY-MM-DD" in problem.how_to_fix
    assert p.milestones[0].due is None and "due" in p.milestones[0].unreadable
    assert not any("46358" in str(a) for a in rules.assess(p, date(2026, 11, 27)))


# --------------------------------------------------------------------------- Updates, Changes


def test_updates_are_read_and_incomplete_ones_are_problems() -> None:
    p = book([["M1", "One", None, "2026-11-27"]], Updates=[
        ["Date", "Type", "Update", "Milestone", "By", "Internal"],
        ["2026-11-25", "risk", "Vendor late", "M1", "Kim", "Yes"],
        ["2026-11-26", "Next", "Test", None, None, None],
        [None, "Note", "No date"],
        ["2026-11-26", "Gossip", "Bad type"],
        ["2026-11-26", "Note", "Unknown ID", "M9"],
    ])
    assert [(u.row, u.type, u.internal) for u in p.updates] == [
        (2, UpdateType.PROBLEM, True), (3, UpdateType.NEXT, False), (6, UpdateType.NOTE, False)]
    assert sorted(x.cell for x in p.problems) == ["A4", "B5", "D6"]


def test_an_unreadable_internal_keeps_the_update_out_of_client_emails() -> None:
    p = book([], Updates=[["Date", "Type", "Update", "Internal"],
                          ["2026-11-25", "Note", "secret", "maybe"]])
    assert p.updates[0].internal is True
    assert [x.cell for x in p.problems if x.tab == "Updates"] == ["D2"]


def test_an_approved_change_whose_new_due_was_not_applied_is_a_problem() -> None:
    p = book([["M1", "One", None, "2026-11-27"]], Changes=[
        ["ID", "Milestone", "New due", "Status", "Client approved"],
        ["C1", "M1", "2026-12-04", "Approved", "Yes"],
        ["C2", "M1", "2026-12-11", "Proposed", None],
    ])
    problem = only_problem(p)
    assert (problem.tab, problem.cell) == ("Changes", "C2")
    assert [(c.id, c.status) for c in p.changes] == [("C1", ChangeStatus.APPROVED),
                                                     ("C2", ChangeStatus.PROPOSED)]


# --------------------------------------------------------------------------- every problem


def test_every_problem_names_tab_cell_value_problem_and_fix() -> None:
    p = book(
        [["M1", "One", "Partner", "31/02/2026", "Waiting", None, "perhaps", "M9"],
         ["M1", None, None, "2026-11-27"],
         [None, "No ID", None, "2026-11-27"],
         ["M3", "Three", None, "03/04/2026", None, None, None, "M3"]],
        project=[["Field", "Value"], ["Client emails", "bob(at)acme"], ["Time zone", "Mars"]],
        Updates=[["Date", "Type", "Update", "Milestone"], ["soon", "Gossip", "x", "M9"]],
        Changes=[["ID", "Date", "Milestone"], [None, "2026-11-01", "M1"], ["C2", "x", "M9"]],
    )
    assert len(p.problems) >= 15
    tabs = {"Project", "Milestones", "Updates", "Changes"}
    for problem in p.problems:
        assert problem.tab in tabs, problem
        assert problem.cell and problem.cell[0].isalpha() and problem.cell[-1].isdigit(), problem
        assert problem.problem.strip() and problem.how_to_fix.strip(), problem
        assert "{" not in problem.problem + problem.how_to_fix, problem  # all facts filled in
    valued = [x for x in p.problems if x.value]
    assert {x.value for x in valued} >= {"Partner", "31/02/2026", "Waiting", "perhaps", "M9",
                                         "bob(at)acme", "Mars", "03/04/2026", "soon", "Gossip"}


def test_every_problem_in_chinese_is_filled_in() -> None:
    p = book([["M1", "One", "Partner", "31/02/2026", "Waiting", None, "perhaps", "M9"],
              ["M1", None, None, None]],
             project=[["Field", "Value"], ["Language", "zh"], ["Client emails", "x"]])
    for problem in p.problems:
        assert problem.problem and problem.how_to_fix and "{" not in problem.problem
        assert not problem.problem.isascii(), problem


# --------------------------------------------------------------------------- Google locale


def _google(order: str | None, locale: str, due: str) -> Project:
    project_rows = [["Field", "Value"], EMAILS] + ([["Date order", order]] if order else [])
    tabs = {"Project": project_rows,
            "Milestones": [HEADER, ["M1", "Kick-off", "Team", due, "Done"]]}
    base = raw("acme", **tabs)
    return parse_workbook(RawWorkbook(base.title, base.tabs, locale=locale), "gsheet:abc")


def test_without_date_order_a_google_sheet_reads_dates_in_its_locale_order_and_says_so() -> None:
    us = _google(None, "en_US", "03/04/2026")
    assert us.milestones[0].due == date(2026, 3, 4) and not us.milestones[0].unreadable
    note = only_problem(us)
    assert note.cell == "D2" and note.value == "03/04/2026"
    assert "2026-03-04 (MDY)" in note.problem and "en_US" in note.problem
    assert "Date order" in note.how_to_fix
    gb = _google(None, "en_GB", "03/04/2026")
    assert gb.milestones[0].due == date(2026, 4, 3) and "(DMY)" in only_problem(gb).problem
    zh = _google(None, "zh_CN", "03/04/2026")  # year first, and a year-last form month first
    assert zh.milestones[0].due == date(2026, 3, 4) and "(MDY)" in only_problem(zh).problem
    assert _google(None, "zh_CN", "26/11/27").milestones[0].due == date(2026, 11, 27)


@pytest.mark.parametrize("locale", ["en_US", "zh_CN", "en_GB"])
def test_a_date_only_one_order_makes_real_is_read_that_way(locale: str) -> None:
    project = _google(None, locale, "20/11/2026")
    assert project.milestones[0].due == date(2026, 11, 20) and project.problems == ()


def test_a_date_order_set_settles_text_whatever_the_locale() -> None:
    project = _google("DMY", "en_US", "03/04/2026")  # a date cell comes as a serial: this
    assert project.milestones[0].due == date(2026, 4, 3)  # is text staff typed, as DMY
    assert project.problems == ()
    assert _google("DMY", "en_US", "27/11/2026").milestones[0].due == date(2026, 11, 27)
    assert _google("DMY", "en_US", "2026-11-27").problems == ()


def test_a_date_order_that_agrees_with_the_locale_is_fine() -> None:
    project = _google("DMY", "en_GB", "03/04/2026")
    assert project.problems == () and project.milestones[0].due == date(2026, 4, 3)
