"""Pacing Google requests: a token bucket per service account, shared on this host.

Google allows one service account a number of Sheets read requests and of write requests
per rolling minute (60 and 60 by default). Every sheetsync process on the host (a cron
``run``, a ``schedule`` loop, ``report`` by hand, N workers of one run) takes a token from
the same bucket before each Sheets request, through a small JSON file in the state dir
(``pacing.json``, guarded by ``flock`` on ``pacing.lock``), so together they stay under the
quota instead of earning 429 answers and backing off.

A bucket of ``burst`` tokens refills at ``limit - burst`` tokens a minute: in any rolling
minute at most ``limit`` requests start (the burst plus a minute's refill), which is what
Google counts. ``take`` returns the seconds it waited, for ``run --json``'s ``waited_s``.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BURST = 5


@dataclass(frozen=True)
class Limits:
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    burst: int = BURST

    def rate(self, kind: str) -> float:
        """Tokens a second for ``kind`` ("read" or "write")."""
        limit = self.reads_per_minute if kind == "read" else self.writes_per_minute
        return max(limit - self.capacity(kind), 1) / 60.0

    def capacity(self, kind: str) -> int:
        limit = self.reads_per_minute if kind == "read" else self.writes_per_minute
        return max(1, min(self.burst, limit // 2))


class Pacer:
    """The host's buckets, in ``<state dir>/pacing.json``."""

    def __init__(self, state_dir: str | os.PathLike[str], limits: Limits | None = None, *,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.root = Path(state_dir)
        self.limits = limits or Limits()
        self.clock, self.sleep = clock, sleep

    def take(self, account: str, kind: str) -> float:
        """Wait for a token of ``account``'s ``kind`` bucket; the seconds waited."""
        waited = 0.0
        while True:
            wait = self._try(f"{account} {kind}", kind)
            if wait <= 0:
                return waited
            self.sleep(wait)
            waited += wait

    def _try(self, name: str, kind: str) -> float:
        """Take a token now (0), or how long until one is there."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        with (self.root / "pacing.lock").open("a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._load()
                now = self.clock()
                capacity, rate = self.limits.capacity(kind), self.limits.rate(kind)
                tokens, stamp = state.get(name, (float(capacity), now))
                tokens = min(float(capacity), tokens + max(0.0, now - stamp) * rate)
                if tokens >= 1.0 - 1e-9:  # float rounding after a wait
                    state[name] = (max(0.0, tokens - 1.0), now)
                    wait = 0.0
                else:
                    state[name] = (tokens, now)
                    wait = (1.0 - tokens) / rate
                self._save(state)
                return wait
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self) -> dict[str, tuple[float, float]]:
        try:
            data = json.loads((self.root / "pacing.json").read_text(encoding="utf-8"))
            return {str(k): (float(v[0]), float(v[1])) for k, v in data.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            return {}  # no file yet, or a damaged one: full buckets

    def _save(self, state: dict[str, tuple[float, float]]) -> None:
        path = self.root / "pacing.json"
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        tmp.replace(path)
