"""What ``sheetsync inbox`` costs: 200 waiting replies over 50 projects in one run.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_inbox [MESSAGES] [PROJECTS]

Starts pymap on loopback (tests/fixtures_imap.py), makes PROJECTS copies of the example
workbook (each under its own project name), APPENDs MESSAGES client replies spread over
them (confirm buttons, built from the links as a mail program builds them, 1 in 4 from a
stranger so ignored rows are in the mix), then runs the inbox flow once over every
project with the outbox as transport. It prints the time, the IMAP round trips, and the
sheet reads and writes per project that had replies.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from sheetsync.backends import open_backend
from sheetsync.core import tokens
from sheetsync.host.ledger import Ledger
from sheetsync.mail.transport import open_transport
from sheetsync.mailboxes import ImapSettings
from sheetsync.render import actions
from sheetsync.shell import inbox_flow
from sheetsync.shell.context import Context
from tests.fixtures_imap import client_reply, start_imap_server

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme-rollout.xlsx"
SECRET = b"bench-secret-0123456789"
DAY = date(2026, 11, 27)


class Counting:
    """A backend that counts what the flow asks of it."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.reads = self.writes = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def read(self) -> object:
        self.reads += 1
        return self.inner.read()  # type: ignore[attr-defined]

    def apply(self, plan: object) -> None:
        self.writes += 1
        self.inner.apply(plan)  # type: ignore[attr-defined]


def main(messages: int = 200, projects: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp, start_imap_server() as server:
        root = Path(tmp)
        server.new_folder()
        sources = []
        for i in range(projects):
            book = root / f"p{i}.xlsx"
            shutil.copy(EXAMPLE, book)
            wb = openpyxl.load_workbook(book)
            for row in wb["Project"].iter_rows():
                if row[0].value == "Project":
                    row[1].value = f"Project {i:02d}"
            wb.save(book)
            sources.append(str(book))
        raws = []
        for n in range(messages):
            i = n % projects
            token = tokens.sign(SECRET, f"Project {i:02d}", "M4", "confirm", DAY)
            subject = actions.subject("confirm", "M4", f"Project {i:02d}", "en", token)
            url = actions.mailto("replies@studio.example", subject, actions.body("confirm", "en"))
            sender = "eve@elsewhere.example" if n % 4 == 3 else "maria.chen@acme.example"
            raws.append(client_reply(url, sender, "fine", message_id=f"<b{n}@acme.example>"))
        server.append(*raws)
        counted: dict[str, Counting] = {}

        def open_source(source: str) -> Counting:
            counted[source] = Counting(open_backend(source))
            return counted[source]

        ctx = Context(open_source=open_source, ledger=Ledger(root / "state"),  # type: ignore[arg-type]
                      transport=open_transport(None, root / "outbox"),
                      now=datetime(2026, 11, 28, 10, tzinfo=UTC), sender="p@studio.example")
        settings = ImapSettings(host=server.host, port=server.port, security="none",
                                 user=server.user, password=server.password,
                                 folder=server.folder)
        import os
        os.environ["SHEETSYNC_SECRET"] = SECRET.decode()
        started = time.perf_counter()
        result = inbox_flow.handle(sources, ctx, settings, str(root / "state"),
                                   render_ack=lambda ld, row: ("ack", "ack", "<p>ack</p>"))
        took = time.perf_counter() - started
        rows = sum(len(p.responses) for p in result.projects)
        applied = sum(1 for p in result.projects for r in p.responses if r.applied)
        reads = max(c.reads for c in counted.values())
        writes = max(c.writes for c in counted.values())
        print(f"{messages} messages over {projects} projects: {took:.2f} s, "
              f"{result.round_trips} IMAP round trips in 1 session, {rows} rows "
              f"({applied} applied), at most {reads} read and {writes} write per project")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
