"""Emails over every project of a run: the team nudges and the agency digest.

Both send once through the same ledger as the project emails: an intent before the send,
the outcome after it, an intent with no outcome never resent by itself. Their journals are
not a project's: each person's nudges and the digest have their own key (``agency_key``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sheetsync.core import calendar, digest, logtab, nudges, rules
from sheetsync.core import report as report_mod
from sheetsync.core.digest import DigestSchedule, Row, Sends, Trouble
from sheetsync.host.ledger import project_key
from sheetsync.model import Message, Project
from sheetsync.render import staff
from sheetsync.render.emails import Rendered
from sheetsync.shell.context import Context
from sheetsync.shell.delivery import unknown_detail

AGENCY = "/sheetsync-agency"  # an absolute path no project has: a stable ledger key
TROUBLE_DAYS = 7  # the digest lists failed or unknown sends of the last week


def agency_key(kind: str, who: str = "") -> str:
    return f"{AGENCY}/{kind}/{who}" if who else f"{AGENCY}/{kind}"


@dataclass(frozen=True)
class Read:
    """A project of the run: as read, or why it could not be."""

    source: str
    project: Project | None
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    job: str
    result: str  # "sent", "skipped", "failed", "dry-run"
    to: tuple[str, ...] = ()
    subject: str = ""
    detail: str = ""
    unknown: bool = False
    message: Message | None = None


def _send_once(ctx: Context, key: str, job: str, period: str, to: tuple[str, ...],
               rendered: Rendered, *, items: tuple[str, ...] = (), dry_run: bool = False,
               force: bool = False) -> Outcome:
    subject = rendered.subject
    mid = logtab.message_id(job, period, project_key(key)[-10:], ctx.nonce(), ctx.sender)
    message = Message(project=job, sender=ctx.sender, to=to, subject=subject,
                      text=rendered.text, html=rendered.html, message_id=mid,
                      headers=(("X-Sheetsync-Job", job),))
    if dry_run:
        return Outcome(job, "dry-run", to, subject, "rendered, not sent", message=message)
    with ctx.ledger.lock(key):
        status = ctx.ledger.status(key, job, period)
        if not force and status.state == "sent":
            return Outcome(job, "skipped", to, subject, f"already sent for {period}")
        if not force and status.state == "unknown":
            if any(r.kind == "done" and r.result == "unknown" for r in status.records):
                return Outcome(job, "skipped", to, subject, unknown_detail(status.message_id))
            ctx.ledger.done(key, job, period, at=ctx.now, result="unknown",
                            detail=unknown_detail(status.message_id))
            return Outcome(job, "skipped", to, subject, unknown_detail(status.message_id),
                           unknown=True)
        ctx.ledger.intend(key, job, period, at=ctx.now, message_id=mid, recipients=to,
                          subject=subject, items=items)
        sent = ctx.transport.send(message)
        ctx.ledger.outcome(key, job, period, at=ctx.now, message_id=mid, result=sent.result,
                           detail=sent.detail, items=items)
    return Outcome(job, sent.result, to, subject, sent.detail, message=message)


# --------------------------------------------------------------------------- team nudges


def nudge_all(projects: Sequence[Read], ctx: Context, *, dry_run: bool = False) -> list[Outcome]:
    """One email per person per day over every project: their Team milestones OVERDUE or
    due within 2 working days, each at its project's reminder cadence.

    A person's email goes once one of their projects has reached 09:00 on a nudge day in its
    time zone; it then lists what is due for a mention in every project of theirs whose own
    day is a nudge day, so two projects in two time zones still make one email a day."""
    found: dict[str, list[tuple[str, nudges.NudgeItem, int]]] = defaultdict(list)
    day_of: dict[str, date] = {}
    woke: set[str] = set()
    for read in projects:
        project = read.project
        if project is None:
            continue
        s = project.settings
        here = calendar.local(ctx.now, s)
        day = here.date()
        if not nudges.nudge_day(project, day):
            continue
        assessments = rules.assess(project, day)
        for email, item in nudges.items(project, project_key(read.source), assessments, day):
            found[email].append((email, item, s.reminder_every_days))
            day_of[email] = min(day_of.get(email, day), day)
            if here.time() >= calendar.REMINDER_TIME:
                woke.add(email)
    out = []
    for email in sorted(woke):
        key, day = agency_key("nudge", email), day_of[email]
        status = ctx.ledger.status(key, "nudge", day.isoformat())
        if status.state in ("sent", "done", "skipped") and not dry_run:
            continue
        chosen = nudges.select(found[email], ctx.ledger.sent_items(key, "nudge"), day)
        if not chosen:
            continue
        nudge = nudges.Nudge(email, day, chosen)
        rendered = staff.render_nudge(nudge, chosen[0].language)
        outcome = _send_once(ctx, key, "nudge", day.isoformat(), (email,), rendered,
                             items=nudge.keys, dry_run=dry_run)
        if outcome.detail.startswith("unknown:") and not outcome.unknown:
            continue  # told on an earlier run
        out.append(outcome)
    return out


# --------------------------------------------------------------------------- digest


def digest_period(schedule: DigestSchedule, now: datetime) -> tuple[date, bool]:
    """The latest digest day whose time has passed at ``now``, and whether it is more than
    3 days late (then it is skipped, not sent)."""
    here = now.astimezone(ZoneInfo(schedule.time_zone))
    day = here.date() - timedelta(days=(here.weekday() - schedule.day) % 7)
    moment = datetime.combine(day, schedule.time, tzinfo=here.tzinfo)
    if moment > here:
        day -= timedelta(days=7)
        moment -= timedelta(days=7)
    return day, here - moment > calendar.CATCH_UP


def sends_of(ctx: Context, read: Read, day: date) -> Sends:
    """What the ledger and the Log tab say of a project's reports and failed sends."""
    records = ctx.ledger.records(read.source)
    last: tuple[date, str] | None = None
    periods: set[tuple[str, str]] = set()
    for r in records:
        if r.job == "report" and r.kind in ("outcome", "done") and r.result:
            try:
                when = date.fromisoformat(r.period)
            except ValueError:
                continue
            if last is None or when >= last[0]:
                last = (when, r.result)
        if r.at[:10] >= (day - timedelta(days=TROUBLE_DAYS)).isoformat():
            periods.add((r.job, r.period))
    layout = read.project.layout if read.project is not None else None
    for when, _ in logtab.logged_periods(layout.log, "report") if layout else ():
        if last is None or when > last[0]:
            last = (when, "sent")
    troubles = []
    for job, period in sorted(periods):
        status = ctx.ledger.status(read.source, job, period)
        if status.state in ("failed", "unknown"):
            troubles.append(Trouble(job, period, status.state,
                                    status.detail or unknown_detail(status.message_id)))
    return Sends(last[0] if last else None, last[1] if last else "", tuple(troubles))


