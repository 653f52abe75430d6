"""Issue 17, item 5: the Problems tab stays small whatever a cell holds (both backends:
the bounds live in the pure core, ``parse`` and ``writeplan.problem_rows``)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sheetsync.core import writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.core.tables import VALUE_SHOWN
from sheetsync.model import Problem, RawTab, RawWorkbook
from tests.sheets_emulator import SheetsEmulator

SID = "1BigCellSheet_0123456789"


def workbook(depends: str) -> RawWorkbook:
    return RawWorkbook("Big", (
        RawTab("Project", (("Field", "Value"), ("Client emails", "ops@client.example"))),
        RawTab("Milestones", (("ID", "Milestone", "Due", "Depends on"),
                              ("M1", "Start", "2026-11-02", depends),
                              ("M2", "Build", "2026-11-20", "M1, M1x"))),
    ))


def big_cell(n: int = 5000) -> str:
    return ", ".join(f"X{i}" for i in range(n))


def test_a_cell_listing_5000_unknown_ids_is_one_short_problem() -> None:
    project = parse_workbook(workbook(big_cell()), "big.xlsx")
    (big,) = [p for p in project.problems if p.cell == "D2"]
    assert len(big.value) <= VALUE_SHOWN and big.value.startswith("X0, X1")
    assert "5000 IDs" in big.problem and "X0, X1, X2, X3 and 4996 more" in big.problem
    (small,) = [p for p in project.problems if p.cell == "D3"]
    assert small.problem == "depends on M1x, which is not an ID in Milestones"
    rows = writeplan.problem_rows(project)
    assert len(rows) == 3 and max(len(c) for r in rows for c in r) < 1000


def test_two_problems_of_one_cell_share_its_row() -> None:
    project = parse_workbook(workbook("M1"), "x.xlsx")  # M1 depends on itself
    extra = Problem("Milestones", "D2", "M1", "another thing", "Fix that too.")
    rows = writeplan.problem_rows(replace(project, problems=(*project.problems, extra)))
    (row,) = [r for r in rows if r[1] == "D2"]
    assert row[3] == "M1 depends on itself; another thing"
    assert row[4].endswith("Fix that too.")


def test_one_fault_twice_in_one_cell_names_both_parts_in_its_row() -> None:
    project = parse_workbook(RawWorkbook("x", (RawTab("Project", (
        ("Field", "Value"), ("Client emails", "bob(at)acme; ann@acme.example; cy(at)acme"))),)),
        "x.xlsx")
    (row,) = [r for r in writeplan.problem_rows(project) if r[1] == "B2"]
    assert row[2:4] == ("bob(at)acme; cy(at)acme", "not an email address")


def test_rows_and_cells_have_a_ceiling() -> None:
    project = parse_workbook(workbook("M2"), "x.xlsx")
    many = tuple(Problem("Updates", f"A{i}", "x", "p" * 60_000, "f") for i in range(2, 5000))
    rows = writeplan.problem_rows(replace(project, problems=many))
    assert len(rows) == writeplan.MAX_PROBLEM_ROWS + 1  # the header
    assert rows[-1][3] == f"{4998 - 999} more problems are not listed here"
    assert max(len(c) for r in rows for c in r) <= 500
    assert len(json.dumps(rows)) < 10_000_000  # as requests sends it (ASCII-escaped JSON)


def test_the_google_write_of_a_huge_cell_is_small(sheets_emulator: SheetsEmulator,
                                                  open_sheet: Any) -> None:
    sheets_emulator.create_spreadsheet(SID, "Big", {
        "Project": [["Field", "Value"], ["Client emails", "ops@client.example"]],
        "Milestones": [["ID", "Milestone", "Due", "Depends on"],
                       ["M1", "Start", "2026-11-02", big_cell()]],
        "Problems": [["Tab", "Cell", "Value", "Problem", "How to fix", "Staff"],
                     ["", "", "", "", "", "keep me"]],
    })
    sheet = open_sheet(f"gsheet:{SID}")
    project = parse_workbook(sheet.read(), f"gsheet:{SID}")
    sheet.apply(writeplan.build(project, ()))
    (write,) = [r for r in sheets_emulator.requests if r.path.endswith(":batchUpdate")]
    assert len(json.dumps(write.json)) < 20_000
    problems = sheets_emulator.values(SID, "Problems")
    assert problems[0][5] == "Staff" and problems[1][5] == "keep me"
    assert [r[1] for r in problems[1:] if r[1]] == ["D2"]


def test_a_write_too_big_for_one_request_is_split(sheets_emulator: SheetsEmulator,
                                                  open_sheet: Any,
                                                  monkeypatch: Any) -> None:
    from sheetsync.backends import gsheets_write

    monkeypatch.setattr(gsheets_write, "MAX_REQUEST_BYTES", 2_000)
    sheets_emulator.create_spreadsheet(SID, "Big", {"Milestones": [["ID"], ["M1"]]})
    sheet = open_sheet(f"gsheet:{SID}")
    sheet.read()
    rows = (("Tab", "Cell", "Value", "Problem", "How to fix"),
            *(("Milestones", f"A{i}", "x" * 300, "bad", "fix") for i in range(2, 40)))
    sheet.apply(writeplan.WritePlan(problems_tab="Problems", log_tab="Log", problems_rows=rows))
    writes = [r for r in sheets_emulator.requests if r.path.endswith(":batchUpdate")]
    kinds = [[next(iter(q)) for q in w.json["requests"]] for w in writes]
    # the new tab first; the Problems rows (the whole tab) are one request, never cut in two
    assert kinds == [["addSheet"], ["updateCells"]]
    assert len(json.dumps(writes[1].json)) > 2_000
    parts = gsheets_write.request_sized([{"range": f"A{i}", "values": [["y" * 500]]}
                                         for i in range(10)])
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert all(len(json.dumps(p)) <= 2_000 for p in parts)
