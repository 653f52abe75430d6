"""``sheetsync schedule``: the long-running form of ``run``, on the ``schedule`` library.

schedule 1.2 has traps this module is built around (each verified against its source):

- a job that raises is not caught: the exception escapes ``run_pending()``, the jobs after
  it are skipped, and the failed job runs again on every later call. ``tick`` is wrapped so
  nothing escapes: an unexpected error is reported and the next tick comes as planned;
- ``.at(time, tz)`` needs pytz and rejects ``zoneinfo``: not used; every project's own time
  zone is handled by ``sheetsync.core.calendar`` inside each tick;
- nothing persists and missed runs are never replayed: each tick is a full ``run``, whose
  ledger and catch-up rules make up for any downtime;
- its module-level functions share one hidden global scheduler: a private ``Scheduler``
  is used instead.

SIGTERM or Ctrl-C sets ``stop``; the tick in hand finishes the project it is on (the
runner asks ``stop`` between projects) and the loop exits 0.
"""

from __future__ import annotations

import signal
import threading
import traceback
from collections.abc import Callable
from types import FrameType

import schedule


def install_stop_handlers(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set ``stop`` instead of killing the process mid-write."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve(tick: Callable[[], object], every_minutes: int, stop: threading.Event,
          report_error: Callable[[str], None]) -> None:
    """Call ``tick`` now and every ``every_minutes`` until ``stop`` is set."""

    def safe_tick() -> None:
        if stop.is_set():
            return
        try:
            tick()
        except Exception:  # never let a tick escape run_pending (see the module doc)
            report_error(traceback.format_exc(limit=3))

    scheduler = schedule.Scheduler()
    scheduler.every(every_minutes).minutes.do(safe_tick)
    safe_tick()
    while not stop.is_set():
        scheduler.run_pending()
        idle = scheduler.idle_seconds
        stop.wait(timeout=max(0.05, min(idle if idle is not None else 1.0, 1.0)))
