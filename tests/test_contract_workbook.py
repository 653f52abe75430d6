"""Acceptance of CONTRACT sections 1 and 2 through `sheetsync check --json`, as a user meets
them: real .xlsx files and Google Sheets on the loopback emulator, the real command line.

Only cases the rest of the suite does not hold end to end are here (the readers and the
rules are held cell by cell in test_cells.py, test_parse.py and test_rules.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sheetsync.cli.main import main
from tests.fixtures_env import SHEETSYNC, child_environ
from tests.sheets_emulator import SheetsEmulator
from tests.xlsx_factory import make_workbook, project_tabs

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
