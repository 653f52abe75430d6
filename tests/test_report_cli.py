"""`sheetsync report` end to end: the real command in a subprocess, a real loopback SMTP
server (aiosmtpd), and real .xlsx workbooks; every email is read back with Python's
``email`` package, the way a mail client would see it.

Most tests use a copy of the Acme example (Europe/London, as of Friday 27 Nov 2026):
clients maria.chen@ and ops@acme.example, PM sam.lee@studio.example, CC
accounts@studio.example. Two-project runs use small workbooks built with ``xlsx_factory``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast

import openpyxl
import pytest

from sheetsync.host import ledger
from tests.fixtures_env import SHEETSYNC
from tests.fixtures_smtp import LoopbackSmtpServer, sheetsync_env
from tests.xlsx_factory import make_workbook, project_tabs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
AS_OF = "2026-11-27"
SENDER = "projects@studio.example"
PROJECT = "Acme website rollout"
CLIENTS = ("maria.chen@acme.example", "ops@acme.example")
PM = "sam.lee@studio.example"
CC = "accounts@studio.example"
REQUIRED_KEYS = {"project", "result", "recipients", "subject", "message_id", "detail"}
HEADINGS = {
    "en": ("Summary", "Completed", "Problems", "Next steps", "Waiting on you", "Timeline"),
    "zh": ("概况", "已完成", "问题", "下一步", "需要您", "时间线"),
}
PAYLOAD = '<script>alert(1)</script> & "quotes"'
UPDATES_HEADER = ["Date", "Type", "Update", "Milestone", "By", "Internal"]


# --------------------------------------------------------------------------- the command


@dataclass
class Result:
    code: int
    data: dict[str, Any]
    stderr: str

    @property
    def projects(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.data["projects"])

    @property
    def one(self) -> dict[str, Any]:
        assert len(self.projects) == 1, self.projects
        return self.projects[0]


def env_for(server: LoopbackSmtpServer, state: Path) -> dict[str, str]:
    return sheetsync_env(server, state, SENDER)


def cli(server: LoopbackSmtpServer, state: Path, *args: str | Path, job: str = "report",
        as_of: str = AS_OF) -> Result:
    """Run ``sheetsync <job> ARGS --as-of AS_OF --json`` in the workbooks' folder."""
    argv = [*SHEETSYNC, job, *map(str, args), "--as-of", as_of, "--json"]
    out = subprocess.run(argv, cwd=state.parent, env=env_for(server, state),
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in out.stderr, out.stderr
    try:
        data = json.loads(out.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"not JSON (exit {out.returncode}): {out.stdout!r} {out.stderr!r}")
    return Result(out.returncode, data, out.stderr)


# --------------------------------------------------------------------------- workbooks


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, path)
    return path


