"""``sheetsync retro --json`` against CONTRACT section 8 on workbooks made as staff type them
(headers in any case and order, aliases of either language, dates as text, a Responses tab
with applied and ignored replies, a Log with failed and other jobs' rows), each figure
worked out by hand below. The dataclass-level edges are in ``test_retro_metrics.py``; the
example project's figures in ``test_retro_doc.py``."""

from __future__ import annotations

import json
from datetime import date as D
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import main
from tests.fixtures_env import scrub
from tests.xlsx_factory import make_workbook

CHANGES_HEAD = ["ID", "Date", "Requested by", "Change", "Impact", "Milestone", "Old due",
                "New due", "Status", "Client approved"]
LOG_HEAD = ["Time", "Job", "Project", "Recipients", "Subject", "Result", "Message-ID", "Detail"]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scrub(monkeypatch, tmp_path)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path


def retro(path: Path, *args: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, ["retro", str(path), "--json", *args],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.output)
    return data


def mid(job: str, day: str) -> str:
    return f"<sheetsync.{job}.{day}.k.n@studio.example>"


def english(path: Path) -> Path:
    milestones: list[list[Any]] = [
        [" id ", "MILESTONE", "owner", "Due", "Status", "Done On", "Client Confirmed",
         "confirmed on", "Delay Reason"],
        # on time on its Due; confirmed 3 days after
        ["A1", "One", "Team", D(2026, 11, 10), "Done", D(2026, 11, 10), "Yes",
         D(2026, 11, 13), None],
        # History's baseline 15 Nov (Due moved to 20 Nov): done 18 Nov is 3 days late,
        # no reason; confirmed 7 days after
        ["A2", "Two", "us", D(2026, 11, 20), "done", D(2026, 11, 18), "y", D(2026, 11, 25),
         None],
        # Done on typed as text: 4 days late, a reason in lower case
        ["A3", "Three", None, D(2026, 11, 5), "Completed", "2026/11/09", None, None,
         "team capacity"],
        [],
        # a client item done 3 days late, its reason in Chinese
        ["A4", "Four", "Client", D(2026, 11, 12), "完成", D(2026, 11, 15), None, None,
         "客户延迟"],
        # a client item open 6 days past its Due on the as-of date (1 Dec)
        ["A5", "Five", "customer", D(2026, 11, 25), "In progress", None, None, None, None],
        ["A6", "Six", "甲方", D(2026, 12, 10), None, None, None, None, None],
        # blocked is open: 3 days to the as-of date
        ["A7", "Seven", "Team", D(2026, 11, 28), "on hold", None, None, None, "Third party"],
        ["A8", "Eight", "Team", D(2026, 11, 1), "Cancelled", None, None, None, "Other"],
        ["A9", "Nine", "Team", D(2026, 12, 20), "todo", None, None, None, None],
        # confirmed by an applied reply 5 days after (the applied reply that names A1
        # changes nothing there: staff typed Yes and a Confirmed on)
        ["A10", "Ten", "Team", D(2026, 11, 22), "Done", D(2026, 11, 21), None, None, None],
    ]
    changes: list[list[Any]] = [
        CHANGES_HEAD,
        ["CR1", D(2026, 11, 1), "x", "c", "", "A9", D(2026, 12, 10), D(2026, 12, 20),
         "Approved", "Yes"],                                                # +10
        ["CR2", D(2026, 11, 1), "x", "c", "", "A5", None, None, "Proposed", None],
        ["CR3", D(2026, 11, 1), "x", "c", "", "A2", D(2026, 11, 20), D(2026, 11, 30),
         "Rejected", "No"],                                                 # not added
        ["CR4", D(2026, 11, 1), "x", "c", "", "A8", D(2026, 11, 1), D(2026, 11, 6),
         "Approved", "Yes"],                                                # cancelled row
        ["CR5", D(2026, 11, 1), "x", "c", "", "ZZ", D(2026, 11, 1), D(2026, 11, 6),
         "Approved", "Yes"],                                                # no such row
        ["CR6", D(2026, 11, 1), "x", "c", "", " A9 ", None, None, "approved", "Yes"],  # +0
        ["CR7", D(2026, 11, 1), "x", "c", "", "A7", D(2026, 11, 30), D(2026, 11, 28),
         " APPROVED ", "Yes"],                                              # -2
        ["CR8", D(2026, 11, 1), "x", "c", "", "A6", D(2026, 12, 1), D(2026, 12, 10),
         None, None],                                                       # blank: proposed
    ]
    log = [
        LOG_HEAD,
        ["t", "report", "Audit A", "a@c.example", "s", "sent", mid("report", "2026-11-20"), ""],
        ["t", "report", "Audit A", "a@c.example", "s", "sent", mid("report", "2026-11-27"), ""],
        ["t", "report", "Audit A", "a@c.example", "s", "failed", mid("report", "2026-11-13"),
         ""],
        ["t", "remind", "Audit A", "a@c.example", "s", "sent", mid("remind", "2026-11-24"),
         "items: A5"],
        ["t", "remind", "Audit A", "a@c.example", "s", "skipped", mid("remind", "2026-11-25"),
         ""],
        ["t", "preview", "Audit A", "pm@s.example", "s", "sent", mid("preview", "2026-11-26"),
         ""],
    ]
    history = [["Date", "ID", "Field", "From", "To"],
               ["2026-11-01", "A2", "Baseline due", "", "2026-11-15"],
               ["2026-11-05", "A2", "Due", "2026-11-15", "2026-11-20"]]
    responses = [["Time", "From", "Item", "Action", "Value", "Message-ID", "Result"],
                 ["2026-11-26 09:00", "a@c.example", "A10", "confirm", "", "<r1@c>", "applied"],
                 ["2026-11-20 09:00", "a@c.example", "A1", "confirm", "", "<r2@c>", "applied"],
                 ["2026-11-21 09:00", "x@evil.example", "A2", "confirm", "", "<r3@c>",
                  "ignored: unknown sender"]]
    project = [["Field", "Value"], ["Project", "Audit A"], ["Client emails", "a@c.example"],
               ["PM email", "pm@s.example"], ["Time zone", "UTC"], ["Date order", "YMD"]]
    return make_workbook(path, {"Project": project, "Milestones": milestones,
                                "Changes": changes, "Log": log, "History": history,
                                "Responses": responses})


