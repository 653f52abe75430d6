"""The shell: read a source, call the pure core, apply its plan.

Each function here is one job's flow for one project, with every outside thing (the
backend, the clock's reading) handed in. Errors of one project are caught into its
outcome (``attempt``, the one wrapper every single-job command uses), so a run over many
projects goes on with the others. Emails go through ``delivery``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from sheetsync.backends import Access, Backend, kind
from sheetsync.core import calendar, progress, rules, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import SheetsyncError
from sheetsync.host import places
from sheetsync.host.config import Config
from sheetsync.host.keychoice import KeyChoices
from sheetsync.host.pacing import Limits, Pacer
from sheetsync.model import Assessment, Project, RawWorkbook

T = TypeVar("T")

Opener = Callable[[str], Backend]


def access(config: Config) -> Access:
    """How this run reaches its sources: the configured key and endpoint, and the host-wide
    folder of .xlsx write locks (``places.host_lock_dir``: not in the state dir, so two runs
    with different state dirs still take one lock per workbook). With several key files,
    each sheet's choice is remembered in the state dir (``host.keychoice``)."""
    keys = tuple(Path(k) for k in config.keys)
    return Access(credentials=keys[0], endpoint=config.sheets_endpoint or None,
                  lock_dir=places.host_lock_dir(),
                  connect_timeout=config.sheets_connect_timeout,
                  read_timeout=config.sheets_read_timeout,
                  retry_budget=config.sheets_retry_budget,
                  pace=Pacer(config.state_dir, Limits(config.reads_per_minute,
                                                      config.writes_per_minute)).take,
                  keys=keys if len(keys) > 1 else (),
                  key_memory=KeyChoices(config.state_dir) if len(keys) > 1 else None)


def opener(config: Config) -> Opener:
    """How this run opens a SOURCE, with the configured key and endpoint."""
    how = access(config)

    def open_source(source: str) -> Backend:
        return kind(source).open(source, how)

    return open_source


@dataclass(frozen=True)
class Loaded:
    """A project as read, with the backend it came from (to write back through)."""

    backend: Backend
    raw: RawWorkbook
    project: Project


def load(source: str, open_source: Opener) -> Loaded:
    backend = open_source(source)
    raw = backend.read()
    return Loaded(backend, raw, parse_workbook(raw, source))


@dataclass(frozen=True)
class Checked:
    source: str
    project: Project | None = None
    as_of: date | None = None
    assessments: tuple[Assessment, ...] = ()
    written: bool = False
    api_requests: int = 0
    dry_run: bool = False
    refused: bool = False  # the source cannot be written without losing something
    error: SheetsyncError | None = None
    notes: tuple[str, ...] = field(default=())


def check_loaded(loaded: Loaded, *, as_of: date, dry_run: bool = False) -> Checked:
    """Flag a project read already, and write Flag, Flag detail and Problems."""
    assessments = rules.assess(loaded.project, as_of)
    extras = progress.for_check(loaded.project, assessments, as_of)
    project = replace(loaded.project, problems=loaded.project.problems + extras.problems)
    plan = replace(writeplan.build(project, assessments), tabs=extras.tabs)
    write = not dry_run and loaded.raw.can_write and not plan.empty
    if write:
        loaded.backend.apply(plan)
    return Checked(loaded.backend.source, project, as_of, assessments, write,
                   loaded.backend.api_requests, dry_run=dry_run,
                   refused=not loaded.raw.can_write and not plan.empty)


def attempt(source: str, open_source: Opener, now: datetime, as_of: date | None,
            body: Callable[[Loaded, date], T],
            failed: Callable[[SheetsyncError, Loaded | None], T]) -> T:
    """One job on one SOURCE: load it, pick the day (``as_of``, else today in the project's
    time zone), run ``body``; an error becomes ``failed``'s outcome, so the others go on; an
    error sheetsync did not foresee too, as one sentence (its traceback in ``detail``)."""
    loaded: Loaded | None = None
    try:
        loaded = load(source, open_source)
        return body(loaded, as_of or calendar.project_day(now, loaded.project.settings))
    except SheetsyncError as exc:
        return failed(exc, loaded)
    except Exception as exc:  # a bug in one project must not stop the others
        return failed(SheetsyncError(unexpected(exc)).with_detail(traceback.format_exc()),
                      loaded)


def unexpected(exc: Exception) -> str:
    """One sentence for an error sheetsync did not foresee (a bug, not the admin's doing)."""
    return (f"unexpected error ({type(exc).__name__}: {exc}); this is a bug in sheetsync: "
            "report it with this line. The other jobs and projects went on.")


def check(source: str, open_source: Opener, *, now: datetime, as_of: date | None = None,
          dry_run: bool = False) -> Checked:
    """Validate, flag, and write Flag, Flag detail and Problems (nothing with dry_run)."""
    return attempt(source, open_source, now, as_of,
                   lambda loaded, day: check_loaded(loaded, as_of=day, dry_run=dry_run),
                   lambda error, loaded: Checked(
                       source, error=error,
                       api_requests=loaded.backend.api_requests if loaded is not None else 0))
