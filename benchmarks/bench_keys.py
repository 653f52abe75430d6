"""The daily check over many Google Sheets with 1 and with 3 service accounts (issue 16).

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_keys [PROJECTS] [--keys 1,3] [--speedup 2,1]

For each number of keys, a fresh loopback emulator holds PROJECTS sheets (20 milestones
each, ``bench_gsheets.project_tabs``), sheet i shared with account i mod K only. A
warm-up run on Tuesday 2026-11-24 00:00 UTC, with no latency and no quota, is not counted:
it creates each sheet's Problems tab, lets each sheet find its key (the first use: keys
tried in order, counted apart) and remembers each project's settings. The measured run is
the next day's midnight ``run`` (Wednesday 00:00 UTC, Europe/London projects: only the
day's check is due), in-process as ``run`` does: ``reconcile_all`` with 4 workers, the
host's quota bucket per account (60 reads + 60 writes a minute), ``skip_unchanged`` on.
Every Sheets and Drive answer takes 150 ms, and the emulator enforces Google's quota per
account, 60 reads and 60 writes a rolling minute, both on a clock F times faster than real
time (the backend's backoff and retry budget on the same clock).

Printed per number of keys: Sheets requests (per account), the simulated wall time of the
run, the quota floor (the busiest account's reads or writes / 60 a minute), their ratio,
429 answers, failures, and the real and CPU time. CPU time is multiplied by F on the
simulated clock: the run is quota-bound (the ratio means something) only while CPU time x F
stays well under the floor; the figure ``cpu x F / floor`` says how far it is.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bench_gsheets import project_tabs
from sheetsync.backends import Backend
from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.host.facts import Facts
from sheetsync.host.keychoice import KeyChoices
from sheetsync.host.ledger import Ledger
from sheetsync.host.pacing import Limits, Pacer
from sheetsync.jobs import registry
from sheetsync.mail import transport as mail
from sheetsync.shell import reconcile
from sheetsync.shell.context import Context
from sheetsync.shell.team_reads import TeamReads
from tests.sheets_emulator import AcceleratedClock, SheetsEmulator

LATENCY = 0.150  # simulated seconds per answer
QUOTA = 60  # reads, and writes, per rolling minute per account (Google's)
WORKERS = 4
DAY = datetime(2026, 11, 25, tzinfo=UTC)  # a Wednesday: only the check is due at 00:00


def opener(keys: list[Path], endpoint: str, clock: AcceleratedClock, pacer: Pacer,
           memory: KeyChoices) -> Callable[[str], Backend]:
    def open_source(source: str) -> Backend:
        sheet = GoogleSheet.open(source, keys=keys if len(keys) > 1 else (),
                                 credentials=keys[0], memory=memory, endpoint=endpoint,
                                 sleep=clock.sleep, pace=pacer.take)
        sheet.http.clock = clock.now  # the retry budget on simulated time too
        return sheet
    return open_source


def one_run(sources: list[str], open_source: Callable[[str], Backend], root: Path,
            now: datetime) -> list[reconcile.ProjectRun]:
    ledger, facts = Ledger(root / "state"), Facts(root / "state")
    with mail.open_transport(None, root / "outbox") as transport:
        ctx = Context(open_source, ledger, transport, now, "pm@agency.example", facts=facts,
                      agency_reads=TeamReads(ledger, now))
        return reconcile.reconcile_all(sources, ctx, registry.JOBS, workers=WORKERS)


def measure(n: int, k: int, speedup: float) -> dict[str, float | int | str]:
    clock = AcceleratedClock(speedup)
    with tempfile.TemporaryDirectory() as tmp, SheetsEmulator() as emulator:
        root = Path(tmp)
        keys, emails = [], []
        for j in range(k):
            keys.append(root / f"key-{j}.json")
            emails.append(f"bot-{j}@agency-{j}.iam.gserviceaccount.com")
            emulator.make_service_account_key(keys[-1], emails[-1])
        sources = []
        for i in range(n):
            emulator.create_spreadsheet(f"keys-{i:04d}", f"Project {i}", project_tabs(i),
                                        shared_with=[emails[i % k]])
            sources.append(f"gsheet:keys-{i:04d}")
        memory = KeyChoices(root / "state")
        # warm-up: no latency, no quota, a bucket too large to wait
        fast = Pacer(root / "warm", Limits(10**5, 10**5), clock=clock.now, sleep=clock.sleep)
        one_run(sources, opener(keys, emulator.url, clock, fast, memory), root,
                DAY - timedelta(days=1))
        first_use_refused = sum(1 for r in emulator.requests if r.status in (403, 404))
        first_use_refused += sum(1 for r in emulator.drive_requests if r.status in (403, 404))
        emulator.reset_log()

        pacer = Pacer(root / "state", Limits(QUOTA, QUOTA), clock=clock.now, sleep=clock.sleep)
        emulator.set_latency(LATENCY, clock)
        emulator.set_quota(QUOTA, window=60.0, clock=clock, per_kind=True)
        rejected = emulator.quota_rejections
        started, real, cpu = clock.now(), time.perf_counter(), time.process_time()
        results = one_run(sources, opener(keys, emulator.url, clock, pacer, memory), root, DAY)
        took = clock.now() - started
        real, cpu = time.perf_counter() - real, time.process_time() - cpu
        per_kind = Counter((r.user, "read" if r.method == "GET" else "write")
                           for r in emulator.requests if r.status == 200)
        floor = max(per_kind.values(), default=0) / QUOTA * 60  # simulated seconds
        refused = sum(1 for r in emulator.requests if r.status in (403, 404))
        return {"keys": k, "projects": n, "requests": emulator.count(),
                "per_key": ", ".join(f"{per_kind[e, 'read']}+{per_kind[e, 'write']}"
                                     for e in emails),
                "drive": len(emulator.drive_requests), "wall_min": took / 60,
                "floor_min": floor / 60, "ratio": took / floor if floor else 0.0,
                "429": emulator.quota_rejections - rejected, "refused": refused,
                "first_use_refused": first_use_refused,
                "failed": sum(1 for r in results if r.failed),
                "read": sum(1 for r in results if not r.idle),
                "real_s": real, "cpu_s": cpu, "cpu_share": cpu * speedup / floor if floor else 0}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_keys")
    parser.add_argument("projects", nargs="?", type=int, default=200)
    parser.add_argument("--keys", default="1,3", help="numbers of keys, e.g. 1,3")
    parser.add_argument("--speedup", default="2,1",
                        help="the clock factor for each number of keys (one for all, or one "
                             "each): fewer keys have a longer quota floor, so a larger factor "
                             "keeps CPU time x factor small beside it")
    args = parser.parse_args(argv or [])  # make bench: the defaults
    counts = [int(x) for x in args.keys.split(",")]
    factors = [float(x) for x in args.speedup.split(",")]
    factors += [factors[-1]] * (len(counts) - len(factors))
    print(f"the daily check over {args.projects} projects, {LATENCY * 1000:.0f} ms an answer, "
          f"{QUOTA} reads + {QUOTA} writes a minute per account, {WORKERS} workers")
    for k, speedup in zip(counts, factors, strict=False):
        m = measure(args.projects, k, speedup)
        print(f"  {k} key(s), clock x{speedup:g}: {m['requests']} Sheets requests "
              f"(reads+writes per key: {m['per_key']}), {m['drive']} Drive; "
              f"wall {m['wall_min']:.1f} min simulated, "
              f"quota floor {m['floor_min']:.1f} min, ratio {m['ratio']:.2f}; 429s {m['429']}; "
              f"refused (403/404) {m['refused']} (first use: {m['first_use_refused']}); "
              f"read {m['read']}, failed {m['failed']}; real {m['real_s']:.0f} s, CPU "
              f"{m['cpu_s']:.0f} s (CPU x{speedup:g} = {m['cpu_share']:.2f} of the floor)",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
