"""The .xlsx backend with real files: what check writes, and everything it must not touch."""

from __future__ import annotations

import re
import shutil
import threading
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from sheetsync.backends import xlsx
from sheetsync.backends.xlsx import XlsxFile
from sheetsync.core import rules, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import LockBusy, SourceError
from sheetsync.model import LogEntry, Unreadable
from sheetsync.shell import pipeline
from tests.xlsx_factory import (
    build,
    make_workbook,
    project_tabs,
    read_values,
    sheet_xml_paths,
    text_cell,
    with_cached_values,
)

D = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ROWS = [
    ["M1", "Kick-off", "Team", date(2026, 11, 2), "Done", date(2026, 11, 3), None, None],
    ["M2", "Design", "Client", "2026-11-20", "In progress", None, None, "M1"],
    ["M3", "Build", "Team", "2026-12-01", "todo", None, None, "M2"],
    ["M4", "Launch", "Team", "2027-03-01", "Not started", None, None, "M3"],
]


def check(path: Path, *, dry_run: bool = False, as_of: date = D) -> pipeline.Checked:
    result = pipeline.check(str(path), xlsx_open, now=NOW, as_of=as_of, dry_run=dry_run)
    assert result.error is None, result.error
    return result


def flags_as_a_check_wants(path: Path) -> bool:
    """A check would change no Flag cell and no Problems row (only its own progress tabs)."""
    project = parse_workbook(XlsxFile(path).read(), str(path))
    plan = writeplan.build(project, rules.assess(project, D))
    return plan.flag_cells == () and plan.problems_rows is None


def xlsx_open(source: str) -> XlsxFile:
    return XlsxFile(source)


def headers(path: Path, tab: str = "Milestones") -> list[Any]:
    return read_values(path, tab)[0]


def column(path: Path, name: str, tab: str = "Milestones") -> list[Any]:
    rows = read_values(path, tab)
    i = rows[0].index(name)
    return [r[i] if i < len(r) else None for r in rows[1:]]


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# --------------------------------------------------------------------------- round trip


def rich_workbook(path: Path) -> Path:
    """A workbook as staff keep it: styled, validated, commented, with other tabs."""
    book = build(project_tabs(ROWS, Budget=[["Item", "Cost"], ["Servers", 1200.5],
                                            ["Total", "=SUM(B2:B2)"]]))
    ws = book["Milestones"]
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF", name="Arial", size=11)
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["B3"].font = Font(italic=True, underline="single", strike=True)
    ws["C3"].border = Border(left=Side(style="thin"), bottom=Side(style="double", color="FF0000"))
    ws["D2"].number_format = "dd mmm yyyy"
    ws["F2"].number_format = "yyyy-mm-dd"
    ws["B4"].alignment = Alignment(wrap_text=True, indent=2, text_rotation=45)
    ws["A5"].protection = Protection(locked=False, hidden=True)
    ws["B5"].number_format = "@"
    status = DataValidation(type="list", formula1='"Not started,In progress,Done,Blocked"',
                            allow_blank=True, showErrorMessage=True, error="Pick one")
    ws.add_data_validation(status)
    status.add("E2:E200")
    ws.conditional_formatting.add(
        "D2:D200", CellIsRule(operator="lessThan", formula=["TODAY()"],
                              fill=PatternFill("solid", fgColor="FFC7CE")))
    ws["B2"].comment = Comment("Agreed with Ann on the call", "Pat")
    ws["B3"].hyperlink = "https://example.com/design"
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["H"].hidden = True
    ws.row_dimensions[3].height = 33
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = "A1:H5"
    ws.merge_cells("A7:C7")
    ws["A7"] = "Notes for the team (merged)"
    book.defined_names["Milestone_IDs"] = DefinedName("Milestone_IDs",
                                                      attr_text="Milestones!$A$2:$A$100")
    book["Budget"].column_dimensions["A"].width = 25
    book["Budget"].sheet_properties.tabColor = "00B050"
    book.save(path)
    return path


