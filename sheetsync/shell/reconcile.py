"""The reconciler behind ``sheetsync run``: for each project, do what is due and not done.

A job says *when* it is due (a pure rule from ``due``) and *what* it does (a flow from
``pipeline``/``delivery``); this module owns the loop around them: read each project once,
hold its lock, ask the ledger whether each due period is already done, run or skip, and
record. It knows no job by name: the job list comes from ``sheetsync.jobs.registry``.

Nothing twice: a period whose ledger says done, sent, skipped or unknown is never run
again by ``run``; one that failed is tried again on the next run while it is still due.
An unknown period (an intent with no outcome: the process died mid-send) is reported once,
by a Log row and an action marked ``unknown`` (which alerts the admin), and never resent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sheetsync.core import logtab as history
from sheetsync.errors import LockBusy, SheetsyncError
from sheetsync.host.ledger import Status
from sheetsync.model import LogEntry, Settings
from sheetsync.shell.delivery import Run, append_log
from sheetsync.shell.pipeline import Loaded, load

SETTLED = frozenset({"done", "sent", "skipped", "unknown"})


@dataclass(frozen=True)
class Due:
    """A job is due for ``period``; ``skip`` set means log it as skipped instead of running."""

    period: date
    skip: str = ""


@dataclass(frozen=True)
class Action:
    job: str
    result: str  # "done" (a check), "sent", "skipped", "failed"
    detail: str = ""
    unknown: bool = False  # an earlier send's outcome is unknown: the admin must look


@dataclass(frozen=True)
class Job:
    name: str
    due: Callable[[Settings, datetime], Due | None]
    run: Callable[[Loaded, Run, date], Action]
    records_done: bool = False  # the runner records the period (jobs that send nothing)


@dataclass(frozen=True)
class ProjectRun:
    source: str
    project: str
    actions: tuple[Action, ...] = ()
    error: str = ""
    problems: int = 0
    api_requests: int = 0  # requests this project cost the Google quota in this run

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(a.result == "failed" for a in self.actions)


def _skip(loaded: Loaded, run: Run, job: Job, due: Due) -> Action:
    source, period = loaded.backend.source, due.period.isoformat()
    settings = loaded.project.settings
    why = due.skip  # too late; but a project that sends nothing was not "missed"
    if settings.reports_paused:
        why = f"not sent for {period}: Reports paused is Yes in the Project tab"
    elif not settings.client_emails:
        why = f"not sent for {period}: the Project tab has no valid Client emails"
    run.ledger.done(source, job.name, period, at=run.now, result="skipped", detail=why)
    append_log(loaded, LogEntry(run.now, job.name, settings.name, (), "",
                                "skipped", "", why))  # the ledger has it either way
    return Action(job.name, "skipped", why)


def _unknown(loaded: Loaded, run: Run, job: Job, due: Due, status: Status) -> Action:
    """An intent with no outcome: say so once (Log row, admin alert), never resend."""
    source, period = loaded.backend.source, due.period.isoformat()
    detail = (f"unknown: an earlier send ({status.message_id}) was interrupted before its "
              "result was recorded; it was not sent again. Check with the client, then use "
              "--force to resend if it did not arrive.")
    intent = next((r for r in reversed(status.records)
                   if r.kind == "intent" and r.message_id == status.message_id), None)
    run.ledger.done(source, job.name, period, at=run.now, result="unknown", detail=detail)
    append_log(loaded, LogEntry(run.now, job.name, loaded.project.settings.name,
                                intent.recipients if intent else (),
                                intent.subject if intent else "", "unknown",
                                status.message_id, detail))
    return Action(job.name, "skipped", detail, unknown=True)


def _told(status: Status) -> bool:
    """Whether an unknown period was already reported (see ``_unknown``)."""
    return any(r.kind == "done" and r.result == "unknown" for r in status.records)


def _logged_sent(loaded: Loaded, run: Run, job: Job, period: str) -> bool:
    """The sheet's Log tab says it went out (sent from another host or an older state dir):
    settle it in the ledger too, so it is neither logged as skipped nor looked at again."""
    layout = loaded.project.layout
    message_id = history.logged_sent(layout.log, job.name, period) if layout else ""
    if message_id:
        run.ledger.done(loaded.backend.source, job.name, period, at=run.now, result="sent",
                        detail=f"already sent ({message_id}), as the Log tab says")
    return bool(message_id)


def reconcile(source: str, run: Run, jobs: Sequence[Job]) -> ProjectRun:
    """Run every due, undone job of one project, in order, on one read of the sheet."""
    try:
        with run.ledger.lock(source, wait=0.5):
            loaded = load(source, run.open_source)
            name = loaded.project.settings.name
            actions: list[Action] = []
            for job in jobs:
                due = job.due(loaded.project.settings, run.now)
                if due is None:
                    continue
                period = due.period.isoformat()
                status = run.ledger.status(source, job.name, period)
                if status.state == "unknown" and not _told(status):
                    actions.append(_unknown(loaded, run, job, due, status))
                    continue
                if status.state in SETTLED:
                    continue
                if _logged_sent(loaded, run, job, period):
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
                if job.records_done and action.result == "done":
                    run.ledger.done(source, job.name, period, at=run.now, detail=action.detail)
                actions.append(action)
            return ProjectRun(source, name, tuple(actions),
                              problems=len(loaded.project.problems),
                              api_requests=loaded.backend.api_requests)
    except LockBusy as exc:
        return ProjectRun(source, source, (Action("lock", "skipped", str(exc)),))
    except SheetsyncError as exc:
        return ProjectRun(source, source, error=str(exc))
    except Exception as exc:  # nor a bug in one project the other projects
        return ProjectRun(source, source, error=unexpected(exc))


def unexpected(exc: Exception) -> str:
    """One sentence for an error sheetsync did not foresee (a bug, not the admin's doing)."""
    return (f"unexpected error ({type(exc).__name__}: {exc}); this is a bug in sheetsync: "
            "report it with this line. The other jobs and projects went on.")


def reconcile_all(sources: Iterable[str], run: Run, jobs: Sequence[Job],
                  *, on_project: Callable[[ProjectRun], None] = lambda _: None,
                  stop: Callable[[], bool] = lambda: False) -> list[ProjectRun]:
    """Every project in turn; ``stop()`` is asked between projects (SIGTERM, Ctrl-C)."""
    out: list[ProjectRun] = []
    for source in sources:
        if stop():
            break
        result = reconcile(source, run, jobs)
        on_project(result)
        out.append(result)
    return out


@dataclass(frozen=True)
class Summary:
    projects: int = 0
    checks: int = 0
    sent: int = 0
    problems: int = 0
    failures: int = 0
    unknown: int = 0
    lines: tuple[str, ...] = field(default=())

    def line(self) -> str:
        return (f"sheetsync run: {_count(self.projects, 'project')}, "
                f"{_count(self.checks, 'check')}, {_count(self.sent, 'email')} sent, "
                f"{_count(self.problems, 'problem')} in sheets, "
                f"{_count(self.failures, 'failure')}"
                + (f", {_count(self.unknown, 'unknown send')}" if self.unknown else ""))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summarise(results: Sequence[ProjectRun]) -> Summary:
    lines = []
    for r in results:
        if r.error:
            lines.append(f"{r.source}: FAILED: {r.error}")
        for a in r.actions:
            if a.result == "failed":
                lines.append(f"{r.project}: {a.job} FAILED: {a.detail}")
            elif a.unknown:
                lines.append(f"{r.project}: {a.job} UNKNOWN: {a.detail.removeprefix('unknown: ')}")
    return Summary(
        projects=len(results),
        checks=sum(1 for r in results for a in r.actions if a.job == "check"
                   and a.result == "done"),
        sent=sum(1 for r in results for a in r.actions if a.result == "sent"),
        problems=sum(r.problems for r in results),
        failures=sum(1 for r in results if r.failed),
        unknown=sum(1 for r in results for a in r.actions if a.unknown),
        lines=tuple(lines),
    )
