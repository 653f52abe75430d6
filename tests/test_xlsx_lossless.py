"""The .xlsx write-back changes only sheetsync's cells: every other part byte for byte.

Workbooks are made by the tools that make real ones (xlsxwriter: tables, charts, images,
sparklines, a dropdown fed from another tab in the x14 block, comments, defined names, an
.xlsm with its vbaProject.bin; LibreOffice: a file saved by another program). After a check
the zip is compared part by part, the touched worksheet cell by cell, and the patched file
is opened by LibreOffice (values through CSV) and by openpyxl (no new warning).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.core import rules, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.model import CellWrite, LogEntry, Unreadable, WritePlan
from tests.test_xlsx_backend import NOW, ROWS, check, column, headers
from tests.xlsx_factory import (
    VBA_PROJECT,
    build,
    make_workbook,
    project_tabs,
    read_values,
    real_workbook,
    sheet_xml_paths,
)

# openpyxl, used here to look at the result, does not model the x14 blocks it is shown.
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
D = date(2026, 11, 27)
FLAGS = ["UNCONFIRMED", "CLIENT_OVERDUE", "AT_RISK, DUE_SOON", "AT_RISK"]
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                   "installed here; .ci/run installs libreoffice-calc-nogui")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def part_of(path: Path, tab: str) -> str:
    with zipfile.ZipFile(path) as z:
        return sheet_xml_paths(z)[tab]


def outside_sheet_data(xml: bytes) -> bytes:
    """The part without its cells and its size hint (which grows to cover new cells)."""
    xml = re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", b"", xml, flags=re.DOTALL)
    return re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)


def cells(path: Path, tab: str) -> dict[str, Any]:
    with warnings.catch_warnings():  # openpyxl does not model x14 blocks: not our concern
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    try:
        return {c.coordinate: (c.value, c.number_format) for row in book[tab].iter_rows()
                for c in row if c.value is not None}
    finally:
        book.close()


def openpyxl_warnings(path: Path) -> set[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        openpyxl.load_workbook(path).close()
    return {str(w.message) for w in caught}


@pytest.mark.parametrize("name", ["acme.xlsx", "acme.xlsm"])
def test_check_changes_only_its_cells_and_copies_every_other_part(tmp_path: Path,
                                                                  name: str) -> None:
    path = real_workbook(tmp_path / name, ROWS, vba=name.endswith(".xlsm"))
    before = parts(path)
    milestones = part_of(path, "Milestones")
    cells_before = cells(path, "Milestones")

    result = check(path)

    assert result.written and result.project is not None and result.project.problems == ()
    after = parts(path)
    changed = {n for n in before if after.get(n) != before[n]}
    assert set(before) <= set(after)  # nothing removed
    assert changed == {milestones, "xl/styles.xml", "xl/workbook.xml",
                       "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    new = set(after) - set(before)  # the Problems, History, Board and Timeline tabs
    assert {part_of(path, t) for t in ("Problems", "History", "Board", "Timeline")} == new
    if name.endswith(".xlsm"):
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"] == VBA_PROJECT
        assert b"sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    # In the touched part: the same XML around the cells (x14 dropdown, sparkline block,
    # validations, conditional formats, panes) and the same cells but the job's.
    assert outside_sheet_data(after[milestones]) == outside_sheet_data(before[milestones])
    assert b"Lists!$A$1:$A$5" in after[milestones]
    assert b'<dimension ref="A1:J5"/>' in after[milestones]
    cells_after = cells(path, "Milestones")
    assert {k: v for k, v in cells_after.items() if k[0] not in "IJ"} == cells_before
    assert column(path, "Flag") == FLAGS
    assert headers(path)[8:] == ["Flag", "Flag detail"]
    assert openpyxl_warnings(path) <= openpyxl_warnings_of(before, tmp_path)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]

    again = path.read_bytes()
    assert not check(path).written  # nothing left to write
    assert path.read_bytes() == again


def openpyxl_warnings_of(files: dict[str, bytes], folder: Path) -> set[str]:
    copy = folder / "before-copy.xlsx"
    with zipfile.ZipFile(copy, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return openpyxl_warnings(copy)


def test_a_plain_workbook_opens_in_openpyxl_without_any_warning(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    check(path)
    entry = LogEntry(NOW, "report", "Acme", ("ann@acme.example",), "Weekly", "sent", "<1@x>")
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    backend.apply(writeplan.build(project, None, problems=False, log=(entry,)))
    assert openpyxl_warnings(path) == set()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Project", "Milestones", "Problems", "History", "Board",
                               "Timeline", "Log"]
    assert book["Milestones"]["I1"].fill.fgColor.rgb == "FFE8EAED"  # the job's grey
    assert book["Log"]["A1"].font.b and book["Log"].freeze_panes == "A2"


# --------------------------------------------------------------------------- LibreOffice


def soffice(*args: str, cwd: Path) -> None:
    profile = cwd / "lo-profile"
    subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless",
                    *args], cwd=cwd, check=True, capture_output=True, timeout=180)


def csv_values(path: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every tab as LibreOffice reads it (CSV, one file per tab)."""
    import csv

    out.mkdir()
    soffice("--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,"
            "false,false,-1", "--outdir", str(out), str(path), cwd=out)
    found = {}
    for f in out.glob(f"{path.stem}-*.csv"):
        with f.open(encoding="utf-8", newline="") as fh:
            found[f.stem[len(path.stem) + 1:]] = list(csv.reader(fh))
    return found