STYLE = ("number_format", "font", "fill", "border", "alignment", "protection")


def cell_state(cell: Any) -> tuple[Any, ...]:
    comment = (cell.comment.text, cell.comment.author) if cell.comment else None
    link = cell.hyperlink.target if cell.hyperlink else None
    return (cell.value, cell.data_type, *(repr(getattr(cell, a)) for a in STYLE), comment, link)


def sheet_state(ws: Any, max_col: int | None = None) -> dict[str, Any]:
    """Everything staff can see or set on one tab, as comparable values."""
    cols = max_col or ws.max_column
    return {
        "cells": {c.coordinate: cell_state(c) for row in ws.iter_rows(max_col=cols)
                  for c in row},
        "validation": [(repr(dv.sqref), dv.type, dv.formula1, dv.error)
                       for dv in ws.data_validations.dataValidation],
        "conditional": [(repr(rng.sqref), [r.formula for r in rules_])
                        for rng, rules_ in ws.conditional_formatting._cf_rules.items()],
        "widths": {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "tab_colour": repr(ws.sheet_properties.tabColor),
    }


JOB_TABS = ("Problems", "History", "Board", "Timeline")  # written by the check


def book_state(path: Path, staff_cols: int) -> dict[str, Any]:
    book = openpyxl.load_workbook(path)
    try:
        return {
            "tabs": [ws.title for ws in book.worksheets if ws.title not in JOB_TABS],
            "names": {n: d.attr_text for n, d in book.defined_names.items()},
            **{ws.title: sheet_state(ws, staff_cols if ws.title == "Milestones" else None)
               for ws in book.worksheets if ws.title not in JOB_TABS},
        }
    finally:
        book.close()


def test_check_changes_no_staff_cell_format_or_feature(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "acme.xlsx")
    before = book_state(path, staff_cols=8)

    result = check(path)

    assert result.written
    after = book_state(path, staff_cols=8)
    for key in before:
        assert after[key] == before[key], key
    assert headers(path)[8:10] == ["Flag", "Flag detail"]


def test_check_writes_only_flag_columns_and_problems(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "acme.xlsx")
    book = openpyxl.load_workbook(path)
    book["Milestones"]["D3"] = "31/02/2026"
    book.save(path)
    book.close()
    before = openpyxl.load_workbook(path)

    check(path)

    after = openpyxl.load_workbook(path)
    assert after.sheetnames == [*before.sheetnames, "Problems", "History", "Board", "Timeline"]
    changed = {(ws.title, c.coordinate) for ws in after.worksheets for row in ws.iter_rows()
               for c in row
               if ws.title not in before.sheetnames
               or cell_state(c) != cell_state(before[ws.title][c.coordinate])}
    outside = {(tab, ref) for tab, ref in changed
               if tab not in JOB_TABS and not (tab == "Milestones" and ref[0] in "IJ")}
    assert outside == set()
    assert ("Milestones", "I1") in changed and ("Problems", "A1") in changed


def test_new_job_tabs_get_their_column_widths_and_frozen_panes(tmp_path: Path) -> None:
    from sheetsync.core import board, gantt

    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    check(path)

    book = openpyxl.load_workbook(path)
    board_tab, timeline, history = book["Board"], book["Timeline"], book["History"]
    assert board_tab.freeze_panes == "A2" and timeline.freeze_panes == "C2"  # as on Google
    assert history.freeze_panes == "A2"
    assert board_tab.column_dimensions["A"].width == board.CARD_WIDTH
    assert [timeline.column_dimensions[c].width for c in "AB"] == list(gantt.WIDTHS[:2])
    assert history.column_dimensions["D"].width == 24
    book["Board"].column_dimensions["A"].width = 50  # staff widen a column: it stays
    book.save(path)
    book.close()
    cards = read_values(path, "Board")
    book = openpyxl.load_workbook(path)
    book["Milestones"].cell(2, 5).value = "In progress"  # M1 moves: the Board is rewritten
    book.save(path)
    book.close()

    check(path)

    assert read_values(path, "Board") != cards
    book = openpyxl.load_workbook(path)
    assert book["Board"].column_dimensions["A"].width == 50
    book.close()


def test_flags_and_details_are_written_beside_each_id(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    check(path)
    rows = read_values(path, "Milestones")
    assert rows[0][8:] == ["Flag", "Flag detail"]
    assert [(r[0], r[8], r[9]) for r in rows[1:]] == [
        ("M1", "UNCONFIRMED", "Not confirmed 19 days after the 5-day window"),
        ("M2", "CLIENT_OVERDUE", "Client overdue by 7 days"),
        ("M3", "AT_RISK, DUE_SOON", "At risk: M2 is late; Due in 4 days"),
        ("M4", "AT_RISK", "At risk: M2 is late"),
    ]


def test_a_second_run_adds_no_column_and_writes_nothing(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs([*ROWS, ["M5", "x", None, "soon"]]))
    assert check(path).written
    once = snapshot(path)

    again = check(path)

    assert not again.written
    assert snapshot(path) == once
    assert headers(path).count("Flag") == 1 and headers(path).count("Flag detail") == 1


def test_flags_go_to_existing_flag_columns_wherever_staff_moved_them(tmp_path: Path) -> None:
    header = ["Flag detail", "ID", "Flag", "Milestone", "Due", "Notes"]
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        Milestones=[header, [None, "M1", None, "One", "2026-11-20", "n"]]))
    check(path)
    rows = read_values(path, "Milestones")
    assert rows[0] == header
    assert rows[1] == ["Overdue by 7 days", "M1", "OVERDUE", "One", "2026-11-20", "n"]


