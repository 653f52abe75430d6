"""The Log tab as the second record of what was sent (history.py)."""

from datetime import date

from sheetsync.core import logtab as history
from sheetsync.model import OwnedTab

HEADER = ("Time", "Job", "Project", "Recipients", "Subject", "Result", "Message-ID", "Detail")


def log(*rows: tuple[str, ...]) -> OwnedTab:
    return OwnedTab("Log", True, (HEADER, *rows))


def row(job: str, period: str, result: str = "sent", detail: str = "") -> tuple[str, ...]:
    mid = history.message_id(job, period, "acme-1234", "abcd", "Studio <p@studio.example>")
    return ("2026-11-27T16:05:00+00:00", job, "Acme", "a@acme.example", "s", result, mid, detail)


def test_message_id_names_job_period_and_sender_domain() -> None:
    mid = history.message_id("report", "2026-11-27", "acme", "n1", "Studio <p@studio.example>")
    assert mid == "<sheetsync.report.2026-11-27.acme.n1@studio.example>"


def test_logged_sent_finds_only_a_sent_row_of_that_job_and_period() -> None:
    tab = log(row("report", "2026-11-20"), row("report", "2026-11-27", result="failed"),
              row("remind", "2026-11-27"))
    assert history.logged_sent(tab, "report", "2026-11-27") == ""
    assert history.logged_sent(tab, "report", "2026-11-20").startswith("<sheetsync.report.")
    assert history.logged_sent(OwnedTab("Log", False), "report", "2026-11-20") == ""


def test_logged_items_reads_reminder_items_back_from_detail() -> None:
    tab = log(row("remind", "2026-11-23", detail=history.items_detail(("M5", "CR2"))),
              row("remind", "2026-11-24", result="failed", detail="items: M5"),
              row("report", "2026-11-27", detail="items: M9"))
    assert history.logged_items(tab, "remind") == ((date(2026, 11, 23), ("M5", "CR2")),)


def test_columns_are_found_by_header_in_any_order_and_language() -> None:
    zh = ("时间", "任务", "项目", "收件人", "主题", "结果", "邮件编号", "详情")
    order = [7, 0, 1, 2, 3, 4, 5, 6]
    r = row("remind", "2026-11-23", detail="items: M5")
    tab = OwnedTab("日志", True, (tuple(zh[i] for i in order), tuple(r[i] for i in order)))
    assert history.logged_items(tab, "remind") == ((date(2026, 11, 23), ("M5",)),)
