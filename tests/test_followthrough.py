"""Staff follow-through end to end (CONTRACT section 7): the preview, team nudges, working
days, fortnightly reports, the digest and ``report --dry-run``'s preview folder.

Real parts: the ``sheetsync`` command in-process (click's CliRunner), real .xlsx files, a
real loopback SMTP server, a state dir in tmp_path, headless Chromium for the dry-run page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli import main as cli
from tests.fixtures_env import scrub
from tests.fixtures_smtp import LoopbackSmtpServer
from tests.xlsx_factory import make_workbook

SENDER = "Studio Projects <projects@studio.example>"
CHROMIUM = "/usr/bin/chromium"
MS_HEADER = ["ID", "Milestone", "Owner", "Owner email", "Start", "Due", "Status",
             "Acceptance criteria"]


@pytest.fixture
def env(tmp_path: Path, smtp_server: LoopbackSmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> Path:
    scrub(monkeypatch, tmp_path)
    for name, value in {"SHEETSYNC_SMTP_HOST": smtp_server.host,
                        "SHEETSYNC_SMTP_PORT": str(smtp_server.port),
                        "SHEETSYNC_SMTP_SECURITY": "none", "SHEETSYNC_FROM": SENDER,
                        "SHEETSYNC_STATE_DIR": str(tmp_path / "state")}.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def project(path: Path, name: str, *, milestones: list[list[Any]] = (),  # type: ignore[assignment]
            updates: list[list[Any]] = (), **fields: str) -> Path:  # type: ignore[assignment]
    settings = {"Project": name, "Client": "Acme Ltd", "Client emails": "ann@acme.example",
                "Project manager": "Sam Lee", "PM email": "pm@studio.example",
                "Time zone": "Europe/London", "Report day": "Friday", "Report time": "16:00",
                **{k.replace("_", " "): v for k, v in fields.items()}}
    return make_workbook(path, {
        "Project": [["Field", "Value"], *([k, v] for k, v in settings.items())],
        "Milestones": [MS_HEADER, *milestones],
        "Updates": [["Date", "Type", "Update", "Milestone"], *updates],
    })


def invoke(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(cli.main, list(args), catch_exceptions=False)
    try:
        return result.exit_code, json.loads(result.stdout)
    except json.JSONDecodeError:
        return result.exit_code, result.stdout


def jobs(smtp: LoopbackSmtpServer) -> list[str]:
    return [str(m.message["X-Sheetsync-Job"]) for m in smtp.messages]


def to(message: EmailMessage) -> list[str]:
    return [a.addr_spec for a in message["To"].addresses]


def body(message: EmailMessage, kind: str = "plain") -> str:
    """A part's content, its lines joined (the text part wraps long sentences)."""
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def actions(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["job"], a["result"]) for p in data["projects"] for a in p["actions"]]


# --------------------------------------------------------------------------- preview


