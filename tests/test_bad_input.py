"""Bad input ends in a sentence that says what to do, never in a traceback (issue 11 item 7).

Real parts: the ``sheetsync`` command as a process, real .xlsx files, a real encrypted
workbook (made with msoffcrypto-tool, as Excel's "Encrypt with Password" stores it).
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.fixtures_env import SHEETSYNC, child_environ
from tests.xlsx_factory import MILESTONE_HEADER, make_workbook, project_tabs

ROWS = [["M1", "Design", "Team", "2026-11-20", "In progress", None, None, ""],
        ["M2", "Launch", "Team", "2026-12-20", "Not started", None, None, "M1"]]


def sheetsync(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SHEETSYNC, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=child_environ(**{
                              "SHEETSYNC_OUTBOX": str(cwd / "out"),
                              "SHEETSYNC_FROM": "pm@team.example", **env}))


def sentence_only(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    assert "bug" not in result.stderr + result.stdout
    return result.stderr + result.stdout


def book(tmp_path: Path, name: str = "acme.xlsx", rows: list[list[Any]] = ROWS,
         header: list[str] = MILESTONE_HEADER) -> Path:
    tabs = project_tabs(rows)
    tabs = {**tabs, "Milestones": [header, *rows]}
    return make_workbook(tmp_path / name, tabs)


def problems(tmp_path: Path, path: Path) -> list[dict[str, str]]:
    result = sheetsync("check", str(path), "--json", "--as-of", "2026-11-25", cwd=tmp_path)
    sentence_only(result)
    assert result.returncode == 0, result.stderr
    found: list[dict[str, str]] = json.loads(result.stdout)["projects"][0]["problems"]
    return found


def test_a_config_source_with_a_nul_byte_is_named(tmp_path: Path) -> None:
    (tmp_path / "sheetsync.toml").write_text('[[projects]]\nsource = "acme\\u0000.xlsx"\n')
    for command in ("check", "run", "doctor"):
        result = sheetsync(command, cwd=tmp_path)
        said = sentence_only(result)
        assert result.returncode == 2, (command, said)
        assert "source of project 1" in said and "sheetsync.toml" in said


@pytest.mark.parametrize("args", [
    ["run", "--now", "9999-12-31T23:59+00:00"],
    ["run", "--now", "0001-01-01T00:00+00:00"],
    ["report", "--as-of", "9999-12-31"],
    ["check", "--as-of", "0001-01-01"],
])
def test_a_moment_at_the_ends_of_the_calendar_is_a_usage_error(
    tmp_path: Path, args: list[str]
) -> None:
    path = book(tmp_path)
    result = sheetsync(*args[:1], str(path), *args[1:], cwd=tmp_path)
    said = sentence_only(result)
    assert result.returncode == 2 and "9998-12-31" in said


def test_the_last_day_allowed_runs(tmp_path: Path) -> None:
    path = book(tmp_path)
    result = sheetsync("run", str(path), "--now", "9998-12-31T23:59-12:00", cwd=tmp_path)
    sentence_only(result)
    assert result.returncode == 0, result.stderr


def test_a_password_protected_workbook_is_said_to_be_encrypted(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = book(tmp_path, "plain.xlsx")
    locked = tmp_path / "acme.xlsx"
    with plain.open("rb") as fh:
        out = io.BytesIO()
        OOXMLFile(fh).encrypt("s3cret", out)
    locked.write_bytes(out.getvalue())
    for command in ("check", "run"):
        result = sheetsync(command, str(locked), cwd=tmp_path)
        said = sentence_only(result)
        assert result.returncode == 1
        assert "encrypted with a password" in said and "remove the password" in said
        assert "zip" not in said


def test_a_from_address_with_a_line_break_names_the_variable(tmp_path: Path) -> None:
    path = book(tmp_path)
    result = sheetsync("run", str(path), "--now", "2026-11-27T16:05+00:00", cwd=tmp_path,
                       SHEETSYNC_FROM="pm@team.example\r\nBcc: all@evil.example")
    said = sentence_only(result)
    assert result.returncode == 2 and "SHEETSYNC_FROM" in said and "the sheet" not in said
    assert not (tmp_path / "out").exists()


def test_a_renamed_header_is_reported_at_its_own_cell(tmp_path: Path) -> None:
    header = [*MILESTONE_HEADER]
    header[3] = "Due by when"  # column D
    found = problems(tmp_path, book(tmp_path, header=header))
    assert [(p["cell"], p["value"]) for p in found] == [("D1", "Due by when")]
    assert "Due" in found[0]["problem"] and "rename" in found[0]["how_to_fix"]


def test_merged_headers_are_reported_at_the_merged_cell(tmp_path: Path) -> None:
    path = book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Milestones"].merge_cells("D1:E1")  # Due swallows Status
    wb.save(path)
    found = problems(tmp_path, path)
    assert {p["cell"] for p in found} == {"D1"}
    assert any("D1:E1" in p["problem"] and "Unmerge" in p["how_to_fix"] for p in found)


def test_a_header_in_xfd1_leaves_no_room_for_flags_and_nothing_is_written_past_it(
    tmp_path: Path
) -> None:
    path = book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Milestones"]["XFD1"] = "Extra"
    wb.save(path)
    found = problems(tmp_path, path)
    assert [(p["cell"], p["value"]) for p in found] == [("XFD1", "Extra")]
    assert found[0]["how_to_fix"]
    wb = openpyxl.load_workbook(path)
    assert wb["Milestones"].max_column == 16384  # nothing past Excel's last column
    assert wb["Problems"]["A2"].value == "Milestones"  # the problem is in the sheet
