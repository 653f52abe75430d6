"""A simulated day of ``sheetsync run`` every 15 minutes over many Google Sheets (issue 16).

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_idle_day [PROJECTS] [EDITED_PERCENT]

Against the loopback emulator with a 150 ms latency on every Sheets and Drive answer and
Google's per-user quota of 60 Sheets reads and 60 Sheets writes a rolling minute, counted
apart (the host's bucket set to the same 60 + 60), both on an accelerated clock: simulated
time runs ``SPEEDUP`` times faster than real time, and the backend's backoff and retry
budget run on that same clock. The day is Friday 2026-11-27 (the projects' report day,
London time): 96 runs from 00:00 to 23:45 UTC, each ``reconcile_all`` over every project
as ``run`` does, with ``skip_unchanged`` on. A warm-up run on Thursday 23:45 is not counted
(the state dir learns each project's settings). EDITED_PERCENT of the sheets (default 5)
get one staff edit at a random moment of the day. Printed: Sheets requests per project per
day (reads and writes), Drive requests, emails, 429 answers, and the four longest runs:
simulated wall time, requests and their quota floor (reads and writes each at 60 a
minute, side by side).

The emulator works a sheet's Drive ``modifiedTime`` out again only after a write to it
(``set_modified_by_writes``): the answers are the same, and the 96 idle ``files.get`` a
project a day no longer compare every cell of the sheet each time.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bench_gsheets import project_tabs
from sheetsync.backends import Backend
from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.host.facts import Facts
from sheetsync.host.ledger import Ledger
from sheetsync.host.pacing import Limits, Pacer
from sheetsync.jobs import registry
from sheetsync.mail import transport as mail
from sheetsync.shell import reconcile
from sheetsync.shell.context import Context
from sheetsync.shell.team_reads import TeamReads
from tests.sheets_emulator import AcceleratedClock, SheetsEmulator

SPEEDUP = 100.0
LATENCY = 0.150  # simulated seconds per answer
QUOTA = 60
WORKERS = 4
DAY = datetime(2026, 11, 27, tzinfo=UTC)


def opener(key: Path, endpoint: str, clock: AcceleratedClock,
           pacer: Pacer) -> Callable[[str], Backend]:
    def open_source(source: str) -> Backend:
        sheet = GoogleSheet.open(source, credentials=key, endpoint=endpoint, sleep=clock.sleep,
                                 pace=pacer.take)
        sheet.http.clock = clock.now  # the retry budget on simulated time too
        return sheet
    return open_source


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 200
    edited_percent = float(argv[1]) if len(argv) > 1 else 5.0
    rng = random.Random(16)
    clock = AcceleratedClock(SPEEDUP)
    with tempfile.TemporaryDirectory() as tmp, SheetsEmulator() as emulator:
        root = Path(tmp)
        key = root / "key.json"
        emulator.make_service_account_key(key)
        emulator.set_modified_by_writes()  # sheets change only through the API and set_values
        sources = []
        for i in range(n):
            emulator.create_spreadsheet(f"day-{i:04d}", f"Project {i}", project_tabs(i))
            sources.append(f"gsheet:day-{i:04d}")
        # the host's bucket, on the simulated clock: 60 reads + 60 writes a minute, as the
        # emulator's quota (and Google's) counts them
        pacer = Pacer(root / "state", Limits(QUOTA, QUOTA), clock=clock.now, sleep=clock.sleep)
        open_source = opener(key, emulator.url, clock, pacer)
        ledger, facts = Ledger(root / "state"), Facts(root / "state")
        edits = {moment: [] for moment in range(96)}  # run index -> sheets edited before it
        for i in rng.sample(range(n), round(n * edited_percent / 100)):
            edits[rng.randrange(1, 96)].append(f"day-{i:04d}")

        def one_run(now: datetime) -> tuple[list[reconcile.ProjectRun], float]:
            with mail.open_transport(None, root / "outbox") as transport:
                ctx = Context(open_source, ledger, transport, now, "pm@agency.example",
                              facts=facts, agency_reads=TeamReads(ledger, now))
                started = clock.now()
                results = reconcile.reconcile_all(sources, ctx, registry.JOBS, workers=WORKERS)
                return results, clock.now() - started

        emulator.set_latency(LATENCY, clock)
        emulator.set_quota(QUOTA, window=60.0, clock=clock, per_kind=True)
        real = time.perf_counter()
        one_run(DAY - timedelta(minutes=15))  # warm-up: Thursday 23:45, not counted
        warm_sheets, warm_drive = emulator.count(), len(emulator.drive_requests)
        warm_429 = emulator.quota_rejections
        emails_before = len(list((root / "outbox").glob("*.eml")))
        warm_gets = emulator.count("GET")
        failures, reads, failed = 0, 0, []
        runs = []  # (simulated seconds, at, Sheets reads, Sheets writes, real seconds)
        for k in range(96):
            now = DAY + timedelta(minutes=15 * k)
            for sheet_id in edits[k]:
                emulator.set_values(sheet_id, "Milestones", "H2", [[f"edited at {now:%H:%M}"]])
            before, gets, real_start = emulator.count(), emulator.count("GET"), time.perf_counter()
            results, took = one_run(now)
            real_took = time.perf_counter() - real_start
            failures += sum(1 for r in results if r.failed)
            failed.extend(f"{now:%H:%M} {r.source}: " + (r.error or "; ".join(
                f"{a.job} {a.result} {a.detail} {a.log_pending}".strip() for a in r.actions))
                for r in results if r.failed)
            reads += sum(1 for r in results if not r.idle)
            got = emulator.count("GET") - gets
            runs.append((took, f"{now:%H:%M}", got, emulator.count() - before - got, real_took))
        sheets = emulator.count() - warm_sheets
        day_gets = emulator.count("GET") - warm_gets
        drive = len(emulator.drive_requests) - warm_drive
        emails = len(list((root / "outbox").glob("*.eml"))) - emails_before
        print(f"{n} projects, {round(n * edited_percent / 100)} edited during the day, "
              f"96 runs, {LATENCY * 1000:.0f} ms a request, quota {QUOTA} + {QUOTA}/min, "
              f"clock x{SPEEDUP:.0f} ({time.perf_counter() - real:.0f} s real)")
        print(f"  Sheets requests: {sheets} = {sheets / n:.2f} per project per day "
              f"({emails} emails: {(sheets - emails) / n:.2f} per project besides 1 per email)")
        print(f"  Drive requests: {drive} = {drive / n:.2f} per project per day")
        print(f"  project runs that read: {reads} of {96 * n}; failed: {failures}")
        for line in failed[:5]:
            print(f"    failed at {line}")
        print(f"  429 answers: {emulator.quota_rejections - warm_429}")
        print(f"  Sheets reads {day_gets}, writes {sheets - day_gets}")
        # the quota floor of a run: its reads and its writes each at 60 a minute, side by side
        for took, at, got, wrote, real_took in sorted(runs, reverse=True)[:4]:
            print(f"  run {at} UTC: {took / 60:.1f} simulated minutes, {got} reads + {wrote} "
                  f"writes (quota floor {max(got, wrote) / QUOTA:.1f} min); {real_took:.1f} s "
                  f"real, of which CPU time counts x{SPEEDUP:.0f}")
        floor = max(day_gets, sheets - day_gets) / QUOTA
        print(f"  quota floor for the day's Sheets requests: {floor:.1f} minutes of 1440; one "
              f"key at this rate serves about {n * 1440 / max(floor, 1e-9):.0f} projects")


if __name__ == "__main__":
    main()