def test_a_week_with_no_updates_gets_a_preview_that_says_so(
        env: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = project(env / "quiet.xlsx", "Quiet project", Team_emails="team@studio.example",
                   milestones=[["M1", "Launch", "Team", "", "", "2026-12-08", "In progress", ""]],
                   updates=[["2026-11-02", "Done", "Kick-off held", ""]])
    # Thursday 26 Nov 16:00 London: the working day before Friday's report.
    code, data = invoke("run", str(book), "--now", "2026-11-26T16:00+00:00", "--json")
    assert code == 0 and ("preview", "sent") in actions(data)
    (mail,) = smtp_server.messages
    assert to(mail.message) == ["team@studio.example"] and mail.message["Cc"] is None
    text = body(mail.message)
    assert "Before it goes" in text
    assert "No update since Mon 2 Nov: add a Done, Problem or Next row to Updates." in text
    assert "M1 Launch, due Tue 8 Dec, has no acceptance criteria" in text
    assert "Reports paused" in text
    # ...above the client report exactly as it will go on Friday (the same renderer).
    assert "Quiet project — weekly report, week ending 27 Nov 2026" in text
    assert "Summary" in text and "Waiting on you" in body(mail.message, "html")
    # Once: the next run sends nothing more; Friday's report goes to the client only.
    code, data = invoke("run", str(book), "--now", "2026-11-26T16:15+00:00", "--json")
    assert ("preview", "sent") not in actions(data)
    code, data = invoke("run", str(book), "--now", "2026-11-27T16:05+00:00", "--json")
    assert jobs(smtp_server) == ["preview", "report"]
    assert to(smtp_server.messages[1].message) == ["ann@acme.example"]


def test_preview_json_has_the_contracts_shape(env: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = project(env / "p.xlsx", "P", Holiday_calendar="Narnia",
                   milestones=[["M1", "Build", "Team", "dev@studio.example", "", "2026-11-20",
                                "In progress", "Works"]])
    code, data = invoke("preview", str(book), "--as-of", "2026-11-26", "--json")
    assert code == 0
    (p,) = data["projects"]
    assert p["result"] == "sent" and p["report_day"] == "2026-11-27"
    codes = {c["code"]: c for c in p["checks"]}
    assert set(codes) == {"NO_UPDATES", "TEAM_OVERDUE", "SHEET_PROBLEMS"}
    assert codes["TEAM_OVERDUE"]["ids"] == ["M1"]
    assert "dev@studio.example" in codes["TEAM_OVERDUE"]["text"]
    # an unknown calendar code is a problem in the sheet, with how to fix it, not a crash
    assert "not a holiday calendar" in codes["SHEET_PROBLEMS"]["text"]
    code, checked = invoke("check", str(book), "--json", "--dry-run")
    (problem,) = checked["projects"][0]["problems"]
    assert "CN, GB, US" in problem["how_to_fix"]


# --------------------------------------------------------------------------- nudges


def test_team_overdue_with_and_without_an_owner_email(
        env: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = project(env / "late.xlsx", "Late project", milestones=[
        ["M1", "CMS build", "Team", "dev@studio.example", "", "2026-11-20", "In progress", "x"],
        ["M2", "Hosting", "Team", "", "", "2026-11-19", "In progress", "x"],
        ["M3", "Copy", "Client", "ann@acme.example", "", "2026-11-19", "In progress", "x"],
    ], updates=[["2026-11-23", "Next", "Build goes on", "M1"]])
    code, data = invoke("run", str(book), "--now", "2026-11-24T09:00+00:00", "--json")
    assert code == 0 and ("nudge", "sent") in actions(data)
    nudge = next(m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "nudge")
    assert to(nudge.message) == ["dev@studio.example"]
    text = body(nudge.message)
    assert "M1 CMS build" in text and "Overdue by 4 days" in text and "M2" not in text
    assert all("ann@acme.example" not in m.rcpt_tos for m in smtp_server.messages
               if m.message["X-Sheetsync-Job"] == "nudge")  # the client never gets a nudge
    # Once a day; the next day M1 waits for its 3-day cadence.
    invoke("run", str(book), "--now", "2026-11-24T11:00+00:00", "--json")
    invoke("run", str(book), "--now", "2026-11-25T09:00+00:00", "--json")
    assert jobs(smtp_server).count("nudge") == 1
    # The preview names M2 as overdue with no Owner email, so staff can fill it in.
    code, data = invoke("preview", str(book), "--as-of", "2026-11-26", "--json")
    (overdue,) = [c for c in data["projects"][0]["checks"] if c["code"] == "TEAM_OVERDUE"]
    assert overdue["ids"] == ["M2", "M1"] and "M2 Hosting is overdue by 8 days (no Owner email)" \
        in overdue["text"]


def test_one_owner_across_two_projects_gets_one_email(
        env: Path, smtp_server: LoopbackSmtpServer) -> None:
    a = project(env / "a.xlsx", "Alpha", milestones=[
        ["M1", "Alpha build", "Team", "dev@studio.example", "", "2026-11-20", "In progress", "x"]])
    b = project(env / "b.xlsx", "Beta", Language="English", milestones=[
        ["B7", "Beta launch", "Team", "Dev@Studio.example", "", "2026-11-25", "In progress", "x"]])
    code, _ = invoke("run", str(a), str(b), "--now", "2026-11-24T09:30+00:00", "--json")
    assert code == 0
    nudges = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "nudge"]
    assert len(nudges) == 1
    text = body(nudges[0].message)
    assert "Alpha build" in text and "Beta launch" in text and "Due Wed 25 Nov (tomorrow)" in text


# --------------------------------------------------------------------------- working days


@pytest.mark.parametrize(("code", "zone", "holiday", "before", "day_before"), [
    # GB: Friday 25 December 2026 (Christmas): the report goes Thursday 24 December.
    ("GB", "Europe/London", "2026-12-25T16:05+00:00", "2026-12-24T16:05+00:00", "24 Dec"),
    # CN: Friday 2 October 2026 (National Day): the report goes Wednesday 30 September.
    ("CN", "Asia/Shanghai", "2026-10-02T08:05+00:00", "2026-09-30T08:05+00:00", "30 Sep"),
])
def test_a_report_day_on_a_holiday(env: Path, smtp_server: LoopbackSmtpServer, code: str,
                                   zone: str, holiday: str, before: str, day_before: str) -> None:
    book = project(env / f"{code}.xlsx", f"{code} site", Holiday_calendar=code, Time_zone=zone,
                   milestones=[["M1", "Launch", "Team", "", "", "2027-02-26", "In progress",
                                "Live"]])
    code_, data = invoke("run", str(book), "--now", holiday, "--json")
    assert code_ == 0 and ("report", "sent") not in actions(data)
    assert "report" not in jobs(smtp_server)
    invoke("run", str(book), "--now", before, "--json")
    invoke("run", str(book), "--now", holiday, "--json")
    reports = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "report"]
    assert len(reports) == 1 and day_before in str(reports[0].message["Subject"])


def test_a_fortnightly_project_over_six_weeks(env: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = project(env / "f.xlsx", "Fortnight", Report_every_weeks="2", milestones=[
        ["M1", "Discovery", "Team", "", "2026-11-02", "2027-02-26", "In progress", "Signed"]],
        updates=[["2026-11-09", "Done", "Interviews held", "M1"]])
    # Every Friday at 16:05 and each day between at 09:00, for six weeks from 2 November.
    from datetime import date, timedelta
    day = date(2026, 11, 2)
    for _ in range(42):
        invoke("run", str(book), "--now", f"{day.isoformat()}T16:05+00:00", "--json")
        day += timedelta(days=1)
    reports = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "report"]
    # The first report day after the first start (Mon 2 Nov) is Fri 6 Nov; then every 2nd.
    assert [str(m.message["Subject"])[-11:] for m in reports] == [
        " 6 Nov 2026", "20 Nov 2026", " 4 Dec 2026"]
    # A fortnightly report covers 14 days: the update of 9 Nov is in the report of 20 Nov.
    assert "Interviews held" in body(reports[1].message)
    assert "7 Nov – Fri 20 Nov 2026" in body(reports[1].message)
    previews = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "preview"]
    assert len(previews) == 3


