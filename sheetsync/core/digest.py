"""The agency digest (CONTRACT section 7): one row per project, the ones needing attention
first. Pure: the projects as read (or why one could not be), their reports as built, and
what the ledger says of their sends come in; rows and their order come out.

Attention, most first: a sheet that could not be read; a send that failed or whose outcome
is unknown; the state (late, at risk, on track); the oldest client item's days late; the
items waiting on the client; the days since the last update; then the project's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sheetsync.core.report_shapes import Ask, Report, State

STATE_WORDS = {State.LATE: "late", State.AT_RISK: "at risk", State.ON_TRACK: "on track"}
UNREADABLE = "unreadable"
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DigestSchedule:
    """The ``[digest]`` section of the config: who gets it, and when (weekly)."""

    to: tuple[str, ...] = ()
    day: int = 0  # Monday
    time: time = time(9, 0)
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Trouble:
    """A send that failed or whose outcome is unknown (the admin must look)."""

    job: str
    period: str
    result: str  # "failed" or "unknown"
    detail: str = ""


@dataclass(frozen=True)
class Sends:
    """What the ledger (and Log tab) say of one project's emails."""

    last_report: date | None = None
    last_report_result: str = ""
    troubles: tuple[Trouble, ...] = ()


@dataclass(frozen=True)
class Row:
    project: str
    source: str
    state: str  # "late", "at risk", "on track", or "unreadable"
    waiting_on_client: int = 0
    oldest_client_days_late: int = 0
    days_since_update: int | None = None  # None: no update yet
    last_report: date | None = None
    last_report_result: str = ""
    next_report: date | None = None
    troubles: tuple[Trouble, ...] = ()
    problems: int = 0
    error: str = ""  # why the sheet could not be read
    language: str = "en"
    paused: bool = False


def row(source: str, report: Report, sends: Sends, *, last_update: date | None,
        next_report: date | None, problems: int, language: str, paused: bool) -> Row:
    """One readable project's row, from its report as of the digest's day."""
    late = [w.days for w in report.waiting if w.ask in (Ask.CLIENT_OVERDUE, Ask.UNCONFIRMED)]
    return Row(report.project, source, STATE_WORDS[report.summary.state],
               waiting_on_client=len(report.waiting),
               oldest_client_days_late=max(late, default=0),
               days_since_update=(report.as_of - last_update).days if last_update else None,
               last_report=sends.last_report, last_report_result=sends.last_report_result,
               next_report=next_report, troubles=sends.troubles, problems=problems,
               language=language, paused=paused)


def unreadable(source: str, error: str, sends: Sends = Sends()) -> Row:
    return Row(source, source, UNREADABLE, error=error, troubles=sends.troubles,
               last_report=sends.last_report, last_report_result=sends.last_report_result)


_STATE_ORDER = {UNREADABLE: 0, "late": 1, "at risk": 2, "on track": 3}


def attention(r: Row) -> tuple[int, int, int, int, int, int, str]:
    return (0 if r.state == UNREADABLE else 1, 0 if r.troubles else 1,
            _STATE_ORDER.get(r.state, 4), -r.oldest_client_days_late, -r.waiting_on_client,
            -(r.days_since_update if r.days_since_update is not None else 10_000),
            r.project.casefold())


def ordered(rows: Iterable[Row]) -> tuple[Row, ...]:
    """The rows, the projects needing attention first."""
    return tuple(sorted(rows, key=attention))


def digest_json(rows: Iterable[Row]) -> dict[str, object]:
    """``digest --json``: the contract's keys, then more (source, sends, problems, error)."""
    return {"projects": [{
        "project": r.project, "state": r.state, "waiting_on_client": r.waiting_on_client,
        "oldest_client_days_late": r.oldest_client_days_late,
        "days_since_update": r.days_since_update,
        "last_report": ({"date": r.last_report.isoformat(), "result": r.last_report_result}
                        if r.last_report else None),
        "next_report": r.next_report.isoformat() if r.next_report else None,
        "source": r.source, "problems": r.problems, "paused": r.paused,
        "failed_or_unknown_sends": [{"job": t.job, "period": t.period, "result": t.result,
                                     "detail": t.detail} for t in r.troubles],
        **({"error": r.error} if r.error else {}),
    } for r in rows]}
