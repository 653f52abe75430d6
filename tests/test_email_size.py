"""Every email stays small, however big the project (issue 11 item 9): each list shows its
30 most urgent lines, then "and 1,234 more in the sheet"; a 20,000-milestone project makes
a report and a reminder well under 1 MB, as sent (MIME)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sheetsync.core import reminders, rules
from sheetsync.core.parse import parse_workbook
from sheetsync.core.report import build_report
from sheetsync.mail.mime import build_mime, mime_bytes
from sheetsync.model import Message, Project, RawTab, RawWorkbook
from sheetsync.render import emails
from sheetsync.render.caps import SHOWN

AS_OF = date(2026, 11, 27)
LIMIT = 1_000_000


def big_project(n: int, language: str = "English") -> Project:
    header = ("ID", "Milestone", "Owner", "Due", "Status", "Done on", "Client confirmed",
              "Depends on")
    rows = [header]
    for i in range(1, n + 1):
        status = ("Not started", "In progress", "Done", "Blocked")[i % 4]
        due = date(2026, 1, 1) + timedelta(days=i % 600)
        rows.append((f"M{i}", f"Milestone number {i} of the big rollout",
                     "Client" if i % 3 == 0 else "Team", due.isoformat(), status,
                     due.isoformat() if status == "Done" else None,
                     "No" if status == "Done" else None,
                     f"M{i - 1}" if i % 10 != 1 else ""))
    updates = [("Date", "Type", "Update", "Milestone")] + [
        ((AS_OF - timedelta(days=i % 7)).isoformat(), ("Done", "Problem", "Next", "Note")[i % 4],
         f"Update {i} about the work of this week", f"M{i}") for i in range(1, n + 1)]
    project = (("Field", "Value"), ("Project", "Big rollout"), ("Client", "Acme"),
               ("Client emails", "ann@acme.example"), ("PM email", "pm@team.example"),
               ("Language", language))
    raw = RawWorkbook("big", (RawTab("Project", project), RawTab("Milestones", tuple(rows)),
                              RawTab("Updates", tuple(updates))))
    return parse_workbook(raw, "big.xlsx")


def sent_size(subject: str, text: str, html: str) -> int:
    msg = Message(project="Big rollout", sender="pm@team.example", to=("ann@acme.example",),
                  subject=subject, text=text, html=html,
                  message_id="<sheetsync.big@team.example>")
    return len(mime_bytes(build_mime(msg, datetime(2026, 11, 27, 16, 5, tzinfo=UTC))))


@pytest.fixture(scope="module")
def big() -> Project:
    return big_project(20_000)


def test_a_20000_milestone_report_is_under_1_mb_and_says_how_many_more(big: Project) -> None:
    assessments = rules.assess(big, AS_OF)
    report = build_report(big, assessments, AS_OF)
    assert len(report.problems) > SHOWN and len(report.waiting) > SHOWN  # lists to cut
    rendered = emails.render_report(report, big.settings)
    assert sent_size(*rendered) < LIMIT
    more = f"and {len(report.problems) - SHOWN:,} more in the sheet"
    assert more in rendered.text and more in rendered.html
    assert f"and {len(report.waiting) - SHOWN:,} more in the sheet" in rendered.text
    # the first lines shown are the most urgent ones, in the report's own order
    first = report.problems[0].milestone
    assert first is not None and first.id in rendered.text
    assert f"({len(report.waiting)})" in rendered.text  # the heading counts every item


def test_a_20000_item_reminder_is_under_1_mb(big: Project) -> None:
    items = reminders.candidates(big, rules.assess(big, AS_OF), AS_OF)
    reminder = reminders.select(items, (), AS_OF, 3)
    assert reminder is not None and len(reminder.items) > SHOWN
    rendered = emails.render_reminder(reminder, big.settings)
    assert sent_size(*rendered) < LIMIT
    assert f"and {len(reminder.items) - SHOWN:,} more in the sheet" in rendered.text


def test_a_short_list_says_nothing_more() -> None:
    small = big_project(24, "中文")
    rendered = emails.render_report(build_report(small, rules.assess(small, AS_OF), AS_OF),
                                    small.settings)
    assert "表格中查看" not in rendered.text and "more in the sheet" not in rendered.text
