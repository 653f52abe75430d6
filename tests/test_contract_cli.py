"""Acceptance cases for CONTRACT section 4 (the command line) that the other command tests
do not hold: the installed command in a subprocess, real .xlsx workbooks, emails written
to ``SHEETSYNC_OUTBOX``.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from click.testing import CliRunner

from sheetsync.cli import main as cli
from sheetsync.core import rules
from sheetsync.host.ledger import Ledger
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


def one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(("args", "names"), [
    (("check", "BOOK", "--as-of", "27/11/2026"), ("--as-of", "YYYY-MM-DD")),
    (("report", "BOOK", "--as-of", "2026-02-30"), ("--as-of", "YYYY-MM-DD")),
    (("remind", "BOOK", "--as-of", "tomorrow"), ("--as-of", "YYYY-MM-DD")),
    (("run", "BOOK", "--now", "2026-11-27T16:05"), ("--now", "offset")),
    (("run", "BOOK", "--shard", "3/2"), ("--shard", "I/N")),
    (("schedule", "BOOK", "--every", "0"), ("--every",)),
    (("report", "BOOK", "--bogus"), ("--bogus", "sheetsync report --help")),
    (("frobnicate",), ("frobnicate", "sheetsync --help")),
    (("--bogus", "check"), ("--bogus", "sheetsync --help")),
])
def test_a_usage_error_exits_2_with_one_sentence_on_stderr(
        tmp_path: Path, args: tuple[str, ...], names: tuple[str, ...]) -> None:
    """Exit status 2 for a usage error, said on stderr as one plain sentence that says what
    to do (section 4), not as a usage block."""
    book = quiet_project(tmp_path)
    out = sheetsync(tmp_path, *(str(book) if a == "BOOK" else a for a in args))
    assert out.returncode == 2, out.stderr
    line = one_sentence(out.stderr)
    assert line.startswith("sheetsync: ") and line.endswith("."), line
    for name in names:
        assert name in line, (name, line)
    assert out.stdout == ""
    assert not (tmp_path / "out").exists()


def test_help_and_a_bare_command_still_show_the_usage(tmp_path: Path) -> None:
    for args in (("--help",), ("report", "--help")):
        out = sheetsync(tmp_path, *args)
        assert out.returncode == 0 and "Usage:" in out.stdout, out
    bare = sheetsync(tmp_path)
    assert "Usage:" in bare.stdout + bare.stderr and "Traceback" not in bare.stderr


@pytest.mark.parametrize("sender", ["pm@", "Studio Projects pm@studio.example",
                                    "pm@studio.example, ops@studio.example"])
def test_a_from_address_that_is_not_one_mailbox_is_a_configuration_error(
        tmp_path: Path, sender: str) -> None:
    """SHEETSYNC_FROM is configuration (section 5): a bad one is exit 2 with one sentence
    naming the variable, before any project is touched, not a failed project whose
    sentence says to correct the sheet."""
    book = quiet_project(tmp_path)
    before = book.read_bytes()
    for args in (("report", str(book), "--as-of", "2026-11-27"),
                 ("run", str(book), "--now", "2026-11-27T16:05+00:00")):
        out = subprocess.run(
            [*SHEETSYNC, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env=child_environ(SHEETSYNC_OUTBOX=str(tmp_path / "out"),
                              SHEETSYNC_STATE_DIR=str(tmp_path / "state"),
                              SHEETSYNC_FROM=sender))
        assert out.returncode == 2, (args, out.stderr)
        line = one_sentence(out.stderr)
        assert "SHEETSYNC_FROM" in line and "sheet" not in line.replace("sheetsync", ""), line
        assert not (tmp_path / "out").exists()
        assert book.read_bytes() == before


def remind(tmp_path: Path, book: Path, day: str) -> dict[str, Any]:
    out = sheetsync(tmp_path, "remind", str(book), "--as-of", day, "--json")
    assert out.returncode == 0, out.stderr
    return cast(dict[str, Any], json.loads(out.stdout)["projects"][0])


@pytest.mark.parametrize("report_day", ["星期四", "周四", " THURSDAY "])
def test_remind_chases_a_change_proposed_more_than_the_gap_ago_never_on_report_day(
        tmp_path: Path, report_day: str) -> None:
    """Section 4: change requests `Proposed` for more than `Reminder every days` days are
    chased (exactly that many days is not more); no reminder on the report day, however
    it is spelled, nor at the weekend. A Chinese workbook."""
    book = make_workbook(tmp_path / "zh.xlsx", {
        "项目": [["字段", "值"], ["项目名称", "官网"], ["客户邮箱", "ann@client.example"],
                 ["报告日", report_day], ["提醒间隔天数", "3"], ["语言", "中文"]],
        "里程碑": [["编号", "里程碑", "负责方", "截止日期", "状态"],
                   ["M1", "上线", "我方", datetime(2027, 1, 29), "进行中"]],
        "变更": [["编号", "日期", "提出人", "变更内容", "影响", "里程碑", "状态", "客户批准"],
                 ["CR1", datetime(2026, 11, 20), "李", "加法语版", "+3周", "M1", "提议", None],
                 ["CR2", datetime(2026, 11, 21), "李", "加德语版", "+3周", "M1", "待定", None]]})
    monday = remind(tmp_path, book, "2026-11-23")  # CR1 3 days old: not more than 3
    assert (monday["result"], monday["items"]) == ("skipped", [])
    tuesday = remind(tmp_path, book, "2026-11-24")  # CR1 4 days, CR2 3 days
    assert (tuesday["result"], tuesday["items"]) == ("sent", ["CR1"])
    wednesday = remind(tmp_path, book, "2026-11-25")  # CR2 4 days
    assert (wednesday["result"], wednesday["items"]) == ("sent", ["CR2"])
    thursday = remind(tmp_path, book, "2026-11-26")  # the report day
    assert (thursday["result"], thursday["items"]) == ("skipped", [])
    for weekend in ("2026-11-28", "2026-11-29"):
        assert remind(tmp_path, book, weekend)["result"] == "skipped"
    friday = remind(tmp_path, book, "2026-11-27")  # CR1 again after its 3-day gap
    assert (friday["result"], friday["items"]) == ("sent", ["CR1"])


@pytest.mark.parametrize(("job", "day"), [("report", "2026-11-27"), ("remind", "2026-11-26")])
def test_a_send_of_unknown_outcome_is_said_on_stderr_and_exits_1(
        tmp_path: Path, job: str, day: str) -> None:
    """Section 4: a send whose outcome is unknown is a failed project (exit 1), and errors
    go to stderr as one sentence that says what to do, as `run` says it; the JSON, with
    --json, still says `unknown` on stdout."""
    book = make_workbook(tmp_path / "late.xlsx", {
        "Project": [["Field", "Value"], ["Project", "Late"],
                    ["Client emails", "ann@client.example"]],
        "Milestones": [["ID", "Milestone", "Owner", "Due", "Status"],
                       ["M1", "Copy", "Client", datetime(2026, 11, 20), "In progress"]]})
    # the process died between the intent and the outcome of the send (a crash)
    Ledger(str(tmp_path / "state")).intend(
        str(book), job, day, at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        message_id="<lost@studio.example>", recipients=("ann@client.example",), subject="Late")
    out = sheetsync(tmp_path, job, str(book), "--as-of", day)
    assert out.returncode == 1, out
    line = one_sentence(out.stderr)
    assert line.startswith("sheetsync: ") and "sheetsync resolve" in line, line
    assert "unknown" in line and "unknown: unknown" not in line, line
    assert out.stdout == ""
    again = sheetsync(tmp_path, job, str(book), "--as-of", day, "--json")
    assert again.returncode == 1
    assert json.loads(again.stdout)["projects"][0]["result"] == "unknown"
    assert "sheetsync resolve" in one_sentence(again.stderr)
    assert not (tmp_path / "out").exists()


def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    def book(name: str) -> Path:
        return make_workbook(tmp_path / f"{name.lower()}.xlsx", {
            "Project": [["Field", "Value"], ["Project", name],
                        ["Client emails", "ann@client.example"]],
            "Milestones": [["ID", "Milestone", "Owner", "Due", "Status"],
                           ["M1", "Copy", "Client", datetime(2026, 11, 20), "In progress"]]})
    return book("Broken"), book("Fine")


@pytest.mark.parametrize("command", ["check", "report", "remind"])
def test_a_bug_in_one_project_is_one_sentence_and_the_others_are_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path, command: str) -> None:
    """Section 4: exit 1 when a project failed while the others were still processed, one
    plain sentence on stderr and no traceback without --debug; as `run` already does, for an
    error sheetsync did not foresee (here, injected into the flagging of one project)."""
    real = rules.assess

    def assess(project: Any, as_of: Any) -> Any:
        if project.settings.name == "Broken":
            raise RuntimeError("injected fault")
        return real(project, as_of)

    monkeypatch.setattr(rules, "assess", assess)
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "out"))
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    broken, fine = two_projects(tmp_path)
    day = "2026-11-26"  # a Thursday: a reminder may go
    result = CliRunner().invoke(cli.main, [command, str(broken), str(fine), "--as-of", day,
                                           "--json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    line = one_sentence(result.stderr)
    assert "broken.xlsx" in line and "injected fault" in line and "bug" in line, line
    projects = json.loads(result.stdout)["projects"]
    assert [p["source"] for p in projects] == [str(broken), str(fine)]
    if command == "check":
        assert projects[0]["milestones"] == [] and projects[1]["milestones"]
    else:
        assert [p["result"] for p in projects] == ["failed", "sent"]


@pytest.mark.parametrize("command", ["check", "report", "remind"])
def test_an_unreadable_sheet_is_named_once_in_its_sentence(tmp_path: Path, command: str) -> None:
    """Section 4: one plain sentence on stderr, exit 1, and the other project still done."""
    fine = quiet_project(tmp_path)
    out = sheetsync(tmp_path, command, "gone.xlsx", str(fine), "--as-of", "2026-11-26")
    assert out.returncode == 1, out
    line = one_sentence(out.stderr)
    assert line.startswith("sheetsync: gone.xlsx does not exist;"), line
    assert line.count("gone.xlsx") == 2, line  # the path, and 'sheetsync init gone.xlsx'
    assert "Quiet" in out.stdout
