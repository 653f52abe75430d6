"""Time and peak memory of ``check`` on large .xlsx files, against openpyxl's own load + save.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_check [--sizes 1000,10000,50000,5000/20000] [--repeat R]

Each workbook (``N`` milestones, or ``N/U``: N milestones, U updates and 200 change
requests) holds what staff really type: real dates and dates as text, aliases in two
languages, dependencies, styled headers, a few formulas with saved results and two
without, and a handful of mistakes, so the check has flags and problems to write.

For each workbook, in one run, each ``--repeat`` times (default 3), each in a fresh Python
process on a fresh copy of the file:

- **floor**: ``openpyxl.load_workbook(path)`` then ``book.save(path)``, the least any
  program must do to change one cell of an .xlsx with openpyxl (and what sheetsync did);
- **check, first run**: ``pipeline.check`` (read + parse + rules + plan + apply), which
  writes the Flag columns, the Problems tab and the History, Board and Timeline tabs;
- **check, unchanged**: the same on the file the first run wrote: nothing to write;
- **report's Log row**: read, then append one Log row, as ``report`` does after sending;
  it also counts the parts of the zip that changed (one: the Log tab; no whole save).

Time is the wall time of that call inside the process (not interpreter start or imports);
the figure shown is the fastest of the repeats (the least disturbed by the machine). Peak
memory is shown twice: the process's peak resident set size (VmHWM), which counts everything
the process held, interpreter, imports and C libraries included; and the work's own, the
peak during the call above the resident set just before it (the peak is restarted there,
Linux ``clear_refs``), measured the same way on both sides. Once per workbook, the floor
is also measured on the file the unchanged check reads (with the tabs the first check
added), and the unchanged check is compared with it too. Then the whole ``sheetsync
check`` process on a 100-row workbook, interpreter start and imports included, against the
floor's whole process, and the modules ``check`` imports (it must not import the mail,
rendering or Jinja stack).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
EPOCH = date(1899, 12, 30)

OWNERS = ["Team"] * 6 + ["Client", "us", "客户", "customer"]
STATUSES = (["Done"] * 4 + ["In progress"] * 3 + ["Not started"] * 4
            + ["Blocked", "todo", "wip", "完成", "Cancelled"])
TYPES = ["Done", "Problem", "Next", "Note", "risk", "下一步", "completed", "备注"]
WORDS = ["install", "configure", "review", "migrate", "test", "train", "sign-off", "deliver",
         "draft", "approve", "integrate", "report", "audit", "design", "deploy", "document"]


# --------------------------------------------------------------------------- the workbook


def _due(i: int) -> date:
    return date(2026, 1, 5) + timedelta(days=(i * 37) % 720)


def _date_cell(day: date, i: int) -> Any:
    """Mostly real dates, some typed as text in the contract's forms."""
    if i % 20 == 3:
        return day.isoformat()
    if i % 20 == 7:
        return f"{day.day} {day.strftime('%b')} {day.year}"
    if i % 50 == 11:
        return f"{day.year}年{day.month}月{day.day}日"
    return day


