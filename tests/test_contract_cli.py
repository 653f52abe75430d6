"""Acceptance cases for CONTRACT section 4 (the command line) that the other command tests
do not hold: the installed command in a subprocess, real .xlsx workbooks, emails written
to ``SHEETSYNC_OUTBOX``.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from tests.fixtures_env import SHEETSYNC, child_environ
from tests.xlsx_factory import make_workbook

# `result` as for `report` (section 4); a check, which sends nothing, says `done`
# (docs/reference.md), and a job that had nothing to send says `skipped` with why.
SEND_RESULTS = {"sent", "skipped", "dry-run", "failed", "unknown"}


def sheetsync(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SHEETSYNC, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=child_environ(SHEETSYNC_OUTBOX=str(tmp_path / "out"),
                          SHEETSYNC_STATE_DIR=str(tmp_path / "state"),
                          SHEETSYNC_FROM="reports@studio.example"))


def quiet_project(tmp_path: Path) -> Path:
    """Nothing waits on the client, and no PM email (so no one to preview to)."""
    return make_workbook(tmp_path / "quiet.xlsx", {
        "Project": [["Field", "Value"], ["Project", "Quiet"],
                    ["Client emails", "ann@client.example"], ["Time zone", "Europe/London"]],
        "Milestones": [["ID", "Milestone", "Owner", "Due", "Status"],
                       ["M1", "Build", "Team", datetime(2026, 12, 18), "In progress"]]})


def run_json(tmp_path: Path, book: Path, now: str) -> dict[str, Any]:
    out = sheetsync(tmp_path, "run", str(book), "--now", now, "--json")
    assert out.returncode == 0, out.stderr
    return cast(dict[str, Any], json.loads(out.stdout))


def test_run_json_says_skipped_with_why_when_a_job_had_nothing_to_send(tmp_path: Path) -> None:
    """`run --json` gives each action's `result` as for `report`: a reminder with nothing to
    remind of, and a preview with nobody to send it to, are `skipped`, as `remind --json`
    says of the same day."""
    book = quiet_project(tmp_path)
    data = run_json(tmp_path, book, "2026-11-26T16:30+00:00")  # Thursday: preview, remind
    actions = {a["job"]: a for a in data["projects"][0]["actions"]}
    assert {"check", "preview", "remind"} <= set(actions), actions
    for job in ("preview", "remind"):
        assert actions[job]["result"] in SEND_RESULTS, actions[job]
    assert actions["remind"]["result"] == "skipped"
    assert actions["remind"]["detail"] == "nothing waits on the client"
    assert actions["preview"]["result"] == "skipped"
    assert "no recipients" in actions["preview"]["detail"]
    alone = json.loads(sheetsync(tmp_path, "remind", str(book), "--as-of", "2026-11-26",
                                 "--json").stdout)["projects"][0]
    assert (alone["result"], alone["detail"]) == ("skipped", "nothing waits on the client")
    # settled all the same: a later run that day neither reminds nor previews again
    again = run_json(tmp_path, book, "2026-11-26T17:30+00:00")
    assert again["projects"][0]["actions"] == []

