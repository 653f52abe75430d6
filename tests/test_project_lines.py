"""``check``, ``report`` and ``remind`` at a terminal with many projects: which line is which
project, each line as soon as its project is done, and a progress bar on a terminal only.

Real parts: the ``sheetsync`` command as a process, copies of the example workbook, a
config file naming the projects, a pseudo-terminal for stderr, and a named pipe as a
project that takes its time (reading it blocks until the test writes to it).
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetsync.cli import main as cli
from tests.fixtures_env import scrub

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
AS_OF = "2026-11-27"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three copies of one template (all called "Acme website rollout" in their Project tab),
    two of them named in sheetsync.toml."""
    scrub(monkeypatch, tmp_path)
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_FROM", "pm@studio.example")
    for n in ("north", "south", "west"):
        shutil.copy2(EXAMPLE, tmp_path / f"{n}.xlsx")
    (tmp_path / "sheetsync.toml").write_text(
        '[[projects]]\nname = "North office"\nsource = "north.xlsx"\n'
        '[[projects]]\nname = "South office"\nsource = "south.xlsx"\n'
        '[[projects]]\nsource = "west.xlsx"\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", ["check", "report", "remind"])
def test_each_line_is_led_by_the_config_name_else_the_source(folder: Path,
                                                             command: str) -> None:
    out = CliRunner().invoke(cli.main, [command, "--as-of", AS_OF, "--dry-run"])
    assert out.exit_code == 0, out.output
    # a project's line (report --dry-run also prints the path of each preview page)
    got = [line for line in out.stdout.splitlines() if "(Acme website rollout): " in line]
    assert len(got) == 3
    assert got[0].startswith("North office (Acme website rollout): ")
    assert got[1].startswith("South office (Acme website rollout): ")
    assert got[2].startswith(f"{folder / 'west.xlsx'} (Acme website rollout): ")


def test_a_failure_is_named_by_the_config_name_too(folder: Path) -> None:
    (folder / "south.xlsx").unlink()
    out = CliRunner().invoke(cli.main, ["check", "--as-of", AS_OF])
    assert out.exit_code == 1
    (line,) = out.stderr.splitlines()
    assert line.startswith(f"sheetsync: South office ({folder / 'south.xlsx'}): ")


def _line(stream: int, timeout: float) -> bytes:
    """One line from a pipe, or what came before ``timeout`` seconds passed."""
    got = b""
    while not got.endswith(b"\n"):
        ready, _, _ = select.select([stream], [], [], timeout)
        if not ready:
            break
        chunk = os.read(stream, 1)
        if not chunk:
            break
        got += chunk
    return got


def test_a_projects_line_comes_as_soon_as_it_is_done(folder: Path) -> None:
    slow = folder / "slow.xlsx"
    os.mkfifo(slow)  # opening it waits until someone writes: a project that takes its time
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync", "check", "north.xlsx",
                             "slow.xlsx", "--as-of", AS_OF], cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        first = _line(proc.stdout.fileno(), 60)
        assert first.startswith(b"North office (Acme website rollout): 13 milestones")
        assert proc.poll() is None  # still waiting for the second project
    finally:
        with slow.open("wb") as feed:  # not a workbook: the second project fails
            feed.write(b"not a zip")
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert b"slow.xlsx" in err and b"Traceback" not in err


def _on_a_terminal(folder: Path, *args: str) -> tuple[int, str, bytes]:
    """Run with stderr on a pseudo-terminal and stdout a pipe: (exit, stdout, terminal)."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "sheetsync", *args], cwd=folder,
                                env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
                                stdout=subprocess.PIPE, stderr=follower, text=True)
        os.close(follower)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other end is closed and drained
                break
            if not chunk:
                break
            terminal += chunk
        stdout, _ = proc.communicate(timeout=120)
    finally:
        os.close(leader)
    return proc.returncode, stdout, terminal


@pytest.mark.parametrize("command", ["check", "report", "remind"])
def test_a_progress_bar_on_a_terminal_and_none_under_cron(folder: Path, command: str) -> None:
    code, stdout, terminal = _on_a_terminal(folder, command, "--as-of", AS_OF, "--dry-run")
    assert code == 0
    said = [line for line in stdout.splitlines() if "(Acme website rollout): " in line]
    assert len(said) == 3  # the lines, and nothing of the bar, on stdout
    assert "\x1b" not in stdout
    assert b"North office" in terminal  # the bar names the project in hand
    assert b"\x1b[" in terminal  # drawn with terminal controls

    cron = subprocess.run([sys.executable, "-m", "sheetsync", command, "--as-of", AS_OF,
                           "--dry-run"], cwd=folder, capture_output=True, text=True,
                          check=False, timeout=120)
    assert cron.returncode == 0 and cron.stderr == ""  # no terminal: no bar, no noise
    assert cron.stdout == stdout


def test_runs_lines_are_led_by_the_config_name_too(folder: Path) -> None:
    (folder / "south.xlsx").unlink()
    out = CliRunner().invoke(cli.main, ["run", "--now", "2026-11-26T07:00+00:00"])
    assert out.exit_code == 1
    (line,) = [x for x in out.stderr.splitlines() if "FAILED" in x]
    assert line.startswith("South office (")
