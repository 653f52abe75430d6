"""``sheetsync retro`` on the example project: the figures by hand, the document (escaped, no
script, no network, every section, an empty lessons table), Chinese, --send, and a print to
PDF in headless Chromium whose pages are looked at as images."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetsync.backends.xlsx_template import write_template
from sheetsync.blueprint import layout as blueprint
from sheetsync.cli.main import main
from sheetsync.core import retro
from sheetsync.model import Milestone, Settings, Status
from sheetsync.render.retro import render_retro
from tests.fixtures_env import scrub

AS_OF = "2026-11-27"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scrub(monkeypatch, tmp_path)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    path = tmp_path / "acme.xlsx"
    write_template(path, blueprint.example_project())
    return path


def run(*args: str) -> str:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return out.output


def test_the_example_figures_match_a_hand_count(acme: Path) -> None:
    data = json.loads(run("retro", str(acme), "--as-of", AS_OF, "--json"))
    m = data["metrics"]
    # 13 rows, none cancelled; done: M1 M2 M3 M4 M8; by their History baseline M1 (11 Sep,
    # done 10 Sep), M2 (25 Sep, 24 Sep) and M8 (27 Nov, 25 Nov) are on time
    assert (m["milestones"], m["done"], m["on_time"], m["on_time_rate"]) == (13, 5, 3, 0.6)
    # M3 9 Oct -> 15 Oct: 6; M4 30 Oct -> 13 Nov: 14; open M5 13 Nov -> 27 Nov: 14;
    # open M6 17 Nov -> 27 Nov: 10 (its reason: the approved CR-1 moved it: Scope change)
    assert m["slip_days"] == 6 + 14 + 14 + 10
    assert m["slip_days_by_reason"] == {"Client late": 14, "Team capacity": 14,
                                        "Scope change": 10, "unknown": 6}
    # client items M2, M5, M11; M5 still open 7 days past its Due of 20 Nov
    assert (m["client_items"], m["client_items_late"], m["client_days_late"]) == (3, 1, 7)
    assert m["confirmation_days_median"] == 4.5  # M1 4 days, M3 5 days
    assert m["changes"] == {"count": 3, "approved": 1, "declined": 1, "proposed": 1,
                            "days_added": 7}
    assert (m["reminders"], m["reports"]) == (0, 0)
    assert (data["from"], data["to"]) == ("2026-09-11", "2026-12-18")
    m4 = next(r for r in data["milestones"] if r["id"] == "M4")
    assert m4 == {"id": "M4", "baseline_due": "2026-10-30", "due": "2026-11-06",
                  "done_on": "2026-11-13", "slip_days": 14, "reason": "Team capacity"}


def test_a_phase_and_a_bad_date(acme: Path) -> None:
    data = json.loads(run("retro", str(acme), "--as-of", AS_OF, "--json",
                          "--from", "2026-10-01", "--to", "2026-11-20"))
    assert [r["id"] for r in data["milestones"]] == ["M3", "M4", "M5"]
    out = CliRunner().invoke(main, ["retro", str(acme), "--from", "1 Oct"])
    assert out.exit_code == 2 and "YYYY-MM-DD" in out.output


def test_the_document_has_every_section_and_nothing_that_runs_or_fetches(acme: Path) -> None:
    out = run("retro", str(acme), "--as-of", AS_OF, "--out", "retro.html")
    assert "wrote retro.html" in out and "44 days of slip" in out
    page = Path("retro.html").read_text(encoding="utf-8")
    for heading in ("In numbers", "Plan against what happened", "Milestone by milestone",
                    "Where the days went", "Client response times", "Changes",
                    "Lessons: keep, stop, try"):
        assert f">{heading}<" in page
    assert "<script" not in page.lower() and not re.search(r"(src|href)=\"?https?:", page)
    assert "@import" not in page and "url(" not in page
    assert page.count("<svg") == 1
    lessons = page[page.index('class="lessons"'):]
    assert lessons.count("<tr><td></td><td></td><td></td></tr>") == 5
    assert "Team capacity" in page and "No reason given" in page


def test_sheet_text_is_escaped_and_chinese_reads_chinese() -> None:
    sheet = (Milestone("M1", 2, "<b>Launch</b> & go", status=Status.DONE,
                       due=date(2026, 11, 2), done_on=date(2026, 11, 5)),)
    from sheetsync.model import Project

    figures = retro.retro(Project("x", Settings("A <i>co</i>"), milestones=sheet),
                          retro.history.read(None), date(2026, 11, 27))
    _, text, html = render_retro(figures, Settings("A <i>co</i>"))
    assert "<b>Launch" not in html and "&lt;b&gt;Launch&lt;/b&gt; &amp; go" in html
    assert "A &lt;i&gt;co&lt;/i&gt;" in html
    assert "M1 <b>Launch</b> & go" in text  # the text part is plain text
    _, _, zh = render_retro(figures, replace(Settings("项目"), language="zh"))
    assert 'lang="zh' in zh and "经验：保持、停止、尝试" in zh and "延误原因" in zh


def test_send_mails_the_team_and_logs_it(acme: Path) -> None:
    out = run("retro", str(acme), "--as-of", AS_OF, "--send")
    assert "sent: sam.lee@studio.example, priya.shah@studio.example" in out
    (eml,) = Path("outbox").glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["To"] == "sam.lee@studio.example, priya.shah@studio.example"
    assert "retrospective" in msg["Subject"] and "acme" not in (msg["Cc"] or "")
    html = msg.get_body(("html",))
    assert html is not None and "Lessons: keep, stop, try" in html.get_content()
    log = openpyxl.load_workbook(acme)["Log"]
    assert [c.value for c in log[log.max_row]][1] == "retro"


@pytest.mark.skipif(not (Path(CHROMIUM).exists() and shutil.which("pdftoppm")
                         and shutil.which("pdftotext")),
                    reason="needs chromium and poppler (pdftoppm, pdftotext)")
def test_it_prints_on_a4_pages_that_hold_everything(acme: Path, tmp_path: Path) -> None:
    run("retro", str(acme), "--as-of", AS_OF, "--out", "retro.html")
    pdf = tmp_path / "retro.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    (tmp_path / "retro.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert 2 <= len([p for p in pages if p.strip()]) <= 4
    for words in ("Acme website rollout", "In numbers", "Where the days went",
                  "Lessons: keep, stop, try", "Keep", "Stop", "Try", "M13"):
        assert words in text
    # no section is cut between two pages: each heading's page also holds its first row
    where = {h: next(i for i, p in enumerate(pages) if h in p)
             for h in ("Where the days went", "Client late")}
    assert where["Where the days went"] == where["Client late"]
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    (png,) = tmp_path.glob("page*.png")
    assert png.stat().st_size > 10_000  # a page with the figures and the chart drawn