def test_chinese_project_gets_chinese_flag_headers_details_and_problems_tab(
        tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "hongtu.xlsx", {
        "项目": [["字段", "值"], ["语言", "中文"], ["客户邮箱", "li@hongtu.cn"]],
        "里程碑": [["编号", "里程碑", "截止日期"], ["M1", "启动", "2026-11-20"],
                ["M2", "设计", "明天"]],
    })
    check(path)
    rows = read_values(path, "里程碑")
    assert rows[0] == ["编号", "里程碑", "截止日期", "标记", "标记说明"]
    assert rows[1][3:] == ["OVERDUE", "逾期 7 天"]
    problems = read_values(path, "问题")
    assert problems[0] == ["工作表", "单元格", "值", "问题", "修改方法"]
    assert problems[1][:4] == ["里程碑", "C3", "明天", "不是日期"]


def test_a_fixed_row_has_its_flag_cleared_and_its_problem_removed(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "One", None, "2026-11-20"], ["M2", "Two", None, "soon"],
         ["M3", "Three", None, "later"]]))
    check(path)
    assert len(read_values(path, "Problems")) == 3

    book = openpyxl.load_workbook(path)
    book["Milestones"]["E2"] = "Done"  # E is Status
    book["Milestones"]["G2"] = "Yes"  # Client confirmed
    book["Milestones"]["D3"] = "2027-01-01"
    book.save(path)
    check(path)

    assert column(path, "Flag")[:2] == [None, None]
    assert column(path, "Flag detail")[:2] == [None, None]
    problems = [r for r in read_values(path, "Problems") if any(r)]
    assert [r[1] for r in problems] == ["Cell", "D4"]