def digest_rows(projects: Sequence[Read], ctx: Context) -> tuple[Row, ...]:
    rows = []
    for read in projects:
        project = read.project
        sends = sends_of(ctx, read, ctx.now.date())
        if project is None:
            rows.append(digest.unreadable(read.source, read.error, sends))
            continue
        s = project.settings
        as_of = calendar.project_day(ctx.now, s)
        built = report_mod.build_report(project, rules.assess(project, as_of), as_of)
        dated = [u.date for u in project.updates if u.date <= as_of]
        upcoming = calendar.next_send_day(as_of - timedelta(days=1), s,
                                          calendar.report_anchor(project))
        rows.append(digest.row(read.source, built, sends, last_update=max(dated, default=None),
                               next_report=upcoming, problems=len(project.problems),
                               language=s.language, paused=s.reports_paused))
    return digest.ordered(rows)


def send_digest(rows: Sequence[Row], ctx: Context, to: tuple[str, ...], period: date, *,
                dry_run: bool = False, force: bool = False, language: str = "en") -> Outcome:
    if not to:
        return Outcome("digest", "skipped", detail="no recipients: set [digest] to in "
                                                   "sheetsync.toml or SHEETSYNC_DIGEST_TO")
    rendered = staff.render_digest(rows, period, language)
    return _send_once(ctx, agency_key("digest"), "digest", period.isoformat(), to, rendered,
                      dry_run=dry_run, force=force)


def digest_due(projects: Sequence[Read], ctx: Context) -> Outcome | None:
    """The weekly digest, when its day and time have passed and it has not gone; None when
    it is not due (or no one is to get it)."""
    schedule = ctx.digest
    if schedule is None or not schedule.to:
        return None
    period, too_late = digest_period(schedule, ctx.now)
    key = agency_key("digest")
    status = ctx.ledger.status(key, "digest", period.isoformat())
    if status.state in ("sent", "skipped", "done") or (
            status.state == "unknown" and any(r.kind == "done" for r in status.records)):
        return None
    if too_late:
        detail = f"the digest for {period.isoformat()} was missed by more than 3 days; not sent"
        ctx.ledger.done(key, "digest", period.isoformat(), at=ctx.now, result="skipped",
                        detail=detail)
        return Outcome("digest", "skipped", detail=detail)
    return send_digest(digest_rows(projects, ctx), ctx, schedule.to, period)
