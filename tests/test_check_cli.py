"""`sheetsync check` as staff and machines meet it: a real process, real files (CONTRACT §4)."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures_env import SHEETSYNC, child_environ
from tests.xlsx_factory import make_workbook, project_tabs

ROWS = [
    ["M1", "Kick-off", "Team", date(2026, 11, 2), "Done", date(2026, 11, 3), None, None],
    ["M2", "Design", "Client", "2026-11-20", "In progress", None, None, "M1"],
    [None, "Forgotten ID", None, "2026-11-20"],
    ["M3", "Build", "Team", "31/02/2026", "todo", None, None, "M2"],
    ["M4", "Launch", "us", "Dec 1, 2026", "Blocked", None, None, "M3"],
    ["M2", "Design again", "Team", "2027-01-10"],
]

MILESTONE_KEYS = {"id", "row", "title", "owner", "status", "due", "flags", "days_overdue"}
PROBLEM_KEYS = {"tab", "cell", "value", "problem", "how_to_fix"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = child_environ(SHEETSYNC_STATE_DIR=str(cwd / "state"))
    return subprocess.run([*SHEETSYNC, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def workbook(tmp_path: Path, name: str = "acme.xlsx", rows: list[list[Any]] = ROWS,
             **kw: Any) -> Path:
    return make_workbook(tmp_path / name, project_tabs(rows, **kw))


def check_json(tmp_path: Path, *sources: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    out = run("check", *sources, "--as-of", "2026-11-27", "--json", *extra, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_json_has_exactly_the_contract_shape(tmp_path: Path) -> None:
    workbook(tmp_path)
    data = check_json(tmp_path, "acme.xlsx")

    assert set(data) == {"as_of", "projects"}
    assert data["as_of"] == "2026-11-27"
    (project,) = data["projects"]
    assert {"project", "source", "milestones", "problems"} <= set(project)
    assert project["project"] == "Acme rollout"
    assert project["source"] == "acme.xlsx"
    for m in project["milestones"]:
        assert set(m) >= MILESTONE_KEYS  # the contract allows more fields, never fewer
        assert isinstance(m["row"], int) and isinstance(m["days_overdue"], int)
        assert m["flags"] == sorted(m["flags"])
    for p in project["problems"]:
        assert set(p) >= PROBLEM_KEYS
        assert all(isinstance(p[k], str) for k in PROBLEM_KEYS)
        assert p["problem"] and p["how_to_fix"]


def test_json_lists_every_row_with_an_id_in_sheet_order_with_its_sheet_row(
        tmp_path: Path) -> None:
    workbook(tmp_path)
    (project,) = check_json(tmp_path, "acme.xlsx")["projects"]
    assert [(m["id"], m["row"]) for m in project["milestones"]] == [
        ("M1", 2), ("M2", 3), ("M3", 5), ("M4", 6), ("M2", 7)]
    m1, m2, m3, m4, dup = ({k: m[k] for k in MILESTONE_KEYS} for m in project["milestones"])
    assert m1 == {"id": "M1", "row": 2, "title": "Kick-off", "owner": "Team", "status": "Done",
                  "due": "2026-11-02", "flags": ["UNCONFIRMED"], "days_overdue": 0}
    assert m2 == {"id": "M2", "row": 3, "title": "Design", "owner": "Client",
                  "status": "In progress", "due": "2026-11-20", "flags": ["CLIENT_OVERDUE"],
                  "days_overdue": 7}
    assert (m3["due"], m3["flags"], m3["status"]) == (None, ["AT_RISK", "INVALID"],
                                                      "Not started")
    assert (m4["owner"], m4["due"], m4["flags"]) == ("Team", "2026-12-01",
                                                     ["AT_RISK", "BLOCKED", "DUE_SOON"])
    assert dup["flags"] == ["INVALID"]


def test_rows_are_sheet_rows_below_a_title(tmp_path: Path) -> None:
    make_workbook(tmp_path / "acme.xlsx", project_tabs(Milestones=[
        ["Acme rollout plan"], [], ["ID", "Milestone", "Due"], ["M1", "Kick-off", "2026-11-30"]]))
    (project,) = check_json(tmp_path, "acme.xlsx")["projects"]
    assert [(m["id"], m["row"], m["flags"]) for m in project["milestones"]] == [
        ("M1", 4, ["DUE_SOON"])]


def test_json_problems_say_tab_cell_value_and_fix(tmp_path: Path) -> None:
    workbook(tmp_path)
    (project,) = check_json(tmp_path, "acme.xlsx")["projects"]
    by_cell = {p["cell"]: p for p in project["problems"]}
    assert by_cell["D5"]["tab"] == "Milestones"
    assert by_cell["D5"]["value"] == "31/02/2026"
    assert "date" in by_cell["D5"]["problem"]
    assert "as YYYY-MM-DD" in by_cell["D5"]["how_to_fix"]  # the format, not an answer-like date
    assert set(by_cell) == {"A4", "D5", "A7"}


def test_problems_exit_zero_and_are_written_to_the_sheet(tmp_path: Path) -> None:
    import openpyxl

    path = workbook(tmp_path)
    out = run("check", "acme.xlsx", "--as-of", "2026-11-27", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Acme rollout" in out.stdout and out.stderr == ""
    book = openpyxl.load_workbook(path)
    assert book["Problems"]["B3"].value == "D5"
    assert book["Milestones"]["I3"].value == "CLIENT_OVERDUE"


def test_dry_run_prints_the_same_and_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    before = path.read_bytes(), path.stat().st_mtime_ns
    dry = check_json(tmp_path, "acme.xlsx", extra=("--dry-run",))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    wet = check_json(tmp_path, "acme.xlsx")
    for key in ("milestones", "problems"):
        assert dry["projects"][0][key] == wet["projects"][0][key]


def test_chinese_project_json(tmp_path: Path) -> None:
    make_workbook(tmp_path / "宏图.xlsx", {
        "项目": [["字段", "值"], ["语言", "中文"]],
        "里程碑": [["编号", "里程碑", "负责方", "截止日期", "状态"],
                ["M1", "启动会", "甲方", "2026年11月20日", "进行中"]],
    })
    (project,) = check_json(tmp_path, "宏图.xlsx")["projects"]
    assert project["project"] == "宏图"  # the file title
    assert project["milestones"][0]["owner"] == "Client"
    assert project["milestones"][0]["flags"] == ["CLIENT_OVERDUE"]
    assert [p["problem"] for p in project["problems"]] == ["没有客户邮箱，因此不会发送报告"]


def test_without_as_of_the_day_is_today_in_the_project_time_zone(tmp_path: Path) -> None:
    for name, zone in (("east.xlsx", "Pacific/Kiritimati"), ("west.xlsx", "Pacific/Pago_Pago")):
        workbook(tmp_path, name, [["M1", "x", None, "2026-11-20"]], project=[
            ["Field", "Value"], ["Client emails", "a@b.example"], ["Time zone", zone]])
    before = {z: datetime.now(ZoneInfo(z)).date().isoformat()
              for z in ("Pacific/Kiritimati", "Pacific/Pago_Pago")}
    out = run("check", "east.xlsx", "west.xlsx", "--json", "--dry-run", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    east, west = json.loads(out.stdout)["projects"]
    assert east.get("as_of", before["Pacific/Kiritimati"]) == before["Pacific/Kiritimati"]
    assert west.get("as_of", before["Pacific/Pago_Pago"]) == before["Pacific/Pago_Pago"]


# --------------------------------------------------------------------------- failures


def one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_missing_file_exits_1_with_one_sentence(tmp_path: Path) -> None:
    out = run("check", "nope.xlsx", "--as-of", "2026-11-27", cwd=tmp_path)
    assert out.returncode == 1
    line = one_sentence(out.stderr)
    assert "nope.xlsx" in line and "does not exist" in line


def test_a_missing_file_does_not_stop_the_other_projects(tmp_path: Path) -> None:
    workbook(tmp_path)
    out = run("check", "nope.xlsx", "acme.xlsx", "--as-of", "2026-11-27", "--json",
              cwd=tmp_path)
    assert out.returncode == 1
    one_sentence(out.stderr)
    missing, good = json.loads(out.stdout)["projects"]
    assert missing["milestones"] == [] and good["milestones"]


def test_a_file_that_is_not_a_workbook_exits_1_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "acme.xlsx").write_text("Name,Due\nKick-off,2026-11-27\n")
    out = run("check", "acme.xlsx", "--as-of", "2026-11-27", cwd=tmp_path)
    assert out.returncode == 1
    assert "acme.xlsx" in one_sentence(out.stderr)


@pytest.mark.parametrize("as_of", ["27/11/2026", "tomorrow", "2026-02-30", ""])
def test_a_bad_as_of_exits_2(tmp_path: Path, as_of: str) -> None:
    workbook(tmp_path)
    before = (tmp_path / "acme.xlsx").read_bytes()
    out = run("check", "acme.xlsx", "--as-of", as_of, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "--as-of" in out.stderr
    assert (tmp_path / "acme.xlsx").read_bytes() == before


def test_no_source_and_no_config_exits_2_with_one_sentence(tmp_path: Path) -> None:
    out = run("check", "--as-of", "2026-11-27", cwd=tmp_path)
    assert out.returncode == 2
    assert "SOURCE" in one_sentence(out.stderr)
