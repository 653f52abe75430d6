"""``sheetsync schedule``: the long-running form of ``run``, stopped by SIGTERM or Ctrl-C.

The command itself runs as a real subprocess against the loopback SMTP server. It reads
the real clock (schedule has no ``--now``), so these tests assert only what holds at any
moment: the first tick happens, a signal ends the process with 0 and leaves the workbook
and the journal whole, and a failing tick does not end the loop. The loop itself
(``service.serve``) is also driven in-process with a tick that raises.
"""

from __future__ import annotations

import json
import queue
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from sheetsync.cli import loop as service
from sheetsync.host import config
from sheetsync.jobs import check
from sheetsync.shell import reconcile as runner
from sheetsync.shell import wiring
from tests.fixtures_env import SHEETSYNC
from tests.fixtures_smtp import LoopbackSmtpServer, sheetsync_env

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"


class Schedule:
    """A ``sheetsync schedule`` subprocess whose stderr is read line by line."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([*SHEETSYNC, "schedule", *args], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if needle in line:
                return line
        raise AssertionError(f"no {needle!r} on stderr; got {self.lines}")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=timeout)
        self.rest()
        return code

    def rest(self) -> None:
        while True:
            try:
                line = self._queue.get(timeout=5)
            except queue.Empty:
                return
            if line is None:
                return
            self.lines.append(line)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def child_env(tmp_path: Path, smtp_server: LoopbackSmtpServer) -> dict[str, str]:
    return sheetsync_env(smtp_server, tmp_path / "state",
                         "Studio Projects <projects@studio.example>")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "acme.xlsx"
    shutil.copyfile(EXAMPLE, path)
    return path


def assert_state_is_whole(book: Path, tmp_path: Path) -> None:
    openpyxl.load_workbook(book).close()  # a valid .xlsx, not half written
    assert not [p.name for p in tmp_path.glob("*.tmp")]  # no temp file left behind
    journals = list((tmp_path / "state").glob("*/journal.jsonl"))
    assert journals
    for journal in journals:
        for line in journal.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_after_the_first_tick_exits_0_and_leaves_everything_whole(
        tmp_path: Path, child_env: dict[str, str], book: Path, signum: int) -> None:
    sched = Schedule([str(book), "--every", "1"], tmp_path, child_env)
    try:
        sched.wait_for("every minute")
        sched.wait_for("sheetsync run: 1 project,")  # the first tick's summary line
        started = time.monotonic()
        assert sched.stop(signum) == 0, sched.lines
        assert time.monotonic() - started < 5
    finally:
        sched.kill()
    assert "Traceback" not in "\n".join(sched.lines)
    assert sched.lines[-1] == "sheetsync schedule: stopped"
    assert_state_is_whole(book, tmp_path)


def test_a_signal_during_the_first_tick_lets_the_project_in_hand_finish(
        tmp_path: Path, child_env: dict[str, str], book: Path) -> None:
    sched = Schedule([str(book), "--every", "1"], tmp_path, child_env)
    try:
        sched.wait_for("every minute")  # printed just before the first tick starts
        # The project's lock file appears when the tick takes the project in hand.
        deadline = time.monotonic() + 30
        while not list((tmp_path / "state").glob("*/lock")) and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sched.stop() == 0, sched.lines
    finally:
        sched.kill()
    # The project in hand was finished: its check is recorded and the tick was summed up.
    assert any(line.startswith("sheetsync run: 1 project, 1 check,") for line in sched.lines)
    assert sched.lines[-1] == "sheetsync schedule: stopped"
    assert_state_is_whole(book, tmp_path)
    (journal,) = (tmp_path / "state").glob("*/journal.jsonl")
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    # (recorded once its write went out, which waits for the project's other jobs' first
    # write or their end: one write per project, shell/batching.py)
    assert any({"kind": "done", "job": "check"}.items() <= r.items() for r in records)


def test_a_tick_with_a_vanished_project_does_not_end_the_loop(
        tmp_path: Path, child_env: dict[str, str], book: Path) -> None:
    gone = tmp_path / "gone.xlsx"
    shutil.copyfile(book, gone)
    gone.unlink()  # the project's file vanished
    sched = Schedule([str(gone), str(book), "--every", "1", "--log-json"], tmp_path, child_env)
    try:
        start = json.loads(sched.wait_for('"event": "start"'))
        assert start == {"event": "start", "every_minutes": 1, "projects": 2}
        problem = json.loads(sched.wait_for('"event": "problem"'))
        assert "gone.xlsx" in problem["detail"]
        summary = json.loads(sched.wait_for('"event": "run"'))
        assert summary["projects"] == 2 and summary["failures"] >= 1
        time.sleep(0.5)
        assert sched.proc.poll() is None  # still running, waiting for the next tick
        assert sched.stop() == 0
    finally:
        sched.kill()
    for line in sched.lines:
        json.loads(line)  # --log-json: every line on stderr is one JSON object
    assert_state_is_whole(book, tmp_path)


def test_serve_survives_a_tick_that_raises() -> None:
    stop = threading.Event()
    calls: list[float] = []
    errors: list[str] = []

    def tick() -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise RuntimeError("boom in the first tick")
        if len(calls) == 3:
            stop.set()

    # every 0.001 minutes (60 ms), so the loop turns a few times within the test
    service.serve(tick, 0.001, stop, errors.append)  # type: ignore[arg-type]
    assert len(calls) == 3
    assert len(errors) == 1 and "boom in the first tick" in errors[0]
    assert "RuntimeError" in errors[0]


def test_serve_does_not_tick_once_stopped() -> None:
    stop = threading.Event()
    stop.set()
    calls: list[int] = []
    service.serve(lambda: calls.append(1), 1, stop, lambda _: None)
    assert calls == []


def test_a_stop_finishes_the_project_in_hand_and_starts_no_other(
        tmp_path: Path, book: Path) -> None:
    second = tmp_path / "second.xlsx"
    shutil.copyfile(book, second)
    cfg = config.load(env={"SHEETSYNC_OUTBOX": str(tmp_path / "outbox"),
                           "SHEETSYNC_STATE_DIR": str(tmp_path / "state")})
    ctx = wiring.context_for(cfg, datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    stop = threading.Event()
    seen: list[str] = []

    def on_project(result: runner.ProjectRun) -> None:
        seen.append(result.source)
        stop.set()  # SIGTERM arrives while the first project is in hand

    with ctx.transport:
        results = runner.reconcile_all([str(book), str(second)], ctx, (check.JOB,),
                                       on_project=on_project, stop=stop.is_set)
    assert seen == [str(book)]
    assert [(a.job, a.result) for a in results[0].actions] == [("check", "done")]
    openpyxl.load_workbook(book).close()