def shown(value: Any) -> str | set[str]:
    """The text LibreOffice shows for a value (a date in any of the formats it uses)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return {value.strftime(f) for f in ("%m/%d/%Y", "%Y-%m-%d", "%d %b %Y", "%m/%d/%y")}
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def assert_libreoffice_reads_what_openpyxl_reads(path: Path, out: Path) -> None:
    lo = csv_values(path, out)
    book = openpyxl.load_workbook(path, data_only=True)
    assert set(lo) == set(book.sheetnames)
    for ws in book.worksheets:
        expected = [[shown(v) for v in row] for row in ws.iter_rows(values_only=True)]
        got = lo[ws.title]
        for r, row in enumerate(expected):
            line = got[r] if r < len(got) else []
            for c, value in enumerate(row):
                text = line[c] if c < len(line) else ""
                assert text in value if isinstance(value, set) else text == value, \
                    (ws.title, r + 1, c + 1, text, value)


@needs_soffice
@pytest.mark.parametrize("name", ["acme.xlsx", "acme.xlsm"])
def test_libreoffice_opens_the_patched_file_with_the_same_values(tmp_path: Path,
                                                                 name: str) -> None:
    path = real_workbook(tmp_path / name, ROWS, vba=name.endswith(".xlsm"))
    check(path)
    assert_libreoffice_reads_what_openpyxl_reads(path, tmp_path / "csv")
    assert read_values(path, "Milestones")[1][8] == "UNCONFIRMED"


@needs_soffice
def test_a_workbook_saved_by_libreoffice_is_patched_losslessly(tmp_path: Path) -> None:
    made = make_workbook(tmp_path / "made.xlsx", project_tabs(ROWS))
    (tmp_path / "lo").mkdir()
    soffice("--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(made), cwd=tmp_path)
    path = tmp_path / "lo" / "made.xlsx"
    before = parts(path)
    milestones = part_of(path, "Milestones")

    result = check(path)

    assert result.written
    after = parts(path)
    changed = {n for n in before if after.get(n) != before[n]}
    assert changed <= {milestones, "xl/styles.xml", "xl/workbook.xml",
                       "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    assert outside_sheet_data(after[milestones]) == outside_sheet_data(before[milestones])
    assert column(path, "Flag") == FLAGS
    assert_libreoffice_reads_what_openpyxl_reads(path, tmp_path / "csv")


# --------------------------------------------------------------------------- where flags go


def test_staff_notes_without_a_header_are_never_written_over(tmp_path: Path) -> None:
    path = real_workbook(tmp_path / "acme.xlsx", ROWS, notes={"I3": "call Ann", "I5": "ok?"})
    check(path)
    rows = read_values(path, "Milestones")
    assert rows[0][8:] == [None, "Flag", "Flag detail"]
    assert [r[8] for r in rows[1:]] == [None, "call Ann", None, "ok?"]
    assert [r[9] for r in rows[1:]] == FLAGS


def test_a_merged_range_where_the_flags_go_is_a_problem_and_other_projects_go_on(
        tmp_path: Path) -> None:
    book = build(project_tabs(ROWS))
    book["Milestones"].merge_cells("I1:J1")
    book.save(tmp_path / "merged.xlsx")
    merged = tmp_path / "merged.xlsx"
    other = make_workbook(tmp_path / "other.xlsx", project_tabs(ROWS))
    milestones_before = parts(merged)[part_of(merged, "Milestones")]

    from click.testing import CliRunner

    from sheetsync.cli.main import main

    out = CliRunner().invoke(main, ["check", str(merged), str(other), "--as-of", "2026-11-27"])
    assert "Traceback" not in out.output
    result = check(merged)
    assert result.project is not None
    (problem,) = result.project.problems
    assert problem.how_to_fix.startswith("Unmerge I1:J1 or move it; sheetsync needs two empty "
                                         "columns right of the table")
    assert next(a.flags for a in result.assessments) == ("UNCONFIRMED",)  # still reported
    assert parts(merged)[part_of(merged, "Milestones")] == milestones_before
    assert read_values(merged, "Problems")[1][3] == problem.problem
    assert column(other, "Flag") == FLAGS


# --------------------------------------------------------------------------- job-owned tabs


def test_a_log_row_changes_only_the_log_part(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS, Log=[
        ["Time", "Job", "Project", "Recipients", "Subject", "Result", "Message-ID", "Detail"],
        ["2026-11-20T16:00:00", "report", "Acme", "a@x", "Weekly", "sent", "<0@x>"]]))
    before = parts(path)
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    entry = LogEntry(NOW, "report", "Acme", ("ann@acme.example",), "Weekly", "sent", "<1@x>")
    backend.apply(writeplan.build(project, None, problems=False, log=(entry,)))
    after = parts(path)
    assert {n for n in after if after[n] != before.get(n)} == {part_of(path, "Log")}
    rows = read_values(path, "Log")
    assert len(rows) == 3 and rows[2][:2] == ["2026-11-27T09:00:00+00:00", "report"]


def test_the_problems_tab_is_rewritten_and_staff_text_beside_it_stays(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [*ROWS, ["M5", "Five", None, "soon"]],
        Problems=[["Tab", "Cell", "Value", "Problem", "How to fix", "Staff note"],
                  ["Milestones", "A9", "x", "old", "old", "we know"],
                  ["Milestones", "A10", "y", "old", "old"],
                  ["Milestones", "A11", "z", "old", "old", "keep me"]]))
    check(path)
    rows = read_values(path, "Problems")
    assert rows[1][:2] == ["Milestones", "D6"] and rows[1][5] == "we know"
    assert rows[2][:5] == [None] * 5 and rows[3][:5] == [None] * 5 and rows[3][5] == "keep me"


def flag_plan(*cells: CellWrite) -> WritePlan:
    """A plan for the Flag columns I and J of a workbook made with ``ROWS``."""
    return WritePlan(flags_tab="Milestones", id_col=1, header_row=1, flag_col=9, detail_col=10,
                     flag_cells=(CellWrite(1, 9, "Flag", style="job"),
                                 CellWrite(1, 10, "Flag detail", style="job"), *cells))


def test_a_cell_can_name_a_fill_colour_and_styles_grow_only_once(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    backend.read()
    backend.apply(flag_plan(CellWrite(2, 9, "OVERDUE", "M1", style="fill:FFC7CE")))
    styles = parts(path)["xl/styles.xml"]
    backend.apply(flag_plan(CellWrite(3, 9, "OVERDUE", "M2", style="fill:FFC7CE")))
    assert parts(path)["xl/styles.xml"] == styles
    book = openpyxl.load_workbook(path)
    assert book["Milestones"]["I2"].fill.fgColor.rgb == "FFFFC7CE"
    assert book["Milestones"]["I3"].fill.fgColor.rgb == "FFFFC7CE"
    assert book["Milestones"]["I2"].value == "OVERDUE"


def test_text_is_stored_inline_as_text(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    backend.read()
    backend.apply(flag_plan(CellWrite(2, 9, "=1+1 <b> & \"quoted\"", "M1"),
                            CellWrite(2, 10, "  two\nlines ", "M1")))
    xml = parts(path)[part_of(path, "Milestones")]
    assert b't="inlineStr"><is><t>=1+1 &lt;b&gt; &amp; "quoted"</t></is>' in xml
    assert read_values(path, "Milestones")[1][8:10] == ["=1+1 <b> & \"quoted\"", "  two\nlines "]


def test_rules_and_plan_agree_after_a_roundtrip(tmp_path: Path) -> None:
    path = real_workbook(tmp_path / "acme.xlsx", ROWS)
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    backend.apply(writeplan.build(project, rules.assess(project, D)))
    again = parse_workbook(XlsxFile(path).read(), str(path))
    assert writeplan.build(again, rules.assess(again, D)).empty


def test_the_reader_gives_what_openpyxl_gives_for_every_kind_of_cell(tmp_path: Path) -> None:
    from datetime import time, timedelta

    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(
        [["M1", "Rich", "Team", datetime(2026, 11, 2, 13, 30), 0.25, 1.5, True, "=1+1"],
         ["M2", 12, None, 46000, 2.75, -3, False, "x"]],
        Updates=[["Date", "Type", "Update"], [date(2026, 11, 1), "Note", "a\nb & <c>"]]))
    book = openpyxl.load_workbook(path)
    ws = book["Milestones"]
    ws["E2"].number_format = "h:mm"  # a time of day
    ws["F2"].number_format = "[h]:mm:ss"  # a duration
    ws["E3"].number_format = "[h]:mm"
    ws["D3"].number_format = "d-mmm-yy"
    book.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = openpyxl.load_workbook(path, data_only=True)
    raw = XlsxFile(path).read()
    for tab in raw.tabs:
        want = [list(r) for r in expected[tab.name].iter_rows(values_only=True)]
        for r, row in enumerate(tab.rows):
            for c, value in enumerate(row):
                if isinstance(value, Unreadable):  # no saved result: openpyxl gives None
                    assert want[r][c] is None and value.text == "=1+1"
                else:
                    assert value == want[r][c], (tab.name, r + 1, c + 1)
    assert raw.tabs[1].rows[1][4] == time(6, 0)
    assert raw.tabs[1].rows[1][5] == timedelta(hours=36)
    assert raw.tabs[1].rows[2][3] == datetime(2025, 12, 9)


def test_the_quick_reader_and_the_element_reader_agree(tmp_path: Path, monkeypatch) -> None:
    from sheetsync.backends import xlsx_package

    files = [real_workbook(tmp_path / "real.xlsx", ROWS),
             make_workbook(tmp_path / "plain.xlsx", project_tabs(
                 [*ROWS, ["M5", "a &amp; <b> é中", None, "=NOW()"]]))]
    check(files[0])  # inline strings and a new tab, as sheetsync writes them
    files.append(_reordered(files[1], tmp_path / "reordered.xlsx"))
    quick = [XlsxFile(f).read() for f in files]
    monkeypatch.setattr(xlsx_package, "scan_sheet", lambda *args: None)
    slow = [XlsxFile(f).read() for f in files]
    assert quick == slow
    assert quick[2].tabs == quick[1].tabs  # the attributes' order does not matter


def _reordered(path: Path, to: Path) -> Path:
    """The same workbook with each cell's attributes in another order (t, s, r) and a
    metadata attribute, as some programs write them."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(to, "w") as dst:
        target = part_of(path, "Milestones")
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target:
                def flip(m: re.Match[bytes]) -> bytes:
                    attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m[1]))
                    order = [k for k in (b"t", b"s", b"r") if k in attrs]
                    return (b"<c " + b" ".join(k + b'="' + attrs[k] + b'"' for k in order)
                            + b' vm="0"' + m[2])

                data = re.sub(rb"<c ([^>]*?)(/?>)", flip, data)
            dst.writestr(info, data)
    return to
