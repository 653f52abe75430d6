"""The behaviour of the whole product on the example projects, held to recorded files.

A refactor must not change what sheetsync writes or sends. This runs the real command on
copies of ``examples/acme-rollout.xlsx`` and of the Chinese template (check, report,
remind, each as a process, emails to the outbox) and compares with ``tests/golden/``: the
``check --json`` output, every cell of the flagged workbook, and the report and reminder
emails (headers and Log cells that depend on the clock or the run masked). A deliberate
change of behaviour regenerates the files with ``SHEETSYNC_GOLDEN_UPDATE=1 pytest
tests/test_golden.py`` and shows up in review as a diff.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import openpyxl
import pytest

from tests.fixtures_env import child_environ

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {"acme": ROOT / "examples" / "acme-rollout.xlsx",
         "zh": ROOT / "sheet_templates" / "sheetsync-template-zh.xlsx"}
AS_OF = "2026-11-27"
REMIND_ON = "2026-11-30"  # the Monday after: reminders go out on a working day not the report day
UPDATE = os.environ.get("SHEETSYNC_GOLDEN_UPDATE") == "1"
KEPT_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Auto-Submitted", "X-Sheetsync-Job")


def _run(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "sheetsync", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cells(path: Path) -> dict[str, list[list[str]]]:
    book = openpyxl.load_workbook(path)
    out: dict[str, list[list[str]]] = {}
    for sheet in book.worksheets:
        rows = [["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)]
        out[sheet.title] = rows
    return out


def _email(path: Path) -> dict[str, Any]:
    msg = cast(EmailMessage, email.message_from_bytes(path.read_bytes(),
                                                      policy=email.policy.default))
    parts = {}
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            parts[part.get_content_type()] = cast(str, part.get_content())
    return {"headers": {h: str(msg[h]) for h in KEPT_HEADERS if msg[h] is not None},
            "parts": parts}


def _mask_log(rows: list[list[str]]) -> list[list[str]]:
    """The Log's Time and Message-ID columns depend on the clock of the run."""
    masked = (0, 6)  # Time and Message-ID, in the contract's column order
    return [rows[0]] + [[f"<{rows[0][j]}>" if j in masked and v
                         else re.sub(r"written to \S+", "written to <outbox file>", v)
                         for j, v in enumerate(row)] for row in rows[1:]]


def _observe(tmp: Path, workbook: Path) -> dict[str, Any]:
    book = tmp / "acme.xlsx"
    shutil.copy2(workbook, book)
    env = child_environ(SHEETSYNC_OUTBOX=str(tmp / "outbox"),
                        SHEETSYNC_STATE_DIR=str(tmp / "state"),
                        SHEETSYNC_FROM="Studio Projects <projects@studio.example>")
    checked = json.loads(_run(env, tmp, "check", "acme.xlsx", "--as-of", AS_OF, "--json"))
    _run(env, tmp, "report", "acme.xlsx", "--as-of", AS_OF, "--json")
    _run(env, tmp, "remind", "acme.xlsx", "--as-of", REMIND_ON, "--json")
    cells = _cells(book)
    for title in ("Log", "日志"):
        if title in cells:
            cells[title] = _mask_log(cells[title])
    emails = {}
    for path in sorted((tmp / "outbox").glob("*.eml")):
        parsed = _email(path)
        emails[parsed["headers"].get("X-Sheetsync-Job", path.stem)] = parsed
    return {"check.json": checked, "cells.json": cells, "emails.json": emails}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_example_project_behaves_as_recorded(tmp_path: Path, case: str) -> None:
    observed = _observe(tmp_path, CASES[case])
    golden = GOLDEN / case
    if UPDATE:
        golden.mkdir(parents=True, exist_ok=True)
        for name, value in observed.items():
            (golden / name).write_text(json.dumps(value, indent=1, ensure_ascii=False,
                                                  sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden files rewritten")
    for name, value in observed.items():
        recorded = json.loads((golden / name).read_text(encoding="utf-8"))
        assert json.loads(json.dumps(value, ensure_ascii=False)) == recorded, name