def test_log_rows_are_appended_below_a_new_header(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    entry = LogEntry(NOW, "report", "Acme", ("ann@acme.example",), "=Weekly", "sent", "<1@x>")
    backend.apply(writeplan.build(project, None, problems=False, log=(entry,)))
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    backend.apply(writeplan.build(project, None, problems=False, log=(entry,)))
    rows = read_values(path, "Log")
    assert rows[0][:3] == ["Time", "Job", "Project"]
    assert [r[4] for r in rows[1:]] == ["=Weekly", "=Weekly"]
    assert column(path, "Milestone") == [r[1] for r in ROWS]  # nothing else written


# --------------------------------------------------------------------------- text stays text


def test_text_starting_with_equals_is_written_as_text_never_a_formula(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [[text_cell("=M1"), text_cell("=HYPERLINK(\"http://evil\")"), None, "2026-11-20"],
         [text_cell("=M1"), "Again", None, text_cell("=TODAY()+3")]],
        project=[["Field", "Value"], ["Project", text_cell("=1+1")],
                 ["Client emails", "ann@acme.example"]]))
    result = check(path)
    assert result.project is not None and result.project.settings.name == "=1+1"
    assert [m.title for m in result.project.milestones] == ['=HYPERLINK("http://evil")', "Again"]

    book = openpyxl.load_workbook(path)
    problems = book["Problems"]
    values = {c.value: c.data_type for row in problems.iter_rows(min_row=2) for c in row
              if isinstance(c.value, str) and c.value.startswith("=")}
    assert values == {"=M1": "s", "=TODAY()+3": "s"}
    ms = book["Milestones"]
    assert (ms["B2"].value, ms["B2"].data_type) == ('=HYPERLINK("http://evil")', "s")
    assert ms["A2"].data_type == "s"
    assert not _formula_cells(path, "Problems") and not _formula_cells(path, "Milestones")


def _formula_cells(path: Path, tab: str) -> list[bytes]:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet_xml_paths(archive)[tab])
    return re.findall(rb"<f\b", xml)


# --------------------------------------------------------------------------- formulas


def test_a_formula_with_a_cached_value_is_read_and_keeps_it_after_a_write(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "One", None, "=DATE(2026,11,20)", '="In "&"progress"'],
         ["M2", "Two", None, "2026-12-20"]],
        Budget=[["Total", "=6*7"]]))
    with_cached_values(path, {("Milestones", "D2"): 46346, ("Milestones", "E2"): "In progress",
                              ("Budget", "B1"): 42})
    first = check(path)
    assert first.project is not None and first.project.problems == ()
    assert first.assessments[0].milestone.due == date(2026, 11, 20)
    assert first.written

    formulas = openpyxl.load_workbook(path)
    assert formulas["Milestones"]["D2"].value == "=DATE(2026,11,20)"
    assert formulas["Budget"]["B1"].value == "=6*7"
    cached = openpyxl.load_workbook(path, data_only=True)
    assert cached["Milestones"]["D2"].value == 46346
    assert cached["Milestones"]["E2"].value == "In progress"
    assert cached["Budget"]["B1"].value == 42

    after = snapshot(path)
    second = check(path)
    assert second.project is not None and second.project.problems == ()
    assert not second.written and snapshot(path) == after


def test_a_formula_without_cached_value_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "One", None, "=DATE(2026,11,20)"], ["M2", "Two", None, "2026-12-20"]]))
    result = check(path)
    assert result.project is not None
    (problem,) = result.project.problems
    assert (problem.cell, problem.value) == ("D2", "=DATE(2026,11,20)")
    assert "formula" in problem.problem
    assert result.assessments[0].flags == ("INVALID",)
    assert openpyxl.load_workbook(path)["Milestones"]["D2"].value == "=DATE(2026,11,20)"
    assert not check(path).written  # the same problem again: nothing new to write


def test_the_reader_marks_uncached_formulas_unreadable(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs([["M1", "One", None, "=X1"]]))
    raw = XlsxFile(path).read()
    tab = next(t for t in raw.tabs if t.name == "Milestones")
    assert isinstance(tab.value(2, 4), Unreadable)
    assert tab.value(2, 4).text == "=X1"


# --------------------------------------------------------------------------- charts, images


