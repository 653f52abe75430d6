"""200 projects' weekly reports in one run, against plain yagmail as the floor.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_report [N]

Makes N (default 200) copies of the example project, each its own client, and starts the
loopback SMTP server of tests/fixtures_smtp.py. Then, in the same run:

- sheetsync: ``report_flow.report`` for every project in one ``Context`` (read the workbook,
  judge, build and render the report, ledger intent, send, ledger outcome, append the
  Log row to the .xlsx), through one ``SmtpTransport``;
- the floor: the same N rendered emails sent with ``yagmail.SMTP().send()``, one call per
  email, as a straightforward script would (no reading, no ledger, no Log).

It prints emails per second and the SMTP connections the server saw for both, and the
ratios. sheetsync does much more per email (it reads and writes each workbook), so the
interesting figures are the connections (1 against N) and how close the rate stays.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import yagmail

from sheetsync.host.config import Config
from sheetsync.host.ledger import Ledger
from sheetsync.mail.transport import SmtpSettings, SmtpTransport
from sheetsync.shell import report_flow
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import opener
from tests.fixtures_smtp import start_smtp_server

EXAMPLE = Path("examples/acme-rollout.xlsx")
AS_OF = date(2026, 11, 27)
SENDER = "Studio Projects <projects@studio.example>"


def make_projects(folder: Path, n: int) -> list[str]:
    """N copies of the example, each with its own project name and client address."""
    book = openpyxl.load_workbook(EXAMPLE)
    sources = []
    for i in range(n):
        ws = book["Project"]
        for row in ws.iter_rows(min_row=2):
            field = str(row[0].value or "").strip().lower()
            if field == "project":
                row[1].value = f"Client {i:03d} website"
            elif field == "client emails":
                row[1].value = f"client{i:03d}@example.com"
        path = folder / f"project-{i:03d}.xlsx"
        book.save(path)
        sources.append(str(path))
    return sources


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp, start_smtp_server() as server:
        folder = Path(tmp)
        sources = make_projects(folder, n)
        settings = SmtpSettings(host=server.host, port=server.port, security="none",
                                sender=SENDER)

        server.reset()
        started = time.perf_counter()
        run = Context(open_source=opener(Config()), ledger=Ledger(folder / "state"),
                           transport=SmtpTransport(settings), now=datetime.now(UTC),
                           sender=SENDER)
        with run.transport:
            results = [report_flow.report(s, run, as_of=AS_OF) for s in sources]
        ours = time.perf_counter() - started
        ours_connections = server.connections
        assert all(r.result == "sent" for r in results), {r.result for r in results}
        assert len(server.messages) == n
        messages = [r.message for r in results if r.message is not None]

        server.reset()
        started = time.perf_counter()
        yag = yagmail.SMTP(user="projects@studio.example", host=server.host, port=server.port,
                           smtp_ssl=False, smtp_starttls=False, smtp_skip_login=True)
        for msg in messages:
            yag.send(to=list(msg.to), cc=list(msg.cc), subject=msg.subject,
                     contents=[msg.text, msg.html])
        yag.close()
        floor = time.perf_counter() - started
        floor_connections = server.connections
        shutil.rmtree(folder / "state", ignore_errors=True)

    print(f"{n} projects' weekly reports, loopback aiosmtpd, plain:")
    print(f"  sheetsync report (read + render + ledger + send + Log row): "
          f"{n / ours:7.1f} emails/s, {ours_connections:4d} SMTP connections, {ours:6.2f} s")
    print(f"  yagmail send() per email (rendered emails only):          "
          f"{n / floor:7.1f} emails/s, {floor_connections:4d} SMTP connections, {floor:6.2f} s")
    print(f"  ratio: time {ours / floor:.2f}x the floor, connections "
          f"{ours_connections}/{floor_connections}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
