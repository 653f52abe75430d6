"""Acceptance cases for CONTRACT section 3 (the weekly client report) that the other report
tests do not hold: the installed command in a subprocess, real .xlsx workbooks, and the
emails read back from ``SHEETSYNC_OUTBOX`` with Python's ``email`` package.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import openpyxl
import pytest

from tests.fixtures_env import SHEETSYNC, child_environ
from tests.xlsx_factory import make_workbook

AS_OF = "2026-11-27"  # a Friday; the week is Sat 21 Nov - Fri 27 Nov
AWAITING = {"en": "awaiting your confirmation", "zh": "待您确认"}
WORDS = {"en": ("Completed", "Problems"), "zh": ("已完成", "问题")}


def report(tmp_path: Path, book: Path, *args: str) -> tuple[dict[str, Any], EmailMessage]:
    out = subprocess.run(
        [*SHEETSYNC, "report", str(book), "--as-of", AS_OF, "--json", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=child_environ(SHEETSYNC_OUTBOX=str(tmp_path / "out"),
                          SHEETSYNC_STATE_DIR=str(tmp_path / "state"),
                          SHEETSYNC_FROM="weekly-reports@projects.studio.example"))
    assert out.returncode == 0, out.stderr
    (eml,) = (tmp_path / "out").glob("*.eml")
    msg = cast(EmailMessage, message_from_bytes(eml.read_bytes(), policy=policy.default))
    return cast(dict[str, Any], json.loads(out.stdout)), msg


def part(msg: EmailMessage, kind: str) -> str:
    body = msg.get_body((kind,))
    assert body is not None, f"no text/{kind} part"
    return cast(str, body.get_content()).replace("\r\n", "\n")


def section(text: str, word: str, next_word: str) -> str:
    """The text part from the underlined heading holding ``word`` to the one holding
    ``next_word`` (the contract's heading words)."""
    heads = list(re.finditer(r"^(.+)\n-{2,}$", text, re.M))
    start = next(m.end() for m in heads if word in m.group(1))
    end = next(m.start() for m in heads if next_word in m.group(1))
    return text[start:end]


def line_of(text: str, needle: str) -> str:
    """The text part's bullet about ``needle`` (the part is wrapped at 76 columns)."""
    flat = " ".join(text.split())
    found = re.search(rf"- {re.escape(needle)}\b.*?(?= - |$)", flat)
    assert found, (needle, text)
    return found.group(0)


def html_item(html: str, needle: str) -> str:
    """What the HTML part's first line about ``needle`` says (each line is a table)."""
    found = re.search(rf"<strong>{re.escape(needle)}\b.*?</table>", html, re.S)
    assert found, (needle, html)
    return re.sub(r"<[^>]+>", " ", found.group(0))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_completed_asks_for_confirmation_only_of_deliveries_that_await_it(
        tmp_path: Path, language: str) -> None:
    """Section 3 lists the milestones done in the week; section 2 says only a Team delivery
    the client has neither confirmed nor sent back awaits their confirmation: a delivery
    sent back with "Changes needed" is never again asked to be confirmed (section 6), and
    the client's own item is not theirs to confirm."""
    book = make_workbook(tmp_path / "p.xlsx", {
        "Project": [["Field", "Value"], ["Project", "Week"], ["Language", language],
                    ["Client emails", "ann@client.example"]],
        "Milestones": [
            ["ID", "Milestone", "Owner", "Due", "Status", "Done on", "Client confirmed"],
            ["M1", "Sent back", "Team", datetime(2026, 11, 25), "Done",
             datetime(2026, 11, 24), "Changes needed"],
            ["M2", "Their copy", "Client", datetime(2026, 11, 25), "Done",
             datetime(2026, 11, 24), None],
            ["M3", "Not yet", "Team", datetime(2026, 11, 25), "Done",
             datetime(2026, 11, 24), "No"],
            ["M4", "Fresh", "Team", datetime(2026, 11, 25), "Done",
             datetime(2026, 11, 26), None],
        ]})
    _, msg = report(tmp_path, book)
    text, html = part(msg, "plain"), part(msg, "html")
    completed = section(text, *WORDS[language])
    assert AWAITING[language] in line_of(completed, "M3 Not yet")
    assert AWAITING[language] in line_of(completed, "M4 Fresh")
    assert AWAITING[language] not in line_of(completed, "M1 Sent back")
    assert AWAITING[language] not in line_of(completed, "M2 Their copy")
    assert AWAITING[language] in html_item(html, "M3")
    assert AWAITING[language] not in html_item(html, "M1")
    assert AWAITING[language] not in html_item(html, "M2")


INTERNAL_YES = ["Yes", " yes ", "Y", "true", True, "是"]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_internal_updates_of_every_type_and_spelling_never_appear(tmp_path: Path,
                                                                  language: str) -> None:
    """Section 3: internal updates never appear; section 1: `Internal` = `Yes` keeps the row
    out of every client email, the value matched case-insensitively, spaces ignored, with
    its aliases; `No` and blank show the row. Chinese headers and types alike."""
    head = (["Date", "Type", "Update", "Milestone", "By", "Internal"] if language == "en"
            else ["日期", "类型", "内容", "里程碑", "填写人", "内部"])
    types = (["Done", "Problem", "Next", "Note"] if language == "en"
             else ["已完成", "风险", "计划", "备注"])
    rows: list[list[Any]] = [head]
    for kind in types:
        rows += [[datetime(2026, 11, 26), kind, f"SECRET-{kind}-{n}", "M1", "Ann", value]
                 for n, value in enumerate(INTERNAL_YES)]
        rows += [[datetime(2026, 11, 26), kind, f"SHOWN-{kind}-{value}", "M1", "Ann", value]
                 for value in ("No", None, "否" if language == "zh" else "no")]
    book = make_workbook(tmp_path / "p.xlsx", {
        "Project": [["Field", "Value"], ["Project", "Secrets"], ["Language", language],
                    ["Client emails", "ann@client.example"]],
        "Milestones": [["ID", "Milestone", "Owner", "Due", "Status"],
                       ["M1", "Build", "Team", datetime(2026, 12, 18), "In progress"]],
        "Updates" if language == "en" else "进展": rows})
    _, msg = report(tmp_path, book)
    raw = msg.as_string() + part(msg, "plain") + part(msg, "html")
    assert "SECRET" not in raw
    for kind in types:
        assert raw.count(f"SHOWN-{kind}-") >= 3 * 2, kind  # in both parts


def test_the_message_id_header_reads_back_as_report_json_and_the_log_say(
        tmp_path: Path) -> None:
    """Section 4: report --json gives the email's `message_id`, and the Log tab its
    Message-ID; the header, read back by a mail library, is that same text (not folded onto
    a continuation line, which leaves a space in front of it), whatever the length."""
    book = make_workbook(tmp_path / "p.xlsx", {
        "Project": [["Field", "Value"], ["Project", "A project with a long enough name"],
                    ["Client emails", "ann@client.example"]],
        "Milestones": [["ID", "Milestone", "Owner", "Due", "Status"],
                       ["M1", "Build", "Team", datetime(2026, 12, 18), "In progress"]]})
    data, msg = report(tmp_path, book)
    sent = data["projects"][0]
    assert len(f"Message-ID: {sent['message_id']}") > 78  # long enough to have been folded
    assert msg["Message-ID"] == sent["message_id"]
    raw = next((tmp_path / "out").glob("*.eml")).read_bytes()
    assert f"\r\nMessage-ID: {sent['message_id']}\r\n".encode() in raw
    log = openpyxl.load_workbook(book)["Log"]
    rows = list(log.iter_rows(values_only=True))
    assert rows[-1][rows[0].index("Message-ID")] == msg["Message-ID"]
