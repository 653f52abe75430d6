"""A staff save at every stage of an .xlsx write: nothing staff saved is lost, flags are right.

The backend calls ``hook(stage)`` before the read ("read"), after it took the file it will
patch ("plan"), while it writes the temporary file ("temp") and once that is written, just
before it checks the file is unchanged and replaces it ("replace"). A staff save there
inserts a row above the milestones (so every flag must move down a row) and renames one.
Owner lock files and leftover temporary files are here too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheetsync.backends import xlsx
from sheetsync.backends.xlsx import XlsxFile
from sheetsync.core import rules, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import WriteRefused
from sheetsync.shell import pipeline
from tests.test_xlsx_backend import NOW, ROWS, check, column, read_values
from tests.xlsx_factory import make_workbook, project_tabs

D = date(2026, 11, 27)
FLAGS = {"M1": "UNCONFIRMED", "M2": "CLIENT_OVERDUE", "M3": "AT_RISK, DUE_SOON",
         "M4": "AT_RISK"}


def staff_save(path: Path) -> None:
    """What a person does in Excel: insert a row at the top of the table, rename M2."""
    book = openpyxl.load_workbook(path)
    ws = book["Milestones"]
    ws.insert_rows(2)
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "M2":
            row[1].value = "Design, second round"
    book.save(path)


def flags_by_id(path: Path) -> dict[str, str]:
    rows = read_values(path, "Milestones")
    flag = rows[0].index("Flag")
    return {r[0]: r[flag] for r in rows[1:] if r[0]}


def checked_with(path: Path, backend: XlsxFile) -> pipeline.Checked:
    result = pipeline.check(str(path), lambda source: backend, now=NOW, as_of=D)
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("stage", ["read", "plan", "temp", "replace"])
def test_a_staff_save_at_any_stage_of_a_write_is_kept_and_flags_are_right(
        tmp_path: Path, stage: str) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    seen: list[str] = []

    def hook(at: str) -> None:
        seen.append(at)
        if at == stage and seen.count(at) == 1:
            staff_save(path)

    backend.hook = hook
    result = checked_with(path, backend)

    assert result.written
    rows = read_values(path, "Milestones")
    assert rows[1][0] is None  # the inserted row is there
    assert [r[1] for r in rows[2:6]] == ["Kick-off", "Design, second round", "Build", "Launch"]
    assert flags_by_id(path) == FLAGS
    if stage != "read":  # the save was seen and the write planned again on the new file
        assert seen.count("plan") == 2
    # exactly the flags and problems a check wants; only the Board and Timeline, planned
    # from the file as read, are refreshed by the next check with the staff's new title
    project = parse_workbook(XlsxFile(path).read(), str(path))
    plan = writeplan.build(project, rules.assess(project, D))
    assert plan.flag_cells == () and plan.problems_rows is None
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "acme.xlsx"]


def test_a_file_saved_before_every_replace_is_never_overwritten(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    saves = 0

    def hook(at: str) -> None:
        nonlocal saves
        if at == "replace":
            saves += 1
            book = openpyxl.load_workbook(path)
            book["Milestones"]["B2"] = f"Kick-off, save {saves}"
            book.save(path)

    backend.hook = hook
    project = parse_workbook(backend.read(), str(path))
    with pytest.raises(WriteRefused, match="saved again each of the 3 times"):
        backend.apply(writeplan.build(project, rules.assess(project, D)))
    assert saves == xlsx.ATTEMPTS
    assert read_values(path, "Milestones")[1][1] == "Kick-off, save 3"
    assert "Flag" not in read_values(path, "Milestones")[0]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


# --------------------------------------------------------------------------- open workbooks


@pytest.mark.parametrize("lock,program", [(".~lock.acme.xlsx#", "LibreOffice"),
                                          ("~$acme.xlsx", "Excel")])
def test_an_open_workbook_is_checked_but_not_written_until_it_is_closed(
        tmp_path: Path, lock: str, program: str) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    (tmp_path / lock).write_text("Pat,pat-laptop,2026-11-27T09:00;", encoding="utf-8")
    before = path.read_bytes()

    result = check(path)

    assert not result.written and result.refused
    assert {a.milestone.id: ", ".join(a.flags) for a in result.assessments} == FLAGS
    assert result.project is not None
    (problem,) = result.project.problems
    assert f"it is open in {program}" in problem.problem and lock in problem.problem
    assert problem.how_to_fix.startswith("Close the workbook")
    assert path.read_bytes() == before

    (tmp_path / lock).unlink()  # closed: the next run writes
    assert check(path).written
    assert flags_by_id(path) == FLAGS


def test_a_workbook_opened_between_read_and_write_is_not_written(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    before = path.read_bytes()
    (tmp_path / ".~lock.acme.xlsx#").write_text("Pat;", encoding="utf-8")
    with pytest.raises(WriteRefused, match="open in LibreOffice"):
        backend.apply(writeplan.build(project, rules.assess(project, D)))
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- leftovers


def test_temporary_files_left_by_a_killed_write_are_removed_on_the_next_run(
        tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    leftovers = [tmp_path / ".acme.xlsx.sheetsync-k1ll3d.tmp",  # this version's name
                 tmp_path / ".acme.a8f3xq.xlsx.tmp"]  # the name earlier versions used
    for leftover in leftovers:
        leftover.write_bytes(b"PK\x03\x04 half a zip")
    staff = tmp_path / ".acme-notes.tmp"  # not sheetsync's: stays
    staff.write_text("mine", encoding="utf-8")

    check(path, dry_run=True)  # even a run that writes nothing cleans up

    assert not any(p.exists() for p in leftovers)
    assert staff.exists()
    assert column(path, "ID") == ["M1", "M2", "M3", "M4"]


def test_flags_follow_their_column_when_staff_insert_one_before_the_write(
        tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "acme.xlsx", project_tabs(ROWS))
    check(path, as_of=date(2026, 11, 26))  # the Flag columns exist now, at I and J
    backend = XlsxFile(path)
    project = parse_workbook(backend.read(), str(path))
    plan = writeplan.build(project, rules.assess(project, D))
    assert plan.flag_cells

    book = openpyxl.load_workbook(path)  # meanwhile staff add a column at the left
    book["Milestones"].insert_cols(1)
    book["Milestones"]["A1"] = "Phase"
    book.save(path)
    backend.apply(plan)

    rows = read_values(path, "Milestones")
    assert rows[0][9:11] == ["Flag", "Flag detail"]
    assert flags_by_id_at(path, 1) == FLAGS
    project = parse_workbook(XlsxFile(path).read(), str(path))  # the Board of the 26th is
    plan = writeplan.build(project, rules.assess(project, D))  # the check's to refresh
    assert plan.flag_cells == () and plan.problems_rows is None


def flags_by_id_at(path: Path, id_col: int) -> dict[str, str]:
    rows = read_values(path, "Milestones")
    flag = rows[0].index("Flag")
    return {r[id_col]: r[flag] for r in rows[1:] if r[id_col]}
