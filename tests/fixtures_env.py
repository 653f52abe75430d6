"""A clean environment for sheetsync in tests, and the command to run it as a process.

``SHEETSYNC`` runs the command under test with this very interpreter (``python -m
sheetsync``), so the suite needs no particular virtualenv path. ``child_environ`` is this
process's environment without any SHEETSYNC_* variable, plus the given ones; the
``clean_env`` fixture does the same to this process and moves into ``tmp_path``, so neither
a setting of the machine nor a stray ``sheetsync.toml`` is read. Every test that needs a
clean environment uses one of these two.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

SHEETSYNC = [sys.executable, "-m", "sheetsync"]


def child_environ(**settings: str) -> dict[str, str]:
    """The environment of a ``sheetsync`` process: this one's, less SHEETSYNC_*, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update(settings)
    return env


@pytest.fixture(autouse=True)
def own_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own user state folder (``XDG_STATE_HOME``), inherited by the processes
    it starts: the default state dir is the user's, so tests must not share the real one."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / ".state-home"))


def scrub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keep: tuple[str, ...] = ()) -> Path:
    """This process without SHEETSYNC_* (but ``keep``, e.g. what ``gsheets_env`` set), in
    ``tmp_path`` as the working folder: ``clean_env``, for fixtures that need more."""
    for name in list(os.environ):
        if name.startswith("SHEETSYNC_") and name not in keep:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


GOOGLE = ("SHEETSYNC_CREDENTIALS", "SHEETSYNC_SHEETS_ENDPOINT")  # set by gsheets_env


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No SHEETSYNC_* from the outside, and ``tmp_path`` as the working folder."""
    return scrub(monkeypatch, tmp_path)


@pytest.fixture
def clean_google_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``clean_env`` keeping the emulator's address and key (``gsheets_env``), with the state
    dir and the outbox in ``tmp_path``."""
    scrub(monkeypatch, tmp_path, keep=GOOGLE)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path
