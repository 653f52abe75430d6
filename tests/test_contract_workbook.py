"""Acceptance of CONTRACT sections 1 and 2 through `sheetsync check --json`, as a user meets
them: real .xlsx files and Google Sheets on the loopback emulator, the real command line.

Only cases the rest of the suite does not hold end to end are here (the readers and the
rules are held cell by cell in test_cells.py, test_parse.py and test_rules.py).
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync import api
from sheetsync.cli.main import main
from sheetsync.core import schema
from sheetsync.model import Flag
from tests.fixtures_env import SHEETSYNC, child_environ
from tests.sheets_emulator import Formula, SheetsEmulator
from tests.xlsx_factory import build, make_workbook, project_tabs, read_values

AS_OF = "2026-11-27"


def check_xlsx(path: Path) -> dict[str, Any]:
    env = child_environ(SHEETSYNC_STATE_DIR=str(path.parent / "state"))
    out = subprocess.run([*SHEETSYNC, "check", path.name, "--as-of", AS_OF, "--json"],
                         cwd=path.parent, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    (project,) = json.loads(out.stdout)["projects"]
    return dict(project)


def check_google(source: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, ["check", source, "--as-of", AS_OF, "--json"],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    (project,) = json.loads(out.output)["projects"]
    return dict(project)


def flags_by_row(project: dict[str, Any]) -> dict[int, list[str]]:
    return {m["row"]: m["flags"] for m in project["milestones"]}


# --------------------------------------------------------------------------- duplicate IDs


def test_a_cancelled_or_confirmed_duplicate_gets_no_flags_and_one_id_is_one_id_in_any_case(
        tmp_path: Path) -> None:
    # "Cancelled rows, and Done rows that the client confirmed, get no flags"; a duplicate
    # ID is a problem; M1 and m1 are one ID, so the two spellings behave alike.
    make_workbook(tmp_path / "acme.xlsx", project_tabs([
        ["M0", "Late", "Team", "2026-11-01", "In progress"],
        ["M1", "First", "Team", "2026-12-30", "In progress"],
        ["M1", "Again, cancelled", "Team", "2026-11-02", "Cancelled"],
        ["m1", "Again, cancelled", "Team", "2026-11-02", "Cancelled"],
        ["M1", "Again, confirmed", "Team", "2026-11-02", "Done", "2026-11-02", "Yes"],
        ["m1 ", "Again, confirmed", "Team", "2026-11-02", "Done", "2026-11-02", "Yes"],
        ["M1", "Again, waits on M0", "Team", "2026-12-30", "todo", None, None, "M0"],
        ["m1", "Again, waits on M0", "Team", "2026-12-30", "todo", None, None, "M0"],
    ]))
    project = check_xlsx(tmp_path / "acme.xlsx")
    assert flags_by_row(project) == {2: ["OVERDUE"], 3: [], 4: [], 5: [], 6: [], 7: [],
                                     8: ["INVALID"], 9: ["INVALID"]}
    assert sorted(p["cell"] for p in project["problems"]) == ["A4", "A5", "A6", "A7", "A8",
                                                              "A9"]


# --------------------------------------------------------------------------- Google locale


def test_a_google_sheet_with_a_year_first_locale_decides_an_ambiguous_date_and_says_so(
        gsheets_env: SheetsEmulator, clean_google_env: Path) -> None:
    # "where both do and Date order is blank, a Google Sheet's locale decides and the cell is
    # listed in Problems as a note saying which order was used": zh_CN too, whose own dates
    # are year first. Google reads a typed 03/04/2026 there month first (as en_US does).
    gsheets_env.create_spreadsheet("zhsheet", "宏图", {
        "项目": [["字段", "值"], ["客户邮箱", "ann@acme.example"], ["语言", "中文"]],
        "里程碑": [["编号", "里程碑", "截止日期", "状态"],
                 ["M1", "设计", "03/04/2026", "进行中"],
                 ["M2", "开发", "26/11/27", "进行中"]],
    }, locale="zh_CN")
    project = check_google("gsheet:zhsheet")
    m1, m2 = project["milestones"]
    assert (m1["due"], m1["flags"]) == ("2026-03-04", ["OVERDUE"])
    assert (m2["due"], m2["flags"]) == ("2026-11-27", ["DUE_SOON"])  # year first, as zh_CN
    notes = {p["cell"]: p for p in project["problems"]}
    assert set(notes) == {"C2", "C3"}
    assert "2026-03-04" in notes["C2"]["problem"] and "zh_CN" in notes["C2"]["problem"]
    assert "日期顺序" in notes["C2"]["how_to_fix"]


# --------------------------------------------------------------------------- every name


CONTRACT_NAMES = [  # (tab, English, 中文, key) as CONTRACT section 1 lists them
    *[("tab", en, zh, en) for en, zh in [
        ("Project", "项目"), ("Milestones", "里程碑"), ("Updates", "进展"), ("Changes", "变更"),
        ("Problems", "问题"), ("Log", "日志")]],
    *[("field", en, zh, key) for en, zh, key in [
        ("Project", "项目名称", "name"), ("Client", "客户", "client"),
        ("Client emails", "客户邮箱", "client_emails"),
        ("Client sponsor email", "客户负责人邮箱", "sponsor_email"),
        ("Project manager", "项目经理", "pm_name"), ("PM email", "项目经理邮箱", "pm_email"),
        ("CC", "抄送", "cc"), ("Time zone", "时区", "time_zone"), ("Language", "语言", "language"),
        ("Report day", "报告日", "report_day"), ("Report time", "报告时间", "report_time"),
        ("Due soon days", "临期天数", "due_soon_days"),
        ("Confirm within days", "确认期限天数", "confirm_within_days"),
        ("Reminder every days", "提醒间隔天数", "reminder_every_days"),
        ("Date order", "日期顺序", "date_order"),
        ("Reports paused", "暂停报告", "reports_paused")]],
    *[("Project", en, zh, key) for en, zh, key in [("Field", "字段", "field"),
                                                   ("Value", "值", "value")]],
    *[("Milestones", en, zh, key) for en, zh, key in [
        ("ID", "编号", "id"), ("Milestone", "里程碑", "title"), ("Owner", "负责方", "owner"),
        ("Start", "开始日期", "start"), ("Due", "截止日期", "due"), ("Status", "状态", "status"),
        ("Acceptance criteria", "验收标准", "acceptance"), ("Done on", "完成日期", "done_on"),
        ("Client confirmed", "客户确认", "client_confirmed"),
        ("Confirmed on", "确认日期", "confirmed_on"), ("Depends on", "依赖", "depends_on"),
        ("Notes", "备注", "notes"), ("Flag", "标记", "flag"),
        ("Flag detail", "标记说明", "flag_detail")]],
    *[("Updates", en, zh, key) for en, zh, key in [
        ("Date", "日期", "date"), ("Type", "类型", "type"), ("Update", "内容", "text"),
        ("Milestone", "里程碑", "milestone"), ("By", "填写人", "by"),
        ("Internal", "内部", "internal")]],
    *[("Changes", en, zh, key) for en, zh, key in [
        ("ID", "编号", "id"), ("Date", "日期", "date"), ("Requested by", "提出人", "requested_by"),
        ("Change", "变更内容", "change"), ("Impact", "影响", "impact"),
        ("Milestone", "里程碑", "milestone"), ("Old due", "原截止日期", "old_due"),
        ("New due", "新截止日期", "new_due"), ("Status", "状态", "status"),
        ("Client approved", "客户批准", "client_approved")]],
]


@pytest.mark.parametrize("kind, english, chinese, key", CONTRACT_NAMES,
                         ids=[f"{k}:{e}" for k, e, _, _ in CONTRACT_NAMES])
def test_every_name_of_the_contract_in_both_languages_any_case_and_spacing(
        kind: str, english: str, chinese: str, key: str) -> None:
    def found(name: str) -> str | None:
        if kind == "tab":
            return schema.canonical_tab(name)
        if kind == "field":
            return schema.field_key(name)
        return schema.column_key(kind, name)

    for name in (english, chinese):
        for spelling in (name, name.upper(), name.lower(), f"  {name}\t", f"\u3000{name} "):
            assert found(spelling) == key, repr(spelling)


# --------------------------------------------------------------------------- every tab's problems


PROBLEM_TABS = {
    "Project": [["Field", "Value"], ["Client emails", "ann@acme.example"],
                ["Time zone", "Mars/Olympus"]],
    "Milestones": [["ID", "Milestone", "Due"], ["M1", "Kick-off", "someday"]],
    "Updates": [["Date", "Type", "Update"], ["2026-11-20", "gossip", "Met Ann"]],
    "Changes": [["ID", "Date", "Change", "Status"], ["C1", "2026-11-20", "A form", "perhaps"]],
    "Budget": [["Item", "Cost"], ["Servers", "lots"]],
}


def test_check_json_lists_the_problems_of_every_tab_alike_from_xlsx_and_google(
        tmp_path: Path, gsheets_env: SheetsEmulator, clean_google_env: Path) -> None:
    make_workbook(tmp_path / "acme.xlsx", PROBLEM_TABS)
    gsheets_env.create_spreadsheet("acme", "acme", PROBLEM_TABS)
    expected = [("Project", "B3", "Mars/Olympus"), ("Milestones", "C2", "someday"),
                ("Updates", "B2", "gossip"), ("Changes", "D2", "perhaps")]
    for project in (check_xlsx(tmp_path / "acme.xlsx"), check_google("gsheet:acme")):
        assert sorted((p["tab"], p["cell"], p["value"]) for p in project["problems"]) == sorted(
            expected)
        assert all(p["problem"] and p["how_to_fix"] for p in project["problems"])
        assert [(m["id"], m["row"], m["due"], m["flags"]) for m in project["milestones"]] == [
            ("M1", 2, None, ["INVALID"])]


# --------------------------------------------------------------------------- defaults


def test_a_blank_time_zone_is_utc_on_a_google_sheet_too(
        gsheets_env: SheetsEmulator, clean_google_env: Path) -> None:
    # Project tab, Time zone: "default UTC". The sheet's own time zone (File → Settings) is
    # Shanghai here: at 17:00 UTC on 27 Nov it is already the 28th there, not in UTC.
    gsheets_env.create_spreadsheet("tz", "Acme", {
        "Project": [["Field", "Value"], ["Client emails", "ann@acme.example"]],
        "Milestones": [["ID", "Milestone", "Due"], ["M1", "Launch", "2026-11-27"]],
    }, time_zone="Asia/Shanghai")
    checked = api.check("gsheet:tz", now=datetime(2026, 11, 27, 17, 0, tzinfo=UTC),
                        dry_run=True)
    assert checked.project is not None and checked.project.settings.time_zone == "UTC"
    assert checked.as_of == date(2026, 11, 27)
    assert [a.flags for a in checked.assessments] == [(Flag.DUE_SOON,)]


# --------------------------------------------------------------------------- problem texts


def test_a_formula_without_a_value_is_said_in_the_projects_language_with_what_to_do(
        tmp_path: Path, gsheets_env: SheetsEmulator, clean_google_env: Path) -> None:
    project_tab = [["字段", "值"], ["客户邮箱", "ann@acme.example"], ["语言", "中文"]]
    gsheets_env.create_spreadsheet("zhf", "宏图", {
        "项目": project_tab,
        "里程碑": [["编号", "里程碑", "截止日期"], ["M1", "设计", Formula("=1/0", "#DIV/0!")]]})
    (error,) = check_google("gsheet:zhf")["problems"]
    assert (error["cell"], error["value"]) == ("C2", "#DIV/0!")
    assert "#DIV/0!" in error["problem"] and "公式" in error["how_to_fix"]
    assert "保存" not in error["how_to_fix"]  # saving again does not mend a broken formula
    make_workbook(tmp_path / "宏图.xlsx", {
        "项目": project_tab,
        "里程碑": [["编号", "里程碑", "截止日期"], ["M1", "设计", "=TODAY()+3"]]})
    (unsaved,) = check_xlsx(tmp_path / "宏图.xlsx")["problems"]
    assert (unsaved["cell"], unsaved["value"]) == ("C2", "=TODAY()+3")
    for said in (error, unsaved):
        assert not re.search(r"formula|value|saved", said["problem"] + said["how_to_fix"]), said


# --------------------------------------------------------------------------- Flag columns


def test_a_title_merged_across_above_the_table_leaves_room_for_the_flag_columns(
        tmp_path: Path) -> None:
    # "Flag, Flag detail ... created at the right of the table if missing": a title row
    # merged over the sheet's width, above the header, is not where they go.
    book = build(project_tabs(Milestones=[
        ["Acme rollout plan"], [], ["ID", "Milestone", "Due"], ["M1", "Kick-off", "2026-11-01"]]))
    book["Milestones"].merge_cells("A1:L1")
    book.save(tmp_path / "acme.xlsx")
    project = check_xlsx(tmp_path / "acme.xlsx")
    assert project["problems"] == []
    rows = read_values(tmp_path / "acme.xlsx", "Milestones")
    assert rows[2][3:5] == ["Flag", "Flag detail"]
    assert rows[3][3:5] == ["OVERDUE", "Overdue by 26 days"]
