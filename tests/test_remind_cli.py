"""`sheetsync remind` over a simulated fortnight: a real process, a real loopback SMTP
server, and a copy of the Acme example workbook that staff edit between days.

The example (Europe/London, report day Friday, Reminder every days 3) has, from Mon 23 Nov:
M5 (client copy, due Fri 20 Nov) late, with M10 Content entry -> M11 User acceptance
testing -> M13 Go-live waiting on it; M4 (delivered 13 Nov) past its confirmation window;
CR-2 (proposed Mon 23 Nov) undecided; and M8 (delivered 25 Nov) past its window from Tue
1 Dec. Staff mark M5 done on Mon 30 Nov, after that day's reminder.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any, cast

import openpyxl
import pytest

from tests.fixtures_env import SHEETSYNC
from tests.fixtures_smtp import LoopbackSmtpServer, sheetsync_env, start_smtp_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
SENDER = "projects@studio.example"
CLIENTS = {"maria.chen@acme.example", "ops@acme.example"}
SPONSOR = "robert.kim@acme.example"
PM = "sam.lee@studio.example"
FIRST_DAY = date(2026, 11, 23)  # a Monday
DAYS = [FIRST_DAY + timedelta(days=i) for i in range(14)]  # Mon 23 Nov .. Sun 6 Dec
MARKED_DONE_AFTER = date(2026, 11, 30)  # staff set M5 to Done after this day's reminder
EVERY = 3


# --------------------------------------------------------------------------- helpers


def env_for(server: LoopbackSmtpServer, state: Path) -> dict[str, str]:
    return sheetsync_env(server, state, SENDER)


def sheetsync(cwd: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run the real command; its --json output, after checking it exited 0."""
    out = subprocess.run([*SHEETSYNC, *args], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return cast(dict[str, Any], json.loads(out.stdout))


def parsed(raw: bytes) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None, f"no text/{kind} part"
    return cast(str, part.get_content())


def flat(text: str) -> str:
    """The text with every run of whitespace as one space (the text part is wrapped)."""
    return " ".join(text.split())


def addresses(msg: EmailMessage, header: str) -> set[str]:
    return {a.lower() for _, a in getaddresses(msg.get_all(header, []))}


def set_cells(book: Path, tab: str, key: str, values: dict[str, Any]) -> None:
    """What staff do: type into the row whose first cell is ``key``, by column header."""
    wb = openpyxl.load_workbook(book)
    ws = wb[tab]
    header = {str(c.value).strip(): c.column for c in ws[1] if c.value}
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            for name, value in values.items():
                ws.cell(row[0].row, header[name]).value = value
            break
    else:
        raise AssertionError(f"{key} not in {tab}")
    wb.save(book)


def log_rows(book: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(book)["Log"]
    rows = list(ws.iter_rows(values_only=True))
    result = rows[0].index("Result")  # the outcomes: a 'sending' row only announces one
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]
            if any(r) and r[result] != "sending"]


@dataclass
class Day:
    """One simulated day: what ``remind --json`` said and the emails the server took."""

    day: date
    result: dict[str, Any]
    emails: list[EmailMessage] = field(default_factory=list)
    rcpt_tos: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class Fortnight:
    days: dict[date, Day]
    again: dict[str, Any]  # remind called a second time on a day it sent
    book: Path
    server: LoopbackSmtpServer

    def sent(self) -> list[Day]:
        return [d for d in self.days.values() if d.emails]


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fortnight]:
    """Run ``remind --as-of D`` for each of 14 days on one copy of the example."""
    folder = tmp_path_factory.mktemp("fortnight")
    book = folder / "acme.xlsx"
    shutil.copy(EXAMPLE, book)
    with start_smtp_server() as server:
        env = env_for(server, folder / "state")
        days: dict[date, Day] = {}
        again: dict[str, Any] = {}
        for d in DAYS:
            seen = len(server.messages)
            data = sheetsync(folder, env, "remind", "acme.xlsx", "--as-of", d.isoformat(),
                             "--json")
            (result,) = data["projects"]
            new = server.messages[seen:]
            days[d] = Day(d, result, [parsed(m.raw) for m in new], [m.rcpt_tos for m in new])
            if d == date(2026, 11, 26):
                seen = len(server.messages)
                (again,) = sheetsync(folder, env, "remind", "acme.xlsx", "--as-of",
                                     d.isoformat(), "--json")["projects"]
                assert len(server.messages) == seen
            if d == MARKED_DONE_AFTER:
                set_cells(book, "Milestones", "M5", {"Status": "Done",
                                                     "Done on": MARKED_DONE_AFTER})
        yield Fortnight(days, again, book, server)


