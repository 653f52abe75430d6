"""Requests and wall time of the Google Sheets backend, against the loopback emulator.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_gsheets [PROJECTS]

1. **Requests for one project.** The same ``check`` (read, flags, Problems) on the same
   sheet, once through ``GoogleSheet`` (``pipeline.check``) and once as a straightforward
   gspread script: ``get_all_records`` per tab, ``update_cell`` per flag cell, ``clear`` +
   ``update`` of Problems. Both count requests with the same HTTP client class.
2. **PROJECTS (default 200) under a quota.** The emulator allows 60 requests per rolling
   minute per service account, like Google's per-user Sheets quota, measured on an
   accelerated clock: simulated time runs ``SPEEDUP`` times faster than real time, and the
   backend's backoff sleeps on that same clock (``sleep(s)`` waits ``s / SPEEDUP`` real
   seconds). A first ``check`` of every project (tabs to create, flags to write), then a
   second one with nothing new. Each prints the simulated wall time beside the quota's floor
   (requests / 60 per minute): what the same run would take against Google.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import gspread
from google.oauth2.service_account import Credentials

from sheetsync.backends import Backend
from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_http import SCOPES, SheetsHTTPClient
from sheetsync.core import rules, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.shell import pipeline
from tests.sheets_emulator import AcceleratedClock, SheetsEmulator

AS_OF = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
QUOTA = 60  # requests per minute per user
SPEEDUP = 60.0  # simulated seconds per real second


def project_tabs(n: int) -> dict[str, list[list[Any]]]:
    """A realistic small project: 20 milestones (8 of them flagged), updates, changes."""
    milestones: list[list[Any]] = [["ID", "Milestone", "Owner", "Due", "Status",
                                    "Client confirmed", "Depends on", "Notes"]]
    for i in range(1, 21):
        due = date(2026, 10, 1 + i) if i <= 12 else date(2026, 12, i - 10)
        status = "Done" if i <= 6 else "In progress" if i <= 14 else "Not started"
        owner = "Client" if i % 5 == 0 else "Team"
        confirmed = "Yes" if i <= 4 else ""
        milestones.append([f"M{i}", f"Milestone {i}", owner, due, status, confirmed,
                           f"M{i - 1}" if i > 1 else "", ""])
    updates: list[list[Any]] = [["Date", "Type", "Update", "Milestone", "By", "Internal"]]
    for i in range(1, 11):
        updates.append([date(2026, 11, 16 + i // 2), ["Done", "Problem", "Next", "Note"][i % 4],
                        f"Update {i}", f"M{i}", "PM", "No"])
    return {
        "Project": [["Field", "Value"], ["Project", f"Project {n}"], ["Client", "Acme"],
                    ["Client emails", "client@acme.example"], ["PM email", "pm@agency.example"],
                    ["Time zone", "Europe/London"], ["Date order", "MDY"]],
        "Milestones": milestones,
        "Updates": updates,
        "Changes": [["ID", "Date", "Change", "Milestone", "Status"],
                    ["C1", date(2026, 11, 2), "More scope", "M8", "Proposed"]],
    }


def open_with(key: Path, endpoint: str, sleep: Callable[[float], None]) -> pipeline.Opener:
    def open_source(source: str) -> Backend:
        return GoogleSheet.open(source, credentials=key, endpoint=endpoint, sleep=sleep)
    return open_source


def gspread_script(key: Path, endpoint: str, sheet_id: str) -> int:
    """The straightforward gspread version of the same check; returns its request count."""
    creds = Credentials.from_service_account_file(str(key), scopes=SCOPES)
    client = gspread.Client(auth=creds, http_client=SheetsHTTPClient)
    http = client.http_client
    assert isinstance(http, SheetsHTTPClient)
    http.endpoint = endpoint
    book = client.open_by_key(sheet_id)
    records = {t: book.worksheet(t).get_all_records()
               for t in ("Project", "Milestones", "Updates", "Changes")}
    assert records["Milestones"]
    # the decisions are sheetsync's own, so both versions write the same cells
    project = parse_workbook(GoogleSheet.open(f"gsheet:{sheet_id}", credentials=key,
                                              endpoint=endpoint).read(), sheet_id)
    plan = writeplan.build(project, rules.assess(project, AS_OF))
    milestones = book.worksheet("Milestones")
    for cell in plan.flag_cells:
        milestones.update_cell(cell.row, cell.col, cell.value)
    try:
        problems = book.worksheet("Problems")
    except gspread.exceptions.WorksheetNotFound:
        problems = book.add_worksheet("Problems", rows=100, cols=5)
    problems.clear()
    problems.update([list(r) for r in plan.problems_rows or ()], "A1")
    return http.api_requests


def one_project(emulator: SheetsEmulator, key: Path) -> tuple[int, int, int]:
    """(GoogleSheet requests, gspread script requests, flag cells written)."""
    emulator.create_spreadsheet("bench-one-a", "One", project_tabs(0))
    emulator.create_spreadsheet("bench-one-b", "One", project_tabs(0))
    checked = pipeline.check("gsheet:bench-one-a", open_with(key, emulator.url, time.sleep),
                             now=NOW, as_of=AS_OF)
    assert checked.error is None and checked.written, checked.error
    ours = checked.api_requests
    theirs = gspread_script(key, emulator.url, "bench-one-b")
    flagged = sum(1 for row in emulator.values("bench-one-a", "Milestones")[1:]
                  if len(row) > 8 and row[8])
    assert emulator.values("bench-one-a", "Milestones") == \
        emulator.values("bench-one-b", "Milestones")
    return ours, theirs, flagged


def many_projects(emulator: SheetsEmulator, key: Path, n: int,
                  clock: AcceleratedClock) -> list[dict[str, float]]:
    """Two check runs over ``n`` projects under the quota; figures for each run."""
    sources = []
    for i in range(n):
        emulator.create_spreadsheet(f"bench-{i:03d}", f"Project {i}", project_tabs(i))
        sources.append(f"gsheet:bench-{i:03d}")
    emulator.set_quota(QUOTA, window=60.0, clock=clock)
    open_source = open_with(key, emulator.url, clock.sleep)
    figures = []
    for _ in ("first", "again"):
        emulator.reset_log()
        rejected_before = emulator.quota_rejections
        start_real, start_sim = time.perf_counter(), clock.now()
        sent = failed = 0
        for source in sources:
            checked = pipeline.check(source, open_source, now=NOW, as_of=AS_OF)
            sent += checked.api_requests
            failed += checked.error is not None
        answered = len(emulator.requests) - (emulator.quota_rejections - rejected_before)
        figures.append({
            "requests": answered, "sent": sent, "rejected": emulator.quota_rejections
            - rejected_before, "failed": failed, "real": time.perf_counter() - start_real,
            "simulated": clock.now() - start_sim, "floor": answered / QUOTA * 60.0,
        })
    emulator.set_quota(None)
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 200
    with SheetsEmulator() as emulator, tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "service-account.json"
        emulator.make_service_account_key(key)
        ours, theirs, flagged = one_project(emulator, key)
        print(f"One project, first check ({flagged} milestones flagged, Problems tab created):")
        print(f"  GoogleSheet (read + apply)      {ours:4d} requests")
        print(f"  gspread script                  {theirs:4d} requests")
        print(f"  ratio                           {theirs / ours:6.1f} x fewer requests")
        clock = AcceleratedClock(SPEEDUP)
        runs = many_projects(emulator, key, n, clock)
        print(f"\n{n} projects under {QUOTA} requests/minute, clock x{SPEEDUP:g}:")
        for name, f in zip(("first check", "check again"), runs, strict=True):
            print(f"  {name:12s} {f['requests']:5.0f} requests answered, {f['sent']:5.0f} sent "
                  f"({f['rejected']:.0f} got 429), {f['failed']:.0f} projects failed")
            print(f"  {'':12s} wall {f['simulated'] / 60:5.1f} min simulated "
                  f"({f['real']:.1f} s real); quota floor {f['floor'] / 60:5.1f} min; "
                  f"{f['simulated'] / f['floor']:.2f} x the floor")


if __name__ == "__main__":
    main()
