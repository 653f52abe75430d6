"""delivery.deliver, through report_flow: once per period, and the Log tab on failure."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from sheetsync.host.config import Config
from sheetsync.host.ledger import Ledger
from sheetsync.mail.transport import SmtpSettings, SmtpTransport
from sheetsync.shell import drafts, report_flow
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import opener
from tests.fixtures_smtp import LoopbackSmtpServer

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme-rollout.xlsx"
FRIDAY = date(2026, 11, 27)
SENDER = "Studio <projects@studio.example>"


def _run(server: LoopbackSmtpServer, state: Path, now: datetime) -> Context:
    settings = SmtpSettings(host=server.host, port=server.port, security="none")
    return Context(open_source=opener(Config()), ledger=Ledger(state),
                        transport=SmtpTransport(settings, retries=0, sleep=lambda _: None),
                        now=now, sender=SENDER)


def _log_results(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    ws = book["Log"]
    header = [c.value for c in ws[1]]
    col = header.index("Result")
    return [row[col] for row in ws.iter_rows(min_row=2, values_only=True)
            if row[col] and row[col] != "sending"]  # the outcomes


def test_a_failing_report_is_tried_every_run_but_logged_once_a_day(
        tmp_path: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, book)
    smtp_server.fail_all_data(554)
    for minute in (5, 20, 35):
        run = _run(smtp_server, tmp_path / "state", datetime(2026, 11, 27, 16, minute, tzinfo=UTC))
        with run.transport:
            sent = report_flow.report(str(book), run, as_of=FRIDAY)
        assert sent.result == "failed"
    assert _log_results(book) == ["failed"]

    smtp_server.reset()  # the server is back: the next run sends, and logs it
    run = _run(smtp_server, tmp_path / "state", datetime(2026, 11, 27, 16, 50, tzinfo=UTC))
    with run.transport:
        assert report_flow.report(str(book), run, as_of=FRIDAY).result == "sent"
    assert len(smtp_server.messages) == 1
    assert _log_results(book) == ["failed", "sent"]


def test_dry_run_renders_but_sends_and_writes_nothing(
        tmp_path: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, book)
    before = book.read_bytes()
    run = _run(smtp_server, tmp_path / "state", datetime(2026, 11, 27, 16, 5, tzinfo=UTC))
    with run.transport:
        sent = report_flow.report(str(book), run, as_of=FRIDAY, dry_run=True)
    assert sent.result == "dry-run" and sent.message is not None
    assert "Waiting on you" in sent.message.text
    assert smtp_server.messages == [] and book.read_bytes() == before
    assert not (tmp_path / "state").exists() or not any((tmp_path / "state").rglob("*.jsonl"))


def test_one_report_a_week_even_for_neighbouring_as_of_dates(
        tmp_path: Path, smtp_server: LoopbackSmtpServer) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, book)

    def report(as_of: date, force: bool = False) -> drafts.Sent:
        run = _run(smtp_server, tmp_path / "state", datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
        with run.transport:
            return report_flow.report(str(book), run, as_of=as_of, force=force)

    assert report(FRIDAY).result == "sent"
    saturday = report(date(2026, 11, 28))
    assert saturday.result == "skipped" and "this week" in saturday.detail
    assert report(date(2026, 11, 21)).result == "skipped"  # six days before: same span
    assert len(smtp_server.messages) == 1
    assert report(date(2026, 12, 4)).result == "sent"  # a week later: the next report
    assert report(date(2026, 11, 28), force=True).result == "sent"
    assert len(smtp_server.messages) == 3