def test_every_figure_of_a_workbook_typed_by_staff(env: Path) -> None:
    data = retro(english(env / "a.xlsx"), "--as-of", "2026-12-01")
    assert set(data) >= {"project", "from", "to", "metrics", "milestones"}
    assert (data["project"], data["from"], data["to"]) == ("Audit A", "2026-11-05", "2026-12-20")
    assert data["metrics"] == {
        "milestones": 9, "done": 5,  # A8 cancelled is out; A1 A2 A3 A4 A10 done
        "on_time": 2, "on_time_rate": 0.4,  # A1 (on its Due), A10
        "slip_days": 3 + 4 + 3 + 6 + 3,  # A2 A3 A4 A5 A7
        "slip_days_by_reason": {"unknown": 9, "Team capacity": 4, "Client late": 3,
                                "Third party": 3},
        "client_items": 3, "client_items_late": 2, "client_days_late": 3 + 6,
        "confirmation_days_median": 5,  # 3 (A1), 7 (A2), 5 (A10)
        "changes": {"count": 6, "approved": 3, "declined": 1, "proposed": 2,
                    "days_added": 10 + 0 - 2},
        "reminders": 1, "reports": 2,
    }
    assert isinstance(data["metrics"]["confirmation_days_median"], int)
    rows = {r["id"]: r for r in data["milestones"]}
    assert list(rows) == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A9", "A10"]
    assert rows["A2"] == {"id": "A2", "baseline_due": "2026-11-15", "due": "2026-11-20",
                          "done_on": "2026-11-18", "slip_days": 3, "reason": None}
    assert rows["A4"]["reason"] == "Client late" and rows["A3"]["reason"] == "Team capacity"
    assert rows["A5"] == {"id": "A5", "baseline_due": "2026-11-25", "due": "2026-11-25",
                          "done_on": None, "slip_days": 6, "reason": None}