# --------------------------------------------------------------------------- digest


def test_a_digest_over_twenty_projects_one_unreadable(
        env: Path, smtp_server: LoopbackSmtpServer) -> None:
    lines = ['[digest]', 'to = "lead@studio.example"', 'day = "Monday"', 'time = "09:00"',
             'time_zone = "Europe/London"', '']
    for i in range(19):
        due = "2026-11-10" if i % 5 == 0 else "2027-03-01"
        owner = "Client" if i % 7 == 0 else "Team"
        project(env / f"p{i:02}.xlsx", f"Project {i:02}", milestones=[
            ["M1", "Work", owner, "", "", due, "In progress", "x"]])
        lines += ["[[projects]]", f'source = "p{i:02}.xlsx"']
    lines += ["[[projects]]", 'source = "missing.xlsx"']
    (env / "sheetsync.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, data = invoke("digest", "--json", "--as-of", "2026-11-23")
    assert code == 0
    rows = data["projects"]
    assert len(rows) == 20 and rows[0]["state"] == "unreadable"
    assert "missing.xlsx" in rows[0]["project"]
    states = [r["state"] for r in rows[1:]]
    assert states == sorted(states, key=["late", "at risk", "on track"].index)
    (mail,) = smtp_server.messages
    assert to(mail.message) == ["lead@studio.example"]
    html = body(mail.message, "html")
    assert "For the admin" in html and "missing.xlsx" in html and html.count("<tr") >= 21
    # run sends it once, at Monday 09:00 London (it went already by hand for today: once).
    smtp_server.reset()
    code, data = invoke("run", "--now", "2026-11-30T09:00+00:00", "--json")
    code, data = invoke("run", "--now", "2026-11-30T09:15+00:00", "--json")
    assert jobs(smtp_server).count("digest") == 1


# --------------------------------------------------------------------------- dry-run


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_report_dry_run_writes_a_page_chromium_opens(env: Path,
                                                     smtp_server: LoopbackSmtpServer) -> None:
    book = project(env / "d.xlsx", "Dry & run", milestones=[
        ["M1", "Launch", "Team", "", "", "2026-12-04", "In progress", "Site <live>"]])
    code, out = invoke("report", str(book), "--as-of", "2026-11-27", "--dry-run",
                       "--preview-dir", str(env / "pv"))
    assert code == 0 and smtp_server.messages == []
    page = Path(out.strip().splitlines()[-1].rpartition("; open ")[2])
    assert page.parent == env / "pv" and page.suffix == ".html"
    assert page.with_suffix(".eml").exists()
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "Dry &amp; run" in dom and "Acceptance criteria: Site &lt;live&gt;" in dom
    shutil.rmtree(env / "pv")