# --------------------------------------------------------------------------- the fortnight


EXPECTED = {  # day -> IDs mentioned, in the email's order
    date(2026, 11, 23): ["M5", "M4"],
    date(2026, 11, 26): ["M5", "M4"],
    date(2026, 11, 30): ["M5", "M4", "CR-2"],
    date(2026, 12, 1): ["M8"],
    date(2026, 12, 3): ["M4", "CR-2"],
}


def test_the_fortnight_sends_on_the_expected_days_with_the_expected_items(
        fortnight: Fortnight) -> None:
    got = {d.day: d.result["items"] for d in fortnight.days.values() if d.result["result"]
           == "sent"}
    assert got == EXPECTED
    assert {d.day for d in fortnight.sent()} == set(EXPECTED)


def test_no_reminder_on_saturday_sunday_or_the_report_day(fortnight: Fortnight) -> None:
    quiet = [d for d in fortnight.days.values() if d.day.weekday() in (4, 5, 6)]
    assert len(quiet) == 6
    for d in quiet:
        assert d.emails == []
        assert d.result["result"] == "skipped"
        assert "never on Saturday, Sunday, a day off or a report day" in d.result["detail"]
        assert d.result["items"] == []
    # Fri 27 Nov had items waiting (M5 was 7 days late), and still nothing went out
    assert fortnight.days[date(2026, 11, 27)].result["detail"].startswith("no reminder on Fri")


def test_one_email_a_project_and_day_however_many_items(fortnight: Fortnight) -> None:
    for d in fortnight.days.values():
        assert len(d.emails) <= 1
    three = fortnight.days[date(2026, 11, 30)]
    assert len(three.emails) == 1 and len(three.result["items"]) == 3
    assert three.emails[0]["Subject"] == \
        "Action needed: Acme website rollout: 3 items still waiting on you"


def test_an_item_is_repeated_only_after_its_gap(fortnight: Fortnight) -> None:
    mentioned: dict[str, list[date]] = {}
    for d in fortnight.sent():
        for item in d.result["items"]:
            mentioned.setdefault(item, []).append(d.day)
    for item, days in mentioned.items():
        gaps = [(b - a).days for a, b in itertools.pairwise(days)]
        assert all(g >= EVERY for g in gaps), (item, days)
    assert mentioned["M4"] == [date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 30),
                               date(2026, 12, 3)]
    # the days in between said why nothing went
    tue = fortnight.days[date(2026, 11, 24)]
    assert tue.result["result"] == "skipped" and tue.emails == []
    assert "mentioned less than 3 days ago" in tue.result["detail"]


def test_the_tone_steps_up_and_the_sponsor_is_copied_from_the_third_reminder(
        fortnight: Fortnight) -> None:
    def email_of(d: date) -> EmailMessage:
        return fortnight.days[d].emails[0]

    first, second, third = (email_of(date(2026, 11, 23)), email_of(date(2026, 11, 26)),
                            email_of(date(2026, 11, 30)))
    assert "A friendly note about Acme website rollout" in flat(body(first, "plain"))
    assert "we have asked about some of these before" in flat(body(second, "plain"))
    assert "is slipping" in flat(body(third, "plain"))
    assert first["Subject"] == "Acme website rollout: 2 items waiting on you"
    assert second["Subject"].startswith("Reminder: Acme website rollout")

    for msg in (first, second):
        assert SPONSOR not in addresses(msg, "Cc")
    assert addresses(third, "Cc") == {PM, "accounts@studio.example", SPONSOR}
    assert SPONSOR in fortnight.days[date(2026, 11, 30)].rcpt_tos[0]
    assert "We have copied robert.kim@acme.example" in flat(body(third, "plain"))
    assert "3rd reminder" in flat(body(third, "plain"))
    # a new item alone (M8, first mention) is friendly again and copies no sponsor
    m8 = email_of(date(2026, 12, 1))
    assert SPONSOR not in addresses(m8, "Cc")
    assert m8["Subject"] == "Acme website rollout: 1 item waiting on you"
    # M4 is on its 4th mention on Thu 3 Dec: the sponsor is still copied
    assert SPONSOR in addresses(email_of(date(2026, 12, 3)), "Cc")