def test_a_phase_counts_dues_inside_it_their_changes_and_its_emails(env: Path) -> None:
    path = english(env / "a.xlsx")
    data = retro(path, "--as-of", "2026-12-01", "--from", "2026-11-10", "--to", "2026-11-25")
    assert [r["id"] for r in data["milestones"]] == ["A1", "A2", "A4", "A5", "A10"]
    m = data["metrics"]
    assert (m["done"], m["on_time"], m["on_time_rate"]) == (4, 2, 0.5)
    assert m["changes"] == {"count": 2, "approved": 0, "declined": 1, "proposed": 1,
                            "days_added": 0}  # CR2 on A5, CR3 on A2
    assert (m["reminders"], m["reports"]) == (1, 1)  # 24 Nov; 20 Nov
    assert (data["from"], data["to"]) == ("2026-11-10", "2026-11-25")
    later = retro(path, "--as-of", "2026-12-01", "--from", "2026-11-28")
    assert [r["id"] for r in later["milestones"]] == ["A6", "A7", "A9"]
    assert later["to"] == "2026-12-20"
    earlier = retro(path, "--as-of", "2026-12-01", "--to", "2026-11-10")
    assert [r["id"] for r in earlier["milestones"]] == ["A1", "A3"]
    # the as-of date stands in for open work: A5 is 2 days past its Due on 27 Nov
    a5 = retro(path, "--as-of", "2026-11-27")["milestones"][4]
    assert (a5["id"], a5["slip_days"]) == ("A5", 2)


def test_a_chinese_project(env: Path) -> None:
    project = [["字段", "值"], ["项目名称", "审计C"], ["客户邮箱", "a@c.example"],
               ["项目经理邮箱", "pm@s.example"], ["语言", "中文"], ["时区", "Asia/Shanghai"]]
    milestones: list[list[Any]] = [
        ["编号", "里程碑", "负责方", "截止日期", "状态", "完成日期", "客户确认", "确认日期",
         "延误原因"],
        # baseline 8 Nov from 历史: 4 days late, confirmed 2 days after
        ["C1", "一", "我方", D(2026, 11, 10), "已完成", D(2026, 11, 12), "是",
         D(2026, 11, 14), "资源不足"],
        # a client item open 13 days past its Due on 25 Nov
        ["C2", "二", "客户", D(2026, 11, 12), "进行中", None, None, None, "需求变更"],
        ["C3", "三", "团队", D(2026, 11, 20), "已取消", None, None, None, None],
        # dates as Chinese text; on time, confirmed 3 days after
        ["C4", "四", "团队", "2026年11月18日", "完成", "2026年11月17日", "已确认",
         "2026年11月20日", None],
    ]
    changes: list[list[Any]] = [["编号", "日期", "提出人", "变更内容", "影响", "里程碑",
                                 "原截止日期", "新截止日期", "状态", "客户批准"],
               ["R1", D(2026, 11, 1), "x", "c", "", "C2", D(2026, 11, 5), D(2026, 11, 12),
                "已批准", "是"],
               ["R2", D(2026, 11, 1), "x", "c", "", "C1", None, None, "已拒绝", "否"],
               ["R3", D(2026, 11, 1), "x", "c", "", "C4", None, None, "待定", None],
               ["R4", D(2026, 11, 1), "x", "c", "", "C4", None, None, "提议", None],
               ["R5", D(2026, 11, 1), "x", "c", "", "C3", D(2026, 11, 1), D(2026, 11, 20),
                "已批准", "是"]]
    history = [["日期", "编号", "字段", "原值", "新值"],
               ["2026-11-01", "C1", "基线截止日期", "", "2026-11-08"]]
    path = make_workbook(env / "c.xlsx", {"项目": project, "里程碑": milestones,
                                          "变更": changes, "历史": history})
    data = retro(path, "--as-of", "2026-11-25")
    assert data["project"] == "审计C"
    assert data["metrics"] == {
        "milestones": 3, "done": 2, "on_time": 1, "on_time_rate": 0.5,
        "slip_days": 4 + 13, "slip_days_by_reason": {"Scope change": 13, "Team capacity": 4},
        "client_items": 1, "client_items_late": 1, "client_days_late": 13,
        "confirmation_days_median": 2.5,
        "changes": {"count": 4, "approved": 1, "declined": 1, "proposed": 2, "days_added": 7},
        "reminders": 0, "reports": 0,
    }
    assert data["milestones"][0]["baseline_due"] == "2026-11-08"
