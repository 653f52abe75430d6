"""One Google read in one request: ``spreadsheets.get`` with grid data against metadata +
``values:batchGet`` (issue 16, item 3), against the loopback emulator.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_gridread [READS]

For each workbook, both reads of ``GoogleSheet`` in the same run: ``read_values`` (the
read before this change: a metadata GET, then one ``values:batchGet`` of the known tabs)
and ``read`` (one ``spreadsheets.get`` with the ``GRID_FIELDS`` mask). Both must give the
same ``RawWorkbook`` (checked here too). Printed per read: requests, the bytes of the
answers' bodies as sent (the emulator, like Google, indents its JSON), the same bodies
gzipped (what Google sends a client that accepts gzip, as ``requests`` does), the median
time of READS reads (default 7) on loopback, and the median time with 150 ms added to
every answer (the issue's model of Google's latency). Ratios are grid read / values read.

Workbooks: the example project laid out by ``sheetsync init`` (its date columns are
formatted down to row 1000, and Google answers a formatted blank cell as ``{}``), the same
example as plain cells, a project with 2,000 milestones, and the 2,000-milestone project
with a staff tab of 5,000 x 10 cells that sheetsync does not read (the grid read cannot
leave it out).
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_template import init_sheet
from sheetsync.backends.gsheets_values import grid_rows, raw_rows
from sheetsync.blueprint import layout as blueprint
from sheetsync.model import RawWorkbook
from tests.sheets_emulator import SheetsEmulator

LATENCY = 0.150


def example_init(emulator: SheetsEmulator, key: Path) -> str:
    example = blueprint.example_project()
    emulator.create_spreadsheet("bench-init", example.title, locale="en_GB",
                                time_zone="Europe/London")
    init_sheet(GoogleSheet.open("gsheet:bench-init", credentials=key, endpoint=emulator.url),
               example)
    return "bench-init"


def example_plain(emulator: SheetsEmulator, key: Path) -> str:
    example = blueprint.example_project()
    tabs = {t.title: [list(t.headers)] + [list(r) for r in t.rows] for t in example.tabs}
    emulator.create_spreadsheet("bench-plain", example.title, tabs, locale="en_GB",
                                time_zone="Europe/London")
    return "bench-plain"


def milestones(n: int) -> dict[str, list[list[Any]]]:
    rows: list[list[Any]] = [["ID", "Milestone", "Owner", "Start", "Due", "Status",
                              "Client confirmed", "Depends on", "Notes", "Flag", "Flag detail"]]
    first = date(2026, 1, 5)
    for i in range(1, n + 1):
        rows.append([f"M{i}", f"Milestone {i} of the rollout", "Client" if i % 5 == 0 else "Team",
                     first + timedelta(days=i // 3), first + timedelta(days=i // 3 + 7),
                     ("Done", "In progress", "Not started")[i % 3], i % 4 == 0,
                     f"M{i - 1}" if i > 1 else None, "a note" if i % 7 == 0 else None])
    return {"Project": [["Field", "Value"], ["Project", "Big rollout"],
                        ["Client emails", "client@acme.example"], ["Time zone", "Europe/London"]],
            "Milestones": rows,
            "Updates": [["Date", "Type", "Update", "Milestone"],
                        [date(2026, 11, 20), "Done", "Shipped", "M1"]]}


def big(emulator: SheetsEmulator, key: Path) -> str:
    emulator.create_spreadsheet("bench-2000", "Big", milestones(2000), locale="en_GB")
    return "bench-2000"


def big_with_staff_tab(emulator: SheetsEmulator, key: Path) -> str:
    tabs = milestones(2000)
    tabs["Staff data"] = [[f"r{r}c{c}" for c in range(10)] for r in range(5000)]
    emulator.create_spreadsheet("bench-2000-staff", "Big", tabs, locale="en_GB")
    return "bench-2000-staff"


WORKBOOKS: list[tuple[str, Callable[[SheetsEmulator, Path], str]]] = [
    ("example, laid out by init", example_init),
    ("example, plain cells", example_plain),
    ("2,000 milestones", big),
    ("2,000 milestones + staff tab 5,000x10", big_with_staff_tab),
]


def client_time(bodies: list[bytes], how: str, reads: int) -> float:
    """Median seconds the client spends on one read's answers: JSON decoding and turning
    them into rows (what Google's own server time does not change)."""
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        for body in bodies:
            answer = json.loads(body)
            if how == "grid":
                for entry in answer.get("sheets") or []:
                    grid_rows(entry.get("data") or [])
            else:
                for value_range in answer.get("valueRanges") or []:
                    raw_rows(value_range)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(emulator: SheetsEmulator, key: Path, sid: str, how: str,
            reads: int) -> tuple[RawWorkbook, dict[str, float]]:
    sheet = GoogleSheet.open(f"gsheet:{sid}", credentials=key, endpoint=emulator.url)
    bodies: list[bytes] = []
    send = sheet.http.session.request

    def counting(*args: Any, **kwargs: Any) -> Any:
        response = send(*args, **kwargs)
        bodies.append(response.content)
        return response

    sheet.http.session.request = counting  # type: ignore[method-assign]
    read = sheet.read if how == "grid" else sheet.read_values
    raw = read()  # warm: the token, the connection
    bodies.clear()
    sheet.api_requests = 0
    raw = read()
    figures = {"requests": float(sheet.api_requests), "bytes": float(sum(map(len, bodies))),
               "gzip": float(sum(len(gzip.compress(b, 6)) for b in bodies)),
               "client": client_time(list(bodies), how, reads)}
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        assert read() == raw
        times.append(time.perf_counter() - started)
    figures["time"] = statistics.median(times)
    emulator.set_latency(LATENCY)
    times = []
    for _ in range(max(3, reads // 2)):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    emulator.set_latency(0)
    figures["latency_time"] = statistics.median(times)
    return raw, figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    reads = int(argv[0]) if argv and argv[0].isdigit() else 7  # `make bench` passes names
    with SheetsEmulator() as emulator, tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "service-account.json"
        emulator.make_service_account_key(key)
        print(f"{'workbook':40s} {'read':6s} {'req':>3s} {'bytes':>10s} {'gzip':>9s} "
              f"{'client':>9s} {'loopback':>9s} {'+150 ms':>9s}")
        for name, build in WORKBOOKS:
            sid = build(emulator, key)
            old_raw, old = measure(emulator, key, sid, "values", reads)
            new_raw, new = measure(emulator, key, sid, "grid", reads)
            assert new_raw == old_raw, f"{name}: the two reads differ"
            for how, f in (("values", old), ("grid", new)):
                print(f"{name if how == 'values' else '':40s} {how:6s} {f['requests']:3.0f} "
                      f"{f['bytes']:10,.0f} {f['gzip']:9,.0f} {f['client'] * 1000:7.1f}ms "
                      f"{f['time'] * 1000:7.1f}ms "
                      f"{f['latency_time'] * 1000:7.1f}ms")
            print(f"{'':40s} {'ratio':6s} {new['requests'] / old['requests']:3.1f} "
                  f"{new['bytes'] / old['bytes']:9.2f}x {new['gzip'] / old['gzip']:8.2f}x "
                  f"{new['client'] / old['client']:8.2f}x "
                  f"{new['time'] / old['time']:8.2f}x "
                  f"{new['latency_time'] / old['latency_time']:8.2f}x")


if __name__ == "__main__":
    main()
