"""Issue 16, item 4: the host's quota buckets, and a run's pool of workers.

Real parts: the bucket file in a temporary state dir, shared by real processes; the CLI's
``run`` over copies of the example workbook.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from sheetsync.cli.main import main
from sheetsync.host.pacing import Limits, Pacer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_burst_then_the_rate_and_never_more_than_the_limit_a_minute(tmp_path: Path) -> None:
    clock = FakeClock()
    pacer = Pacer(tmp_path, Limits(60, 30), clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(200):
        pacer.take("bot@x", "read")
        starts.append(clock.now)
    assert starts[:5] == [1000.0] * 5  # the burst
    assert max(sum(1 for t in starts if s <= t < s + 60) for s in starts) <= 60
    assert starts[-1] - starts[0] >= (200 - 5) / 55 * 60 - 1e-6  # 55 a minute after the burst
    waited = pacer.take("bot@x", "write")  # another bucket: full
    assert waited == 0.0
    assert pacer.take("other@x", "read") == 0.0  # another account: its own bucket


def test_processes_on_one_host_share_the_bucket(tmp_path: Path) -> None:
    code = ("import sys, time\nfrom sheetsync.host.pacing import Limits, Pacer\n"
            "p = Pacer(sys.argv[1], Limits(305, 305))\n"
            "for _ in range(20): p.take('bot@x', 'read')\n")
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)]) for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    took = time.monotonic() - started
    # 40 tokens, 5 at once, then 300 a minute (5 a second): at least 7 s for both together;
    # one process alone would need 3 s
    assert took >= 6.9, took
    assert json.loads((tmp_path / "pacing.json").read_text())["bot@x read"][0] < 1.0


def test_a_run_with_workers_gives_the_same_results_in_order(tmp_path: Path,
                                                            clean_env: None) -> None:
    books = []
    for n in range(6):
        book = tmp_path / f"p{n}.xlsx"
        shutil.copyfile(EXAMPLE, book)
        books.append(str(book))
    (tmp_path / "w.toml").write_text("google_workers = 3\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["--config", "w.toml", "run", *books, "--now",
                                    "2026-11-27T16:05+00:00", "--json"],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [p["source"] for p in data["projects"]] == books
    assert all([a["job"] for a in p["actions"]] == ["check", "report"]
               for p in data["projects"])
    assert data["api_requests"] == 0 and data["waited_s"] == 0.0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 6