def set_field(path: Path, field: str, value: Any) -> None:
    """Type a value into the Project tab, as staff would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Project"]
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value).strip() == field:
            row[1].value = value
            break
    else:
        raise AssertionError(f"no {field} in the Project tab")
    wb.save(path)


def add_rows(path: Path, tab: str, rows: list[dict[str, Any]]) -> None:
    """Type rows under the last filled row of a tab, by column header."""
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    header = {str(c.value).strip(): c.column for c in ws[1] if c.value}
    last = max(c.row for col in ws.iter_cols(max_col=1) for c in col if c.value is not None)
    for n, values in enumerate(rows, start=last + 1):
        for name, value in values.items():
            ws.cell(n, header[name]).value = value
    wb.save(path)


def log_rows(path: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)["Log"]
    rows = list(ws.iter_rows(values_only=True))
    result = rows[0].index("Result")  # the outcomes: a 'sending' row only announces one
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]
            if any(r) and r[result] != "sending"]


def small_project(path: Path, name: str, *, clients: str, pm: str | None,
                  milestone: str, update: str) -> Path:
    """A one-milestone project (UTC) with one Problem update in the week of AS_OF."""
    project: list[list[Any]] = [["Field", "Value"], ["Project", name], ["Client", f"{name} Co"],
                                ["Client emails", clients]]
    if pm:
        project.append(["PM email", pm])
    return make_workbook(path, project_tabs(
        [["X1", milestone, "Team", datetime(2026, 11, 30), "In progress"]],
        project=project,
        Updates=[UPDATES_HEADER, [datetime(2026, 11, 25), "Problem", update, "X1", "Ann", "No"]],
    ))


# --------------------------------------------------------------------------- emails


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None, f"no text/{kind} part"
    assert part.get_content_type() == f"text/{kind}"
    return cast(str, part.get_content())


def flat(text: str) -> str:
    """Every run of whitespace as one space (the text part is wrapped)."""
    return " ".join(text.split())


def addresses(msg: EmailMessage, header: str) -> set[str]:
    return {a.lower() for _, a in getaddresses([str(v) for v in msg.get_all(header, [])])}


class _Html(HTMLParser):
    """Tags, attributes, heading texts and all text of an HTML part (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._in_heading = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        if re.fullmatch(r"h[1-6]", tag):
            self._in_heading += 1
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._in_heading:
            self._in_heading -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_heading:
            self.headings[-1] += data


def parse_html(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    parser.close()
    return parser


def text_headings(text: str) -> list[str]:
    """Lines of the text part set off as headings: underlined with ====, ---- or the like."""
    lines = [line.strip() for line in text.splitlines()]
    return [line for line, under in zip(lines, [*lines[1:], ""], strict=True)
            if line and re.fullmatch(r"([-=~_*])\1{2,}", under)]


def assert_in_order(headings: list[str], words: tuple[str, ...], where: str) -> None:
    found = []
    for word in words:
        at = [i for i, h in enumerate(headings) if word.lower() in h.lower()]
        assert at, f"no {word!r} heading in the {where}: {headings}"
        found.append(at[0])
    assert found == sorted(found) and len(set(found)) == len(found), (
        f"{where} headings out of order: {headings}")


def received(server: LoopbackSmtpServer) -> list[EmailMessage]:
    return [m.message for m in server.messages]


# --------------------------------------------------------------------------- tests


def test_report_reaches_exactly_the_project_people_with_both_parts(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path) -> None:
    res = cli(smtp_server, state, book)

    assert res.code == 0, res.stderr
    assert set(res.data) == {"projects"}
    sent = res.one
    assert set(sent) >= REQUIRED_KEYS, sent
    assert sent["result"] == "sent"
    assert sent["project"] == PROJECT
    assert isinstance(sent["detail"], str)
    assert {a.lower() for a in sent["recipients"]} == {*CLIENTS, PM, CC}

    assert len(smtp_server.messages) == 1
    got = smtp_server.messages[0]
    assert {a.lower() for a in got.rcpt_tos} == {*CLIENTS, PM, CC}
    assert len(got.rcpt_tos) == 4
    assert got.mail_from == SENDER
    msg = got.message
    assert addresses(msg, "From") == {SENDER}
    assert addresses(msg, "To") == set(CLIENTS)
    assert addresses(msg, "Cc") == {PM, CC}
    assert addresses(msg, "Reply-To") == {PM}
    assert msg["Bcc"] is None
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert PROJECT in str(msg["Subject"])
    assert str(msg["Subject"]) == sent["subject"]
    assert str(msg["Message-ID"]).strip() == sent["message_id"]
    text, html = body(msg, "plain"), body(msg, "html")
    assert PROJECT in text and PROJECT in flat("".join(parse_html(html).text))

    (row,) = log_rows(book)
    assert (row["Job"], row["Result"], row["Message-ID"]) == ("report", "sent",
                                                             sent["message_id"])
    assert row["Project"] == PROJECT


@pytest.mark.parametrize("language", ["en", "zh"])
def test_sections_come_in_order_in_both_parts(smtp_server: LoopbackSmtpServer, book: Path,
                                              state: Path, language: str) -> None:
    if language == "zh":
        set_field(book, "Language", "中文")

    res = cli(smtp_server, state, book)

    assert res.code == 0 and res.one["result"] == "sent", res
    (msg,) = received(smtp_server)
    assert_in_order(text_headings(body(msg, "plain")), HEADINGS[language], "text part")
    assert_in_order(parse_html(body(msg, "html")).headings, HEADINGS[language], "HTML part")
    if language == "zh":
        assert "概况" in body(msg, "plain") and "Summary" not in body(msg, "plain")


def test_a_chinese_workbook_reports_in_chinese(smtp_server: LoopbackSmtpServer,
                                               tmp_path: Path, state: Path) -> None:
    zh = make_workbook(tmp_path / "zh.xlsx", {
        "项目": [["字段", "值"], ["项目名称", "长城官网"],
                 ["客户邮箱", "li@gw.example；wang@gw.example"],
                 ["项目经理邮箱", "pm@studio.example"], ["语言", "中文"],
                 ["时区", "Asia/Shanghai"]],
        "里程碑": [["编号", "里程碑", "负责方", "截止日期", "状态"],
                   ["A1", "首页设计", "我方", datetime(2026, 11, 30), "进行中"]],
        "进展": [["日期", "类型", "内容", "里程碑", "填写人", "内部"],
                 [datetime(2026, 11, 25), "问题", "公开问题说明", "A1", "李", None],
                 [datetime(2026, 11, 25), "备注", "机密内部备注", "A1", "李", "是"]],
    })

    res = cli(smtp_server, state, zh)

    assert res.code == 0 and res.one["result"] == "sent", res
    (got,) = smtp_server.messages
    assert set(got.rcpt_tos) == {"li@gw.example", "wang@gw.example", "pm@studio.example"}
    assert addresses(got.message, "Reply-To") == {"pm@studio.example"}
    assert "长城官网" in str(got.message["Subject"])
    text, html = body(got.message, "plain"), body(got.message, "html")
    assert_in_order(text_headings(text), HEADINGS["zh"], "text part")
    assert_in_order(parse_html(html).headings, HEADINGS["zh"], "HTML part")
    for part in (text, html):
        assert "公开问题说明" in part and "机密内部备注" not in part


def test_sheet_values_are_escaped_in_html_and_as_typed_in_text(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path) -> None:
    set_field(book, "Client", PAYLOAD)
    add_rows(book, "Milestones", [{"ID": "M14", "Milestone": PAYLOAD, "Owner": "Team",
                                   "Due": datetime(2026, 11, 30), "Status": "In progress"}])
    add_rows(book, "Updates", [{"Date": datetime(2026, 11, 26), "Type": "Problem",
                                "Update": f"Update {PAYLOAD}", "Milestone": "M14",
                                "By": "Sam Lee", "Internal": "No"}])

    res = cli(smtp_server, state, book)

    assert res.code == 0 and res.one["result"] == "sent", res
    (msg,) = received(smtp_server)
    html = body(msg, "html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    parsed = parse_html(html)
    assert "script" not in parsed.tags
    assert not [name for name, _ in parsed.attrs if "quotes" in name or "<" in name], (
        "a quote from the sheet broke out of an attribute")
    seen = flat("".join(parsed.text))
    assert f"Update {PAYLOAD}" in seen and PAYLOAD in seen
    text = flat(body(msg, "plain"))
    assert f"Update {PAYLOAD}" in text
    assert "&lt;" not in text and "&amp;" not in text


def test_internal_updates_appear_in_neither_part(smtp_server: LoopbackSmtpServer, book: Path,
                                                 state: Path) -> None:
    add_rows(book, "Updates", [
        {"Date": datetime(2026, 11, 25), "Type": kind, "Update": f"SECRET-{kind} margin talk",
         "Milestone": "M6", "By": "Sam Lee", "Internal": internal}
        for kind in ("Done", "Problem", "Next", "Note")
        for internal in ("Yes", " yes ")
    ] + [{"Date": datetime(2026, 11, 25), "Type": "Note", "Update": "PUBLIC note for Acme",
          "By": "Sam Lee", "Internal": "No"}])

    res = cli(smtp_server, state, book)

    assert res.code == 0 and res.one["result"] == "sent", res
    (msg,) = received(smtp_server)
    for part in (flat(body(msg, "plain")), flat(body(msg, "html"))):
        assert "PUBLIC note for Acme" in part  # the control: updates do show up
        assert "SECRET-" not in part
        assert "Priya is off on Monday" not in part  # the example's own internal note


def test_once_a_week_force_resends_with_a_new_message_id(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path) -> None:
    first = cli(smtp_server, state, book)
    assert first.code == 0 and first.one["result"] == "sent", first

    again = cli(smtp_server, state, book)
    assert again.code == 0, again.stderr
    assert again.one["result"] == "skipped"
    assert "already sent" in again.one["detail"]
    assert len(smtp_server.messages) == 1

    forced = cli(smtp_server, state, book, "--force")
    assert forced.code == 0 and forced.one["result"] == "sent", forced
    assert len(smtp_server.messages) == 2
    ids = [str(m["Message-ID"]).strip() for m in received(smtp_server)]
    assert ids == [first.one["message_id"], forced.one["message_id"]]
    assert ids[0] != ids[1]
    assert [r["Result"] for r in log_rows(book)] == ["sent", "sent"]


def test_a_report_for_thursday_stops_fridays(smtp_server: LoopbackSmtpServer, book: Path,
                                             state: Path) -> None:
    thursday = cli(smtp_server, state, book, as_of="2026-11-26")
    assert thursday.one["result"] == "sent", thursday

    friday = cli(smtp_server, state, book)

    assert friday.code == 0, friday.stderr
    assert friday.one["result"] == "skipped" and "already sent" in friday.one["detail"]
    assert len(smtp_server.messages) == 1


def test_the_log_tab_alone_stops_a_second_send(smtp_server: LoopbackSmtpServer, book: Path,
                                               state: Path) -> None:
    """A host that lost its state dir still sends a week's report only once."""
    first = cli(smtp_server, state, book)
    assert first.one["result"] == "sent", first
    shutil.rmtree(state)

    again = cli(smtp_server, state, book)

    assert again.code == 0, again.stderr
    assert again.one["result"] == "skipped" and "already sent" in again.one["detail"]
    assert len(smtp_server.messages) == 1


def test_dry_run_sends_and_writes_nothing(smtp_server: LoopbackSmtpServer, book: Path,
                                          state: Path) -> None:
    before = book.read_bytes()

    res = cli(smtp_server, state, book, "--dry-run")

    assert res.code == 0, res.stderr
    assert res.one["result"] == "dry-run"
    assert PROJECT in res.one["subject"]
    assert smtp_server.messages == []
    assert book.read_bytes() == before
    # nothing but the preview folder: the .eml and .html of what would go
    assert not state.exists() or [p.suffix for p in state.rglob("*") if p.is_file()
                                  and "previews" not in p.parts] == []
    assert sorted(p.suffix for p in (state / "previews").iterdir()) == [".eml", ".html"]
    assert Path(res.one["preview"]).parent == state / "previews"  # --json names the page


def test_dry_run_previews_of_two_copies_of_one_template_are_both_kept(
        smtp_server: LoopbackSmtpServer, tmp_path: Path, state: Path) -> None:
    books = [small_project(tmp_path / f"{client}.xlsx", "Website rollout",
                           clients=f"it@{client}.example", pm=None,
                           milestone=f"{client.title()} search index",
                           update=f"{client.title()} crawler is slow")
             for client in ("orchid", "basalt")]

    res = cli(smtp_server, state, *books, "--dry-run")

    assert res.code == 0, res.stderr
    pages = [Path(p["preview"]) for p in res.projects]
    assert len(set(pages)) == 2 and all(p.parent == state / "previews" for p in pages)
    for page, client in zip(pages, ("Orchid", "Basalt"), strict=True):
        assert f"{client} search index" in page.read_text(encoding="utf-8")
    assert len(list((state / "previews").iterdir())) == 4  # an .eml and an .html each


def test_crash_between_send_and_record_is_never_resent_by_itself(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path) -> None:
    lost = "<sheetsync.report.crashed.0001@studio.example>"
    ledger.Ledger(state).intend(str(book), "report", AS_OF,
                                at=datetime(2026, 11, 27, 16, 0, tzinfo=UTC), message_id=lost,
                                recipients=(*CLIENTS, PM, CC), subject=f"{PROJECT} report")

    res = cli(smtp_server, state, book)

    assert res.code == 1, res.stderr  # the admin has to act (issue 11 item 3)
    assert res.one["result"] == "unknown"
    assert "unknown" in res.one["detail"] and "sheetsync resolve" in res.one["detail"]
    assert res.one["message_id"] == lost
    assert smtp_server.messages == []
    (row,) = log_rows(book)
    assert (row["Result"], row["Message-ID"]) == ("unknown", lost)

    again = cli(smtp_server, state, book)
    assert again.one["result"] == "unknown" and again.code == 1, again
    assert smtp_server.messages == []
    assert len(log_rows(book)) == 1  # said once

    forced = cli(smtp_server, state, book, "--force")
    assert forced.one["result"] == "sent", forced
    assert len(smtp_server.messages) == 1
    assert forced.one["message_id"] != lost


def test_an_interrupted_send_earlier_in_the_week_is_not_followed_by_another(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path) -> None:
    lost = "<sheetsync.report.crashed.0002@studio.example>"
    ledger.Ledger(state).intend(str(book), "report", "2026-11-26",
                                at=datetime(2026, 11, 26, 16, 0, tzinfo=UTC), message_id=lost,
                                recipients=(*CLIENTS, PM, CC), subject=f"{PROJECT} report")

    res = cli(smtp_server, state, book)

    assert smtp_server.messages == []
    assert res.one["result"] == "unknown"
    assert "unknown" in res.one["detail"]


def test_a_temporary_refusal_is_retried(smtp_server: LoopbackSmtpServer, book: Path,
                                        state: Path) -> None:
    smtp_server.fail_data_next(1, 451)

    res = cli(smtp_server, state, book)

    assert res.code == 0, res.stderr
    assert res.one["result"] == "sent"
    assert len(smtp_server.messages) == 1
    assert [r["Result"] for r in log_rows(book)] == ["sent"]


def test_one_refused_project_fails_alone_over_one_connection(
        smtp_server: LoopbackSmtpServer, tmp_path: Path, state: Path) -> None:
    bad = small_project(tmp_path / "orchid.xlsx", "Orchid intranet",
                        clients="nobody@orchid.example", pm=None,
                        milestone="Orchid search index", update="Orchid crawler is slow")
    good = small_project(tmp_path / "basalt.xlsx", "Basalt migration",
                         clients="it@basalt.example", pm="pm@studio.example",
                         milestone="Basalt cutover rehearsal", update="Basalt DNS moved")
    smtp_server.reject_recipient("nobody@orchid.example", 550)

    res = cli(smtp_server, state, bad, good)

    assert res.code == 1
    by_name = {p["project"]: p for p in res.projects}
    assert by_name["Orchid intranet"]["result"] == "failed"
    assert by_name["Orchid intranet"]["detail"]
    assert by_name["Basalt migration"]["result"] == "sent"
    assert smtp_server.connections == 1
    (got,) = smtp_server.messages
    assert {a.lower() for a in got.rcpt_tos} == {"it@basalt.example", "pm@studio.example"}
    assert [r["Result"] for r in log_rows(bad)] == ["failed"]
    assert [r["Result"] for r in log_rows(good)] == ["sent"]
    assert "Orchid intranet" in res.stderr


def test_a_partly_refused_email_names_who_missed_it(smtp_server: LoopbackSmtpServer,
                                                   book: Path, state: Path) -> None:
    smtp_server.reject_recipient("ops@acme.example", 550)

    res = cli(smtp_server, state, book)

    assert res.code == 0, res.stderr
    assert res.one["result"] == "sent"  # the others got it: sending again would double it
    assert "ops@acme.example" in res.one["detail"]
    (got,) = smtp_server.messages
    assert {a.lower() for a in got.rcpt_tos} == {CLIENTS[0], PM, CC}
    (row,) = log_rows(book)
    assert row["Result"] == "sent" and "ops@acme.example" in row["Detail"]


@pytest.mark.parametrize("cell", [
    "ok@acme.example, evil@x.example\nBcc: spy@evil.example",
    "ok@acme.example\r\nBcc: spy@evil.example",
], ids=["lf", "crlf"])
def test_a_header_in_client_emails_adds_no_recipient(smtp_server: LoopbackSmtpServer,
                                                     book: Path, state: Path,
                                                     cell: str) -> None:
    set_field(book, "Client emails", cell)

    checked = cli(smtp_server, state, book, "--dry-run", job="check")
    problems = checked.data["projects"][0]["problems"]
    assert [p for p in problems if p["tab"] == "Project" and "spy@evil.example" in p["value"]]

    res = cli(smtp_server, state, book)

    assert res.code == 0, res.stderr
    assert res.one["result"] == "sent"
    assert all("spy" not in a for a in res.one["recipients"])
    (got,) = smtp_server.messages
    assert "ok@acme.example" in got.rcpt_tos
    assert all("spy" not in a.lower() for a in got.rcpt_tos)
    header_block = got.raw.split(b"\r\n\r\n", 1)[0].lower()
    assert b"spy@" not in header_block
    assert not any(line.startswith(b"bcc:") for line in header_block.split(b"\r\n"))
    # (a header line, not "bcc" anywhere: a random Message-ID may hold the hex "bcc")
    for header in ("To", "Cc", "Bcc", "Reply-To", "From"):
        assert all("spy" not in a for a in addresses(got.message, header))


@pytest.mark.parametrize("cell", [None, "not an address; Bcc: spy@evil.example"],
                         ids=["blank", "invalid"])
def test_no_valid_client_email_skips_with_no_recipients(smtp_server: LoopbackSmtpServer,
                                                        book: Path, state: Path,
                                                        cell: str | None) -> None:
    set_field(book, "Client emails", cell)

    res = cli(smtp_server, state, book)

    assert res.code == 0, res.stderr
    assert res.one["result"] == "skipped"
    assert "no recipients" in res.one["detail"]
    assert smtp_server.messages == []


def test_paused_project_sends_nothing(smtp_server: LoopbackSmtpServer, book: Path,
                                      state: Path) -> None:
    set_field(book, "Reports paused", "Yes")

    res = cli(smtp_server, state, book)

    assert res.code == 0, res.stderr
    assert res.one["result"] == "skipped"
    assert "paused" in res.one["detail"]
    assert smtp_server.messages == []


def test_each_email_carries_only_its_own_project(smtp_server: LoopbackSmtpServer,
                                                 tmp_path: Path, state: Path) -> None:
    marks = {
        "Orchid intranet": ("Orchid search index", "Orchid crawler is slow", "a@orchid.example",
                            "pm1@studio.example"),
        "Basalt migration": ("Basalt cutover rehearsal", "Basalt DNS moved",
                             "b@basalt.example", "pm2@studio.example"),
    }
    books = [small_project(tmp_path / f"{name.split()[0].lower()}.xlsx", name, clients=client,
                           pm=pm, milestone=title, update=update)
             for name, (title, update, client, pm) in marks.items()]

    res = cli(smtp_server, state, *books)

    assert res.code == 0, res.stderr
    assert [p["result"] for p in res.projects] == ["sent", "sent"]
    assert len(smtp_server.messages) == 2
    for got in smtp_server.messages:
        msg = got.message
        (name,) = [n for n in marks if n in str(msg["Subject"])]
        (other,) = [n for n in marks if n != name]
        title, update, client, pm = marks[name]
        assert set(got.rcpt_tos) == {client, pm}
        parts = [flat(body(msg, "plain")), flat(body(msg, "html")), str(msg["Subject"])]
        for part in parts[:2]:
            assert name in part and title in part and update in part
        for part in parts:
            for leak in (other, *marks[other][:3]):
                assert leak not in part, f"{name}'s email holds {leak!r}"
            assert other.split()[0] not in part


def test_a_report_the_server_stored_before_dropping_the_line_is_unknown_never_resent(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path) -> None:
    """Issue 11 items 1 and 3: stored, then the connection closed before 250. One policy with
    a crash mid-send: unknown, exit 1, never sent again by itself."""
    smtp_server.drop_after_storing(1)
    res = cli(smtp_server, state, book)
    assert res.code == 1 and res.one["result"] == "unknown", res
    assert "may have been delivered" in res.one["detail"]
    assert len(smtp_server.messages) == 1
    (row,) = log_rows(book)
    assert row["Result"] == "unknown"

    for _ in range(2):  # the next runs: still exactly one email
        again = cli(smtp_server, state, book)
        assert again.one["result"] == "unknown" and again.code == 1
    assert len(smtp_server.messages) == 1
    assert len(log_rows(book)) == 1


def plain(server: LoopbackSmtpServer, state: Path, *args: str | Path) -> tuple[int, str]:
    out = subprocess.run([*SHEETSYNC, *map(str, args)], cwd=state.parent,
                         env=env_for(server, state), capture_output=True, text=True, timeout=60)
    assert "Traceback" not in out.stderr, out.stderr
    return out.returncode, out.stdout + out.stderr


@pytest.mark.parametrize("decision", ["--sent", "--resend"])
def test_doctor_lists_an_unknown_send_until_resolve_records_the_admins_decision(
        smtp_server: LoopbackSmtpServer, book: Path, state: Path, decision: str) -> None:
    """Issue 11 item 3: listed by doctor until cleared; resolve writes the ledger and Log."""
    smtp_server.drop_after_storing(1)
    assert cli(smtp_server, state, book).one["result"] == "unknown"
    code, said = plain(smtp_server, state, "doctor", book)
    assert code == 1 and "Unknown send: the report" in said and "sheetsync resolve" in said

    code, said = plain(smtp_server, state, "resolve", book, "--period", AS_OF, decision)
    assert code == 0, said
    code, said = plain(smtp_server, state, "doctor", book)
    assert "Unknown send" not in said
    rows = log_rows(book)
    assert [r["Result"] for r in rows] == ["unknown", "sent" if decision == "--sent" else "failed"]
    assert rows[0]["Message-ID"] == rows[1]["Message-ID"]

    after = cli(smtp_server, state, book)
    if decision == "--sent":
        assert after.one["result"] == "skipped" and len(smtp_server.messages) == 1
    else:
        assert after.one["result"] == "sent" and len(smtp_server.messages) == 2
    code, said = plain(smtp_server, state, "resolve", book, "--period", AS_OF, decision)
    assert code == 2 and "nothing to resolve" in said
