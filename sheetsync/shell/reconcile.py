"""The reconciler behind ``sheetsync run``: for each project, do what is due and not done.

A job says *when* it is due (a pure rule from ``core.calendar``, with its own reason to
skip a period) and *what* it does (a flow of the shell); this module owns the loop around
them: read each project once, hold its lock, ask the ledger whether each due period is
already done, run or skip, and record. It knows no job by name: the job list comes from
``sheetsync.jobs.registry``.

Nothing twice: a period whose ledger says done, sent, skipped or unknown is never run
again by ``run``; one that failed is tried again on the next run while it is still due.
An unknown period (an intent with no outcome: the process died mid-send) is reported once,
by a Log row and an action marked ``unknown`` (which alerts the admin), and never resent.

Idle runs (``Context.facts`` set, the ``skip_unchanged`` option): when every job that the
remembered settings make due is settled in the ledger, the backend's change stamp is asked
(a Google Sheet's Drive ``modifiedTime``: no Sheets request) and, if it has not moved since
sheetsync's own last read or write, the project is not read at all (the run counts the
problems that read found). After a read the stamp is taken again, after sheetsync's own
writes, so they do not count as edits.

One write per project (``batching``): the jobs' writes go through ``Batched``, which holds
the check's flags and Problems until the next write (the ``sending`` row of a due email,
whose answer carries the Log for the guard) or the end of the project's jobs. A job that
records itself as done is recorded only once its write went out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sheetsync.backends import Backend
from sheetsync.core import logtab
from sheetsync.errors import LockBusy, SheetsyncError
from sheetsync.model import Delivery, LogEntry, Message, Project
from sheetsync.shell import catchup
from sheetsync.shell.batching import Batched
from sheetsync.shell.context import Context
from sheetsync.shell.delivery import append_log, settle_unknown, told, write_pending_logs
from sheetsync.shell.pipeline import Loaded, load, unexpected

if TYPE_CHECKING:
    from sheetsync.mail.transport import Transport
    from sheetsync.shell.agency import Read

SETTLED = frozenset({"done", "sent", "skipped", "unknown"})


@dataclass(frozen=True)
class Due:
    """A job is due for ``period``; ``skip`` set means log it as skipped instead of running
    (the job's own sentence of why)."""

    period: date
    skip: str = ""


@dataclass(frozen=True)
class Action:
    job: str
    result: str  # "done" (a check), "sent", "skipped", "failed", "unknown" (may have gone)
    detail: str = ""
    settled: bool = False  # "skipped" with nothing to send (nobody, nothing due): done for it
    unknown: bool = False  # an earlier send's outcome is unknown: the admin must look
    log_pending: str = ""  # its Log row is kept for the next run: why the sheet refused it


@dataclass(frozen=True)
class Job:
    name: str
    due: Callable[[Project, datetime], Due | None]
    run: Callable[[Loaded, Context, date], Action]
    records_done: bool = False  # the runner records the period (jobs that send nothing)
    counted: bool = False  # each "done" of it counts as one of the run summary's checks
    catch_up: bool = False  # the periods it missed while no run ran are logged as skipped


@dataclass(frozen=True)
class ProjectRun:
    source: str
    project: str
    actions: tuple[Action, ...] = ()
    error: str = ""
    problems: int = 0
    api_requests: int = 0  # requests this project cost the Google quota in this run
    checks: int = 0  # actions done by jobs that count as checks (``Job.counted``)
    read: Project | None = field(default=None, compare=False, repr=False)  # as read
    drive_requests: int = 0  # change-stamp requests (Drive API, not the Sheets quota)
    waited_s: float = 0.0  # seconds waited for the quota (pacing) and in backoff
    idle: bool = False  # not read: nothing due and the sheet unchanged since the last read

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(a.result in ("failed", "unknown") or a.log_pending
                                       for a in self.actions)


def _skip(loaded: Loaded, ctx: Context, job: Job, due: Due) -> Action:
    """Log a due period as skipped, for the job's own reason; the ledger has it either way."""
    source, period = loaded.backend.source, due.period.isoformat()
    ctx.ledger.done(source, job.name, period, at=ctx.now, result="skipped", detail=due.skip)
    append_log(loaded, LogEntry(ctx.now, job.name, loaded.project.settings.name, (), "",
                                "skipped", "", due.skip))
    return Action(job.name, "skipped", due.skip)


def _logged_sent(loaded: Loaded, run: Context, job: Job, period: str) -> bool:
    """The sheet's Log tab says it went out (sent from another host or an older state dir):
    settle it in the ledger too, so it is neither logged as skipped nor looked at again."""
    layout = loaded.project.layout
    message_id = logtab.logged_sent(layout.log, job.name, period) if layout else ""
    if message_id:
        run.ledger.done(loaded.backend.source, job.name, period, at=run.now, result="sent",
                        detail=f"already sent ({message_id}), as the Log tab says")
    return bool(message_id)


def reconcile(source: str, run: Context, jobs: Sequence[Job]) -> ProjectRun:
    """Run every due, undone job of one project, in order, on one read of the sheet."""
    try:
        with run.ledger.lock(source, wait=0.5):
            backend = run.open_source(source)
            idle = _idle(source, backend, run, jobs) if run.facts is not None else None
            if idle is not None:
                return idle
            batched = Batched(backend)  # the check's write waits to take the 'sending' row
            loaded = load(source, lambda _: batched)
            name = loaded.project.settings.name
            actions: list[Action] = []
            if why := write_pending_logs(loaded, run):  # earlier runs' rows, before anything
                actions.append(Action("log", "failed", why))
            done: list[tuple[str, str, str]] = []  # recorded once their writes went out
            for job in jobs:
                batched.owner = job.name
                due = job.due(loaded.project, run.now)
                if due is None:
                    continue
                period = due.period.isoformat()
                status = run.ledger.status(source, job.name, period)
                if status.state == "unknown" and not told(status):
                    detail, _, why = settle_unknown(loaded, run, job.name, period, status)
                    actions.append(Action(job.name, "unknown", detail, unknown=True,
                                          log_pending=why))
                    continue
                if status.state in SETTLED:
                    continue
                if _logged_sent(loaded, run, job, period):
                    continue
                if job.catch_up:  # missed periods and a skipped one: their rows in one write
                    if why := catchup.log_missed(loaded, run, job.name, due.period, due.skip):
                        actions.append(Action(job.name, "failed", why))
                    if due.skip:
                        actions.append(Action(job.name, "skipped", due.skip))
                        continue
                if due.skip:
                    actions.append(_skip(loaded, run, job, due))
                    continue
                try:
                    action = job.run(loaded, run, due.period)
                except SheetsyncError as exc:
                    action = Action(job.name, "failed", str(exc))
                except Exception as exc:  # a bug in one job must not stop the others
                    action = Action(job.name, "failed", unexpected(exc))
                if job.records_done and (action.result == "done" or action.settled):
                    done.append((job.name, period, action.detail))
                actions.append(action)
            batched.flush()
            actions = [_unwritten(a, batched.failures) for a in actions]
            for job_name, period, detail in done:
                if job_name not in batched.failures:
                    run.ledger.done(source, job_name, period, at=run.now, detail=detail)
            counted = {job.name for job in jobs if job.counted}
            checks = sum(1 for a in actions if a.job in counted and a.result == "done")
            if run.facts is not None:  # after our own writes: they are no staff edit
                run.facts.put(source, loaded.project.settings, backend.modified_time(), run.now,
                              problems=len(loaded.project.problems))
                if run.agency_reads is not None:
                    run.agency_reads.read(source, loaded.project.settings)
            return ProjectRun(source, name, tuple(actions),
                              problems=len(loaded.project.problems),
                              api_requests=loaded.backend.api_requests, checks=checks,
                              read=loaded.project,
                              drive_requests=_drive_requests(backend),
                              waited_s=_waited(backend))
    except LockBusy as exc:
        return ProjectRun(source, source, (Action("lock", "skipped", str(exc)),))
    except SheetsyncError as exc:
        return ProjectRun(source, source, error=str(exc))
    except Exception as exc:  # nor a bug in one project the other projects
        return ProjectRun(source, source, error=unexpected(exc))


def _unwritten(action: Action, failures: dict[str, str]) -> Action:
    """A job whose write, held to go with a later one (``batching``), failed: failed."""
    if action.job in failures and action.result == "done":
        return Action(action.job, "failed", failures[action.job])
    return action


def _idle(source: str, backend: Backend, run: Context,
          jobs: Sequence[Job]) -> ProjectRun | None:
    """The project's outcome without reading it, or None when it must be read."""
    assert run.facts is not None
    remembered = run.facts.get(source)
    if remembered is None or run.ledger.pending_logs(source):  # kept Log rows to write
        return None
    settings = remembered.settings
    if settings.report_every_weeks > 1:  # a fortnight counts from the Log tab: read it
        return None
    if run.agency_reads is not None and run.agency_reads.needed(source, settings):
        return None  # the team nudges or the digest want this project as read today
    for job in jobs:
        due = job.due(Project(source, settings), run.now)
        if due is None:
            continue
        status = run.ledger.status(source, job.name, due.period.isoformat())
        if status.state not in SETTLED or (status.state == "unknown" and not told(status)):
            return None
    stamp = backend.modified_time()
    if stamp is None or stamp != remembered.stamp:
        return None
    return ProjectRun(source, remembered.settings.name, (), problems=remembered.problems,
                      api_requests=backend.api_requests,
                      drive_requests=_drive_requests(backend), idle=True,
                      waited_s=_waited(backend))


def _drive_requests(backend: Backend) -> int:
    return int(getattr(backend, "drive_requests", 0))


def _waited(backend: Backend) -> float:
    return float(getattr(backend, "waited_s", 0.0))


@dataclass(frozen=True)
class AgencyJob:
    """A job over every project of the run (team nudges, the digest), after the projects'
    own jobs; it decides itself what is due and sends once through the ledger."""

    name: str
    run: Callable[[Sequence[Read], Context], tuple[Action, ...]]


def agency(results: Sequence[ProjectRun], run: Context,
           jobs: Sequence[AgencyJob]) -> tuple[Action, ...]:
    """Every agency job over the projects as this run read them; a job's error is its action."""
    from sheetsync.shell.agency import Read  # rendering: only when a run gets this far

    reads = [Read(r.source, r.read, r.error) for r in results if r.source]
    out: list[Action] = []
    for job in jobs:
        try:
            out.extend(job.run(reads, run))
        except SheetsyncError as exc:
            out.append(Action(job.name, "failed", str(exc)))
        except Exception as exc:  # a bug in one job must not stop the others
            out.append(Action(job.name, "failed", unexpected(exc)))
    return tuple(out)


def reconcile_all(sources: Iterable[str], run: Context, jobs: Sequence[Job],
                  *, on_project: Callable[[ProjectRun], None] = lambda _: None,
                  stop: Callable[[], bool] = lambda: False,
                  workers: int = 1) -> list[ProjectRun]:
    """Every project, ``workers`` at a time (their Google I/O overlaps; the host's quota
    buckets pace them), results in the order given; ``stop()`` is asked before each project
    starts (SIGTERM, Ctrl-C): the projects in hand finish."""
    todo = list(sources)
    if workers <= 1 or len(todo) <= 1:
        out: list[ProjectRun] = []
        for source in todo:
            if stop():
                break
            result = reconcile(source, run, jobs)
            on_project(result)
            out.append(result)
        return out
    shared = replace(run, transport=_OneAtATime(run.transport))
    told = threading.Lock()
    results: dict[int, ProjectRun] = {}

    def one(index: int, source: str) -> None:
        if stop():
            return
        result = reconcile(source, shared, jobs)
        with told:
            on_project(result)
            results[index] = result

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sheetsync") as pool:
        for _ in pool.map(lambda pair: one(*pair), enumerate(todo)):
            pass
    return [results[i] for i in sorted(results)]


class _OneAtATime:
    """A transport shared by workers: one send at a time (one SMTP conversation)."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.lock = threading.Lock()
        self.connections_opened = inner.connections_opened  # as at the start of the run

    def __enter__(self) -> _OneAtATime:
        return self

    def __exit__(self, *exc: object) -> None:
        return None  # the run's own ``with`` closes the inner transport

    def send(self, msg: Message) -> Delivery:
        with self.lock:
            return self.inner.send(msg)