def test_every_email_goes_to_the_client_with_the_pm_as_reply_to(fortnight: Fortnight) -> None:
    for d in fortnight.sent():
        msg = d.emails[0]
        assert addresses(msg, "To") == CLIENTS
        assert PM in addresses(msg, "Cc")
        assert addresses(msg, "Reply-To") == {PM}
        assert addresses(msg, "From") == {SENDER}
        assert msg["X-Sheetsync-Job"] == "remind"
        assert msg["Message-ID"].strip() == d.result["message_id"]  # may arrive folded
        assert f".remind.{d.day.isoformat()}." in msg["Message-ID"]
        assert set(d.result["recipients"]) == set(d.rcpt_tos[0])
        html = body(msg, "html")
        assert "Acme website rollout" in html and "<script" not in html.lower()
        assert "Sam Lee" in body(msg, "plain")


def test_the_email_gives_the_projection_for_the_chain_of_three(fortnight: Fortnight) -> None:
    def m5_line(d: date) -> str:
        return flat(body(fortnight.days[d].emails[0], "plain"))

    chain = "M10 Content entry, M11 User acceptance testing and M13 Go-live"
    assert f"If this stays late, {chain} move by 3 days." in m5_line(date(2026, 11, 23))
    assert "It was due Fri 20 Nov and is 3 days late." in m5_line(date(2026, 11, 23))
    assert f"If this stays late, {chain} move by 6 days." in m5_line(date(2026, 11, 26))
    assert f"If this stays late, {chain} move by 10 days." in m5_line(date(2026, 11, 30))
    html = flat(body(fortnight.days[date(2026, 11, 26)].emails[0], "html"))
    assert f"If this stays late, {chain} move by 6 days." in html


def test_each_item_says_what_to_do(fortnight: Fortnight) -> None:
    text = flat(body(fortnight.days[date(2026, 11, 30)].emails[0], "plain"))
    assert "Delivered Fri 13 Nov. Your confirmation was due Wed 18 Nov, 12 days ago." in text
    assert "Please check it and reply to confirm acceptance" in text
    assert "CR-2 Add a French version of the whole site" in text
    assert "Proposed Mon 23 Nov; it has waited 7 days for your decision." in text
    assert "If approved, M13 Go-live moves from Fri 18 Dec to Fri 8 Jan." in text
    assert "Please reply to approve or reject this change." in text
    assert "Please complete it and send us what it needs" in text


def test_an_item_drops_out_once_staff_mark_it_done(fortnight: Fortnight) -> None:
    after = [d for d in fortnight.sent() if d.day > MARKED_DONE_AFTER]
    assert after
    for d in after:
        assert "M5" not in d.result["items"]
        assert "M5 Homepage and product copy" not in body(d.emails[0], "plain")
    assert "M5" in fortnight.days[MARKED_DONE_AFTER].result["items"]


def test_nothing_is_sent_twice_the_same_day(fortnight: Fortnight) -> None:
    again = fortnight.again
    assert again["result"] == "skipped"
    assert again["detail"] == "already sent for 2026-11-26"
    assert again["message_id"] == fortnight.days[date(2026, 11, 26)].result["message_id"]
    assert again["items"] == ["M5", "M4"]


def test_each_send_goes_to_the_log_tab_as_a_remind_row(fortnight: Fortnight) -> None:
    rows = [r for r in log_rows(fortnight.book) if r["Job"] == "remind"]
    assert [r["Result"] for r in rows] == ["sent"] * len(EXPECTED)
    assert [r["Message-ID"] for r in rows] == [d.result["message_id"] for d in fortnight.sent()]
    copied = [SPONSOR in str(r["Recipients"]) for r in rows]
    assert copied == [d.day in (date(2026, 11, 30), date(2026, 12, 3)) for d in fortnight.sent()]


def test_remind_json_has_the_report_json_shape_plus_items(fortnight: Fortnight,
                                                          tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "acme.xlsx")
    env = env_for(fortnight.server, tmp_path / "state")
    report = sheetsync(tmp_path, env, "report", "acme.xlsx", "--as-of", "2026-11-27", "--json",
                       "--dry-run")
    sent = fortnight.days[date(2026, 11, 26)].result
    quiet = fortnight.days[date(2026, 11, 28)].result
    (shape,) = report["projects"]
    assert set(report) == {"projects"}
    assert set(sent) == (set(shape) - {"preview"}) | {"items"}  # preview: a dry run's page
    assert set(quiet) == set(sent)
    assert {"project", "result", "recipients", "subject", "message_id", "detail"} <= set(sent)
    assert sent["project"] == "Acme website rollout"
    assert sent["result"] == "sent" and sent["items"] == ["M5", "M4"]


# --------------------------------------------------------------------------- run and dry-run