def _with_chart(path: Path) -> Path:
    book = build(project_tabs([["M1", "One", None, "2026-11-20"]],
                              Chart=[["a", 1], ["b", 2]]))
    chart = BarChart()
    chart.add_data(Reference(book["Chart"], min_col=2, min_row=1, max_row=2))
    book["Chart"].add_chart(chart, "D2")
    book.save(path)
    return path


def test_a_workbook_with_a_chart_is_written_and_keeps_the_chart(tmp_path: Path) -> None:
    path = _with_chart(tmp_path / "acme.xlsx")
    with zipfile.ZipFile(path) as before:
        kept = {n: before.read(n) for n in before.namelist() if "chart" in n or "drawing" in n}
    assert kept

    result = check(path)

    assert result.written
    assert result.project is not None and result.project.problems == ()
    assert column(path, "Flag") == ["OVERDUE"]
    with zipfile.ZipFile(path) as after:
        assert {n: after.read(n) for n in kept} == kept


# --------------------------------------------------------------------------- atomic, locked


def test_a_crash_while_saving_leaves_the_original_intact(tmp_path: Path, monkeypatch) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    before = path.read_bytes()

    def crash(source: Any, raw: bytes, out: Any, *args: Any, **kwargs: Any) -> None:
        out.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(xlsx.xlsx_zip, "write_zip", crash)
    result = pipeline.check(str(path), xlsx_open, now=NOW, as_of=D)

    assert result.error is not None and "disk full" in str(result.error)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "acme.xlsx"]


def test_an_interrupted_write_leaves_the_original_intact(tmp_path: Path, monkeypatch) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "One", None, "=DATE(2026,11,20)"]]))
    with_cached_values(path, {("Milestones", "D2"): 46346})
    before = path.read_bytes()
    backend = XlsxFile(path)

    def interrupt(stage: str) -> None:
        if stage == "temp":
            raise KeyboardInterrupt

    backend.hook = interrupt
    with pytest.raises(KeyboardInterrupt):
        pipeline.check_loaded(pipeline.load(str(path), lambda s: backend), as_of=D)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".tmp", ".xlsx")] == ["acme.xlsx"]