def milestone_rows(n: int) -> list[list[Any]]:
    rows: list[list[Any]] = [["ID", "Milestone", "Owner", "Start", "Due", "Status",
                              "Acceptance criteria", "Done on", "Client confirmed",
                              "Confirmed on", "Depends on", "Notes"]]
    for i in range(1, n + 1):
        due = _due(i)
        status = STATUSES[(i * 7) % len(STATUSES)]
        done = status in ("Done", "完成")
        done_on = due - timedelta(days=i % 4) if done else None
        confirmed = ("Yes" if i % 3 else "") if done else ""
        deps = ""
        if i > 1 and i % 5 in (1, 2):
            deps = f"M{max(1, i - 1 - i % 7)}"
            if i % 10 == 1 and i > 20:
                deps += f", M{i - 20}"
        rows.append([
            f"M{i}",
            f"{WORDS[i % len(WORDS)].capitalize()} {WORDS[(i * 3) % len(WORDS)]} phase {i}",
            OWNERS[i % len(OWNERS)],
            _date_cell(due - timedelta(days=14), i + 1),
            _date_cell(due, i),
            status,
            f"Client signs the {WORDS[(i * 5) % len(WORDS)]} checklist" if i % 4 == 0 else None,
            _date_cell(done_on, i) if done_on else None,
            confirmed or None,
            _date_cell(done_on + timedelta(days=2), i) if confirmed else None,
            deps or None,
            f"Note {i}: waiting on {WORDS[i % 7]}" if i % 9 == 0 else None,
        ])
    for i in range(7, n, max(1, n // 10)):  # a few mistakes staff make
        rows[i][4] = "31/02/2026"
    for i in range(13, n, max(1, n // 5)):
        rows[i][5] = "Waiting for Godot"
    return rows


def update_rows(n: int, milestones: int) -> list[list[Any]]:
    rows: list[list[Any]] = [["Date", "Type", "Update", "Milestone", "By", "Internal"]]
    for i in range(1, n + 1):
        rows.append([
            AS_OF - timedelta(days=i % 400),
            TYPES[i % len(TYPES)],
            f"{WORDS[i % len(WORDS)].capitalize()}d the {WORDS[(i * 7) % len(WORDS)]} "
            f"for site {i % 97}; next: {WORDS[(i * 11) % len(WORDS)]} with the client team",
            f"M{1 + (i * 13) % milestones}" if i % 3 else None,
            ["Pat", "Kim", "王伟", "Ann"][i % 4],
            "Yes" if i % 10 == 0 else None,
        ])
    return rows


def change_rows(n: int, milestones: int) -> list[list[Any]]:
    rows: list[list[Any]] = [["ID", "Date", "Requested by", "Change", "Impact", "Milestone",
                              "Old due", "New due", "Status", "Client approved"]]
    for i in range(1, n + 1):
        m = 1 + (i * 29) % milestones
        rows.append([f"C{i}", AS_OF - timedelta(days=i), "Client PM", f"Add report {i}",
                     "One more week", f"M{m}", _due(m), _due(m) + timedelta(days=7),
                     ["Proposed", "Rejected", "待定"][i % 3], None])
    return rows


def make_workbook(path: Path, milestones: int, updates: int, changes: int) -> None:
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.Workbook()
    book.remove(book.active)
    tabs = {
        "Project": [["Field", "Value"], ["Project", "Benchmark rollout"],
                    ["Client", "Acme Ltd"], ["Client emails", "ann@acme.example, bo@acme.example"],
                    ["PM email", "pm@team.example"], ["Time zone", "Europe/London"],
                    ["Date order", "DMY"]],
        "Milestones": milestone_rows(milestones),
        "Updates": update_rows(updates, milestones),
        "Changes": change_rows(changes, milestones),
    }
    for title, rows in tabs.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.freeze_panes = "A2"
    ms = book["Milestones"]
    cached = {}
    for i in range(0, 20):  # Due as a formula, saved with its result as Excel would
        row = 2 + (i * 211) % milestones
        day = _due(row - 1)
        ms.cell(row, 5).value = f"=DATE({day.year},{day.month},{day.day})"
        cached[f"E{row}"] = (day - EPOCH).days
    for row in (5, 6):  # and two without a saved result: problems, not crashes
        ms.cell(row, 5).value = "=WORKDAY(TODAY(),10)"
    book.save(path)
    _cache_results(path, "xl/worksheets/sheet2.xml", cached)


def _cache_results(path: Path, member: str, cached: dict[str, int]) -> None:
    """Give formula cells the saved result Excel would have written (openpyxl writes none)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                def fill(m: re.Match[bytes]) -> bytes:
                    value = cached.get(m[1].decode())
                    return m[0] if value is None else m[0].replace(
                        b"<v></v>", b"<v>" + str(value).encode() + b"</v>").replace(
                        b"<v />", b"<v>" + str(value).encode() + b"</v>")

                data = re.sub(rb'<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f><v\s*/?>(?:</v>)?</c>',
                              fill, data)
            dst.writestr(info, data)
    tmp.replace(path)


# --------------------------------------------------------------------------- one measurement


def _rss_kb(field: str = "VmHWM") -> int:
    """This process's peak resident set (``VmHWM``, since exec or the last ``_start``)
    or, with "VmRSS", its resident set now, in KiB."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(rf"^{field}:\s+(\d+)", status, re.M)[1])  # type: ignore[index]
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _start() -> dict[str, int]:
    """The memory figures just before the measured call, after every import: the peak so
    far (imports included), then the peak restarted from the resident set now (Linux:
    ``clear_refs`` 5), so the peak after the call is the call's own."""
    before = {"import_peak_kb": _rss_kb(), "base_kb": _rss_kb("VmRSS")}
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        before["base_kb"] = before["import_peak_kb"]  # no reset: the work is counted from it
    return before


def _memory(before: dict[str, int]) -> dict[str, int]:
    """Peak memory of the whole process (imports included) and of the work alone: the peak
    during the call above the resident set just before it."""
    peak = _rss_kb()
    return {"peak_kb": max(peak, before["import_peak_kb"]),
            "work_kb": max(0, peak - before["base_kb"]), **before}


def _parts(path: str) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: i.CRC for i in z.infolist()}


def child(kind: str, path: str) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    if kind.startswith("make:"):  # the workbook is made in a process of its own too
        make_workbook(Path(path), *(int(n) for n in kind[5:].split(",")))
        print(json.dumps({}))
        return
    extra: dict[str, Any] = {}
    if kind == "floor":
        import openpyxl

        base = _start()
        started, cpu = time.perf_counter(), time.process_time()
        book = openpyxl.load_workbook(path)
        book.save(path)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        memory = _memory(base)
    elif kind == "log":
        from sheetsync.backends.xlsx import XlsxFile
        from sheetsync.core import writeplan
        from sheetsync.core.parse import parse_workbook
        from sheetsync.model import LogEntry

        before = _parts(path)
        entry = LogEntry(NOW, "report", "Benchmark rollout", ("ann@acme.example",),
                         "Weekly report", "sent", "<bench@sheetsync>")
        base = _start()
        started, cpu = time.perf_counter(), time.process_time()
        backend = XlsxFile(path)
        project = parse_workbook(backend.read(), path)
        backend.apply(writeplan.build(project, None, problems=False, log=(entry,)))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        memory = _memory(base)
        after = _parts(path)
        extra = {"parts": len(after), "changed": sorted(n for n in after
                                                        if after[n] != before.get(n))}
    else:
        import sheetsync.backends.xlsx  # noqa: F401 - imported before the clock, as openpyxl is
        from sheetsync.backends import open_backend
        from sheetsync.shell import pipeline

        base = _start()
        started, cpu = time.perf_counter(), time.process_time()
        result = pipeline.check(path, open_backend, now=NOW, as_of=AS_OF)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        memory = _memory(base)
        if result.error is not None:
            raise SystemExit(f"check failed: {result.error}")
        assert result.project is not None
        extra = {"written": result.written, "problems": len(result.project.problems),
                 "flagged": sum(1 for a in result.assessments if a.flags)}
    print(json.dumps({"seconds": seconds, "cpu": cpu, **memory, **extra}))


def measure(kind: str, path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_check", "--child", kind,
                          str(path)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


ROOT = Path(__file__).resolve().parent.parent
KINDS = {"floor": "openpyxl load_workbook + save (floor)",
         "first": "check, first run (writes flags)",
         "second": "check, unchanged (nothing to write)",
         "log": "report's Log row (read + append)",  # to an existing Log tab
         # the floor again, on the file the unchanged check reads (the first check added
         # History, Board and Timeline to it); once per workbook, as it is the slowest
         "floor_checked": "openpyxl load + save, checked file"}


def run(milestones: int, updates: int, changes: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "project.xlsx"
        started = time.perf_counter()
        measure(f"make:{milestones},{updates},{changes}", original)
        print(f"\nworkbook: {milestones:,} milestones, {updates:,} updates, {changes} changes, "
              f"{original.stat().st_size / 1e6:.1f} MB (made in "
              f"{time.perf_counter() - started:.1f} s)", flush=True)
        results: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        for n in range(repeat):
            copy = Path(folder) / "floor.xlsx"
            shutil.copy(original, copy)
            results["floor"].append(measure("floor", copy))
            copy = Path(folder) / "check.xlsx"
            shutil.copy(original, copy)
            results["first"].append(measure("check", copy))
            if n == 0:
                checked = Path(folder) / "floor_checked.xlsx"
                shutil.copy(copy, checked)
                results["floor_checked"].append(measure("floor", checked))
            results["second"].append(measure("check", copy))
            measure("log", copy)  # the first report makes the Log tab; the next ones append
            results["log"].append(measure("log", copy))
        return results


def report(results: dict[str, Any]) -> None:
    def best(key: str, field: str) -> float:
        return min(r[field] for r in results[key])

    floor, floor_cpu = best("floor", "seconds"), best("floor", "cpu")
    floor_mb, floor_work = best("floor", "peak_kb") / 1024, best("floor", "work_kb") / 1024
    print(f"{'':40} {'time':>7} {'x floor':>7} {'CPU':>7} {'x floor':>7} {'peak RSS':>9} "
          f"{'x floor':>7} {'work':>7} {'x floor':>7}")
    for key, label in KINDS.items():
        seconds, cpu, peak = best(key, "seconds"), best(key, "cpu"), best(key, "peak_kb") / 1024
        work = best(key, "work_kb") / 1024
        print(f"{label:40} {seconds:6.2f}s {seconds / floor:6.2f}x {cpu:6.2f}s "
              f"{cpu / floor_cpu:6.2f}x {peak:7.0f}MB {peak / floor_mb:6.2f}x "
              f"{work:5.0f}MB {work / max(floor_work, 1e-9):6.2f}x")
    checked_cpu, checked_work = best("floor_checked", "cpu"), best("floor_checked", "work_kb")
    print(f"check, unchanged against the floor of the file it reads: CPU "
          f"{best('second', 'cpu') / checked_cpu:.2f}x, work memory "
          f"{best('second', 'work_kb') / max(checked_work, 1e-9):.2f}x")
    first, second, log = results["first"][0], results["second"][0], results["log"][0]
    print(f"first run wrote: {first['written']}, second run wrote: {second['written']}; "
          f"{first['flagged']:,} rows flagged, {first['problems']} problems; a Log row "
          f"changed {len(log['changed'])} of {log['parts']} parts: {', '.join(log['changed'])}")
    print("all times (s): " + "; ".join(
        f"{k} " + ", ".join(f"{r['seconds']:.2f}" for r in v) for k, v in results.items()),
        flush=True)


# --------------------------------------------------------------------------- whole process

HEAVY = ("jinja2", "yagmail", "premailer", "sheetsync.mail", "sheetsync.render", "openpyxl")


def whole_process(repeat: int) -> None:
    """``sheetsync check`` as a user runs it, on 100 rows, against the floor's process."""
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "small.xlsx"
        measure("make:100,0,0", original)
        floor_code = ("import sys, openpyxl; b = openpyxl.load_workbook(sys.argv[1]); "
                      "b.save(sys.argv[1])")
        times: dict[str, list[float]] = {"floor": [], "first": [], "second": []}
        for _ in range(repeat):
            copy = Path(folder) / "floor.xlsx"
            shutil.copy(original, copy)
            times["floor"].append(_timed([sys.executable, "-c", floor_code, str(copy)]))
            copy = Path(folder) / "check.xlsx"
            shutil.copy(original, copy)
            check = [sys.executable, "-m", "sheetsync", "check", str(copy), "--as-of",
                     AS_OF.isoformat()]
            times["first"].append(_timed(check))
            times["second"].append(_timed(check))
        probe = ("import sys; from sheetsync.cli.main import main\n"
                 "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
                 f"print('imported:', sorted(m for m in sys.modules if m.startswith({HEAVY!r})"
                 "and m.count('.') <= 1), file=sys.stderr)")
        out = subprocess.run([sys.executable, "-c", probe, "check", str(copy), "--as-of",
                              AS_OF.isoformat()], capture_output=True, text=True, cwd=ROOT,
                             check=False)
    floor = min(times["floor"])
    print("\nwhole process, 100-row workbook (interpreter start and imports included):")
    for key, label in (("floor", "python -c 'openpyxl load + save'"),
                       ("first", "sheetsync check, first run"),
                       ("second", "sheetsync check, unchanged")):
        best = min(times[key])
        print(f"{label:40} {best:7.2f}s {best / floor:7.2f}x")
    print(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "imported: ?")


def _timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def _cpu() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
        return re.search(r"^model name\s*:\s*(.+)$", info, re.M)[1]  # type: ignore[index]
    except (OSError, TypeError):
        return platform.processor() or platform.machine()


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,5000/20000",
                        help="comma-separated N (milestones) or N/U (milestones/updates)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv or [])  # make bench calls main() with the defaults
    if args.child:
        child(*args.child)
        return
    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"openpyxl {_version('openpyxl')}, lxml {_version('lxml')}, "
          f"{platform.system()} {platform.release()}", flush=True)
    for size in args.sizes.split(","):
        milestones, _, updates = size.partition("/")
        report(run(int(milestones), int(updates or 0), 200 if updates else 0, args.repeat))
    whole_process(max(args.repeat, 5))


if __name__ == "__main__":
    main(sys.argv[1:])