def test_run_sends_the_reminder_once_a_project_day_from_nine(smtp_server: LoopbackSmtpServer,
                                                             tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "acme.xlsx")
    env = env_for(smtp_server, tmp_path / "state")

    def run(now: str) -> list[dict[str, Any]]:
        data = sheetsync(tmp_path, env, "run", "acme.xlsx", "--now", now, "--json")
        return cast(list[dict[str, Any]], data["projects"][0]["actions"])

    early = run("2026-11-26T08:45+00:00")  # London is on UTC in November
    assert [a["job"] for a in early if a["job"] == "remind"] == []
    assert smtp_server.messages == []

    first = run("2026-11-26T09:15+00:00")
    assert {"job": "remind", "result": "sent"} in [{k: a[k] for k in ("job", "result")}
                                                    for a in first]
    assert len(smtp_server.messages) == 1
    assert [a["job"] for a in run("2026-11-26T09:15+00:00")] == []  # the same minute again
    assert len(smtp_server.messages) == 1

    again = sheetsync(tmp_path, env, "remind", "acme.xlsx", "--as-of", "2026-11-26", "--json")
    assert again["projects"][0]["detail"] == "already sent for 2026-11-26"
    assert len(smtp_server.messages) == 1
    msg = parsed(smtp_server.messages[0].raw)
    assert msg["Subject"] == "Acme website rollout: 2 items waiting on you"

    friday = run("2026-11-27T10:00+00:00")  # report day: a check, no reminder
    assert "remind" not in [a["job"] for a in friday]


def test_dry_run_renders_without_sending_or_writing(smtp_server: LoopbackSmtpServer,
                                                    tmp_path: Path) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, book)
    before = book.read_bytes()
    env = env_for(smtp_server, tmp_path / "state")
    data = sheetsync(tmp_path, env, "remind", "acme.xlsx", "--as-of", "2026-11-26", "--json",
                     "--dry-run")
    (result,) = data["projects"]
    assert result["result"] == "dry-run"
    assert result["items"] == ["M5", "M4"]
    assert smtp_server.messages == []
    assert book.read_bytes() == before
    real = sheetsync(tmp_path, env, "remind", "acme.xlsx", "--as-of", "2026-11-26", "--json")
    assert real["projects"][0]["result"] == "sent"  # a dry run is not a mention


def test_a_decided_change_drops_out_and_an_unapplied_approval_is_a_problem(
        smtp_server: LoopbackSmtpServer, tmp_path: Path) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, book)
    env = env_for(smtp_server, tmp_path / "state")
    first = sheetsync(tmp_path, env, "remind", "acme.xlsx", "--as-of", "2026-11-30", "--json")
    assert "CR-2" in first["projects"][0]["items"]

    set_cells(book, "Changes", "CR-2", {"Status": "Approved", "Client approved": "Yes"})
    later = sheetsync(tmp_path, env, "remind", "acme.xlsx", "--as-of", "2026-12-03", "--json")
    assert later["projects"][0]["items"] == ["M5", "M4", "M8"]  # CR-2 decided: dropped

    # approved with New due 8 Jan while Go-live is still due 18 Dec: staff must apply it
    check = sheetsync(tmp_path, env, "check", "acme.xlsx", "--as-of", "2026-12-03", "--json",
                      "--dry-run")
    problems = [p for p in check["projects"][0]["problems"] if p["tab"] == "Changes"]
    assert len(problems) == 1
    assert "CR-2" in problems[0]["problem"] and "M13" in problems[0]["how_to_fix"]


def test_a_failed_send_is_not_a_mention_and_goes_out_on_the_next_try(
        smtp_server: LoopbackSmtpServer, tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "acme.xlsx")
    env = env_for(smtp_server, tmp_path / "state")
    smtp_server.fail_all_data(554)
    out = subprocess.run([*SHEETSYNC, "remind", "acme.xlsx", "--as-of", "2026-11-26", "--json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    (failed,) = json.loads(out.stdout)["projects"]
    assert failed["result"] == "failed"
    assert "Acme website rollout" in out.stderr and "Traceback" not in out.stderr
    assert [r["Result"] for r in log_rows(tmp_path / "acme.xlsx")] == ["failed"]

    smtp_server.reset()
    retry = sheetsync(tmp_path, env, "remind", "acme.xlsx", "--as-of", "2026-11-26", "--json")
    assert retry["projects"][0]["result"] == "sent"
    assert retry["projects"][0]["items"] == ["M5", "M4"]
    msg = parsed(smtp_server.messages[0].raw)
    assert "A friendly note" in flat(body(msg, "plain"))  # still the first mention