def test_the_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    path.chmod(0o640)
    check(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_two_writers_at_once_both_succeed_one_after_the_other(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backends = [XlsxFile(path), XlsxFile(path)]
    plans = []
    for backend in backends:  # both read before either writes
        project = parse_workbook(backend.read(), str(path))
        plans.append(writeplan.build(project, rules.assess(project, D)))
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(backend: XlsxFile, plan: Any) -> None:
        start.wait()
        try:
            backend.apply(plan)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=pair) for pair in zip(backends, plans,
                                                                           strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    rows = read_values(path, "Milestones")
    assert rows[0] == ["ID", "Milestone", "Owner", "Due", "Status", "Done on",
                       "Client confirmed", "Depends on", "Flag", "Flag detail"]
    assert column(path, "Flag") == ["UNCONFIRMED", "CLIENT_OVERDUE", "AT_RISK, DUE_SOON",
                                    "AT_RISK"]
    assert flags_as_a_check_wants(path)  # what both wrote is exactly what a check wants


def test_two_check_processes_at_once_leave_one_good_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    exe = Path(sys.executable).with_name("sheetsync")
    procs = [subprocess.Popen([str(exe), "check", str(path), "--as-of", "2026-11-27"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert headers(path).count("Flag") == 1
    assert column(path, "Flag")[0] == "UNCONFIRMED"
    assert not check(path).written


def test_a_writer_waits_for_the_lock_and_gives_up_with_a_sentence(tmp_path: Path,
                                                                  monkeypatch) -> None:
    from filelock import FileLock

    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    monkeypatch.setattr(xlsx, "LOCK_TIMEOUT", 0.2)
    before = path.read_bytes()
    with FileLock(str(tmp_path / ".acme.xlsx.sheetsync.lock")):
        result = pipeline.check(str(path), xlsx_open, now=NOW, as_of=D)
    assert isinstance(result.error, LockBusy)
    assert "try again" in str(result.error)
    assert path.read_bytes() == before


def test_flags_follow_their_ids_when_rows_move_between_read_and_write(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    plan = writeplan.build(project, rules.assess(project, D))

    book = openpyxl.load_workbook(path)  # meanwhile staff insert a row above M1
    book["Milestones"].insert_rows(2)
    book["Milestones"]["A2"] = "M0"
    book.save(path)
    backend.apply(plan)

    rows = read_values(path, "Milestones")
    flags = {r[0]: r[8] for r in rows[1:]}
    assert flags == {"M0": None, "M1": "UNCONFIRMED", "M2": "CLIENT_OVERDUE",
                     "M3": "AT_RISK, DUE_SOON", "M4": "AT_RISK"}


# --------------------------------------------------------------------------- dry run, reading


def test_dry_run_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs([*ROWS, ["M5", "x", None, "?"]]))
    before = snapshot(path)
    result = check(path, dry_run=True)
    assert not result.written
    assert result.assessments[1].flags == ("CLIENT_OVERDUE",)
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.xlsx"]


def test_every_row_is_read_even_when_the_file_states_a_wrong_size(tmp_path: Path) -> None:
    # Some programs write <dimension ref="A1"/> or a stale size; Excel ignores it.
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    tmp = tmp_path / "x.tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        target = sheet_xml_paths(src)["Milestones"]
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target:
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', data)
            dst.writestr(info, data)
    tmp.replace(path)
    result = check(path, dry_run=True)
    assert [a.milestone.id for a in result.assessments] == ["M1", "M2", "M3", "M4"]
    assert result.assessments[3].milestone.depends_on == ("M3",)


def test_a_missing_file_is_a_source_error_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        XlsxFile(tmp_path / "nope.xlsx").read()


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_a_source_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "acme.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError):
        XlsxFile(path).read()


def test_a_zip_that_is_not_a_workbook_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "acme.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(SourceError):
        XlsxFile(path).read()


@pytest.mark.parametrize("damage", ["truncated XML", "corrupt compression"])
def test_a_damaged_sheet_inside_the_file_is_a_source_error(tmp_path: Path, damage: str) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    tmp = tmp_path / "x.tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        target = sheet_xml_paths(src)["Milestones"]
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target and damage == "truncated XML":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    if damage == "corrupt compression":
        data = bytearray(tmp.read_bytes())
        with zipfile.ZipFile(tmp) as archive:
            info = archive.getinfo(target)
        start = info.header_offset + 30 + len(info.filename) + 10
        data[start:start + 40] = b"\x00" * 40
        tmp.write_bytes(bytes(data))
    tmp.replace(path)
    with pytest.raises(SourceError, match="could not be opened"):
        XlsxFile(path).read()


def test_a_folder_that_cannot_be_written_is_a_source_error(tmp_path: Path,
                                                            monkeypatch) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(xlsx.tempfile, "mkstemp", denied)
    result = pipeline.check(str(path), xlsx_open, now=NOW, as_of=D)
    assert isinstance(result.error, SourceError)
    assert "Permission denied" in str(result.error)


def test_an_uncached_formula_is_shown_to_staff_as_they_typed_it(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "One", None, '=IF(B2<>"",DATE(2026,11,20),"")']]))
    result = check(path, dry_run=True)
    assert result.project is not None
    (problem,) = result.project.problems
    assert problem.value == '=IF(B2<>"",DATE(2026,11,20),"")'
    assert "&" not in problem.problem


def _typed_workbook(path: Path) -> Path:
    """Values of every kind, and formulas whose saved results are of every kind."""
    make_workbook(path, {
        "Milestones": [
            ["ID", "Due", "Start", "Client confirmed", "Notes", "Depends on"],
            [7, datetime(2026, 11, 27, 15, 30), 46353, True, 1.5, "=1"],
            ["M2", "=DATE(2026,11,20)", "=46353", "=TRUE()", '="a<b&c"', "=NA()"],
            ["M3", "=DATE(2026,11,21)", None, None, "=1.25*2", "=UNKNOWN()"],
        ],
        "Other": [["not read"]],
    })
    book = openpyxl.load_workbook(path)
    book["Milestones"]["B3"].number_format = "yyyy-mm-dd"
    book.save(path)
    with_cached_values(path, {("Milestones", "F2"): 1, ("Milestones", "B3"): 46346,
                              ("Milestones", "C3"): 46353, ("Milestones", "E3"): "a<b&c",
                              ("Milestones", "E4"): 2.5})
    _set_cached_kind(path, "D3", "b", "1")
    _set_cached_kind(path, "F3", "e", "#N/A")
    return path


def _set_cached_kind(path: Path, ref: str, kind: str, value: str) -> None:
    tmp = path.with_suffix(".kind")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        target = sheet_xml_paths(src)["Milestones"]
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target:
                data = re.sub(rb'<c r="' + ref.encode() + rb'"([^>]*)><f>(.*?)</f><v>\s*</v></c>',
                              lambda m: (b'<c r="' + ref.encode() + b'" t="' + kind.encode()
                                         + b'"><f>' + m[2] + b"</f><v>" + value.encode()
                                         + b"</v></c>"), data)
            dst.writestr(info, data)
    tmp.replace(path)


def test_values_are_read_as_openpyxl_reads_saved_results(tmp_path: Path) -> None:
    path = _typed_workbook(tmp_path / "acme.xlsx")
    raw = XlsxFile(path).read()
    assert [t.name for t in raw.tabs] == ["Milestones"]
    assert raw.title == "acme" and raw.can_write
    rows = raw.tabs[0].rows
    cached = openpyxl.load_workbook(path, data_only=True)["Milestones"]
    for r, row in enumerate(rows[:3], start=1):
        assert list(row) == [c.value for c in cached[r]][: len(row)], r
    assert rows[1] == (7, datetime(2026, 11, 27, 15, 30), 46353, True, 1.5, 1)
    assert rows[2] == ("M2", datetime(2026, 11, 20), 46353, True, "a<b&c", "#N/A")
    assert rows[3][4] == 2.5
    assert isinstance(rows[3][1], Unreadable) and isinstance(rows[3][5], Unreadable)


def test_one_read_then_two_writes_keeps_both_and_the_formula_results(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "One", None, "=DATE(2026,11,20)"], ["M2", "Two", None, "2026-12-01"]]))
    with_cached_values(path, {("Milestones", "D2"): 46346})
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    backend.apply(writeplan.build(project, rules.assess(project, D)))  # the check
    entry = LogEntry(NOW, "report", "Acme", ("ann@acme.example",), "Weekly", "sent", "<1@x>")
    backend.apply(writeplan.build(project, None, problems=False, log=(entry,)))  # a report

    assert column(path, "Flag") == ["OVERDUE", "DUE_SOON"]
    assert read_values(path, "Log")[1][1] == "report"
    assert openpyxl.load_workbook(path, data_only=True)["Milestones"]["D2"].value == 46346
    assert flags_as_a_check_wants(path)


def test_with_a_state_dir_the_write_lock_lives_there_not_beside_the_workbook(
        tmp_path: Path) -> None:
    from sheetsync.backends.xlsx import XlsxFile
    from sheetsync.core import rules, writeplan
    from sheetsync.core.parse import parse_workbook

    folder = tmp_path / "shared-drive"
    folder.mkdir()
    book = folder / "acme.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "examples" / "acme-rollout.xlsx", book)
    backend = XlsxFile(book, lock_dir=tmp_path / "state" / "locks")
    project = parse_workbook(backend.read(), str(book))
    backend.apply(writeplan.build(project, rules.assess(project, date(2026, 11, 27))))
    assert sorted(p.name for p in folder.iterdir()) == ["acme.xlsx"]
    assert [p.suffix for p in (tmp_path / "state" / "locks").iterdir()] == [".lock"]
