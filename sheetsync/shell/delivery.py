"""The shell for emails: build, render and deliver a job's email at most once a period.

``deliver`` is shared by every email job: recipients only from the project's own Project
tab, an intent in the ledger before the send, the outcome after it, a row in the sheet's
Log tab, and an unknown outcome (a crash between the two) never resent by itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sheetsync.core import impact, reminders, rules, writeplan
from sheetsync.core import logtab as history
from sheetsync.core import report as report_mod
from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.host import ledger as ledger_mod
from sheetsync.host.config import Config
from sheetsync.host.ledger import Ledger
from sheetsync.mail import transport as mail
from sheetsync.mail.transport import Transport
from sheetsync.model import LogEntry, Message, Project
from sheetsync.render import emails as render
from sheetsync.shell.pipeline import Loaded, Opener, load, opener, project_day


@dataclass(frozen=True)
class Run:
    """The outside world of one run, handed to every project's flow."""

    open_source: Opener
    ledger: Ledger
    transport: Transport
    now: datetime
    sender: str
    nonce: Callable[[], str] = field(default=lambda: secrets.token_hex(6))


@dataclass(frozen=True)
class Sent:
    """The outcome of one project's email job (the ``report --json`` shape)."""

    source: str
    project: str
    result: str  # "sent", "skipped", "dry-run" or "failed"
    recipients: tuple[str, ...] = ()
    subject: str = ""
    message_id: str = ""
    detail: str = ""
    period: str = ""
    items: tuple[str, ...] = ()
    unknown: bool = False  # an earlier send of this period ended in an unknown state
    api_requests: int = 0
    message: Message | None = None  # what was (or, with dry_run, would be) sent


@dataclass(frozen=True)
class Draft:
    """An email a job wants to send for a period, before addresses and IDs are added."""

    job: str
    period: date
    subject: str
    text: str
    html: str
    items: tuple[str, ...] = ()
    extra_cc: tuple[str, ...] = ()
    once_in_days: int = 1  # at most one email of this job in any span this many days long


def _message(project: Project, draft: Draft, run: Run, source: str) -> Message:
    s = project.settings
    to = s.client_emails
    cc = tuple(a for a in dict.fromkeys((s.pm_email, *s.cc, *draft.extra_cc))
               if a and a.lower() not in {t.lower() for t in to})
    mid = history.message_id(draft.job, draft.period.isoformat(),
                             ledger_mod.project_key(source)[-10:], run.nonce(), run.sender)
    return Message(project=s.name, sender=run.sender, to=to, cc=cc, reply_to=s.pm_email,
                   subject=draft.subject, text=draft.text, html=draft.html, message_id=mid,
                   headers=(("X-Sheetsync-Job", draft.job),))


def deliver(loaded: Loaded, draft: Draft, run: Run, *, force: bool = False,
            dry_run: bool = False) -> Sent:
    """Send a draft at most once per (job, period): ledger intent, send, outcome, Log row."""
    source, project = loaded.backend.source, loaded.project
    s = project.settings
    period = draft.period.isoformat()
    base = Sent(source, s.name, "skipped", subject=draft.subject, period=period,
                items=draft.items)
    if not s.client_emails:
        return _with(base, loaded, detail="no recipients: the Project tab has no valid "
                                          "Client emails")
    message = _message(project, draft, run, source)
    base = replace(base, recipients=message.recipients, message=message)
    if dry_run:
        return _with(base, loaded, result="dry-run", message_id=message.message_id,
                     detail="rendered, not sent")
    if s.reports_paused:
        return _with(base, loaded, detail="paused: Reports paused is Yes in the Project tab")
    with run.ledger.lock(source):
        status = run.ledger.status(source, draft.job, period)
        logged = history.logged_sent(project.layout.log, draft.job, period) if (
            project.layout) else ""
        if not force and (status.state == "sent" or logged):
            return _with(base, loaded, message_id=status.message_id or logged,
                         detail=f"already sent for {period}")
        if not force and (near := _near_period(loaded, run, draft)) is not None:
            day, near_status = near
            if near_status.state == "unknown":  # it may have reached the client: never resend
                return _unknown(base, loaded, run, near_status, replace(draft, period=day))
            detail = (f"already sent this week (for {day.isoformat()}); "
                      "use --force to send again")
            run.ledger.done(source, draft.job, period, at=run.now, result="skipped",
                            detail=detail)
            return _with(base, loaded, message_id=near_status.message_id, detail=detail)
        if not force and status.state == "unknown":
            return _unknown(base, loaded, run, status, draft)
        run.ledger.intend(source, draft.job, period, at=run.now, message_id=message.message_id,
                          recipients=message.recipients, subject=message.subject,
                          items=draft.items, cc_sponsor=bool(draft.extra_cc))
        delivery = run.transport.send(message)
        run.ledger.outcome(source, draft.job, period, at=run.now,
                           message_id=message.message_id, result=delivery.result,
                           detail=delivery.detail, items=draft.items)
        sent = replace(base, result=delivery.result, message_id=message.message_id,
                       detail=delivery.detail)
        if delivery.result == "failed" and _failed_today(status, run.now.date()):
            return _with(sent, loaded)  # retried every run: one Log row a day is enough
        return _log(sent, loaded, run, draft.job)


def _near_period(loaded: Loaded, run: Run,
                 draft: Draft) -> tuple[date, ledger_mod.Status] | None:
    """Another period less than ``once_in_days`` away whose email was sent, or may have
    been (an intent with no outcome), by the ledger or the sheet's Log tab."""
    if draft.once_in_days <= 1:
        return None
    source = loaded.backend.source
    days = {date.fromisoformat(r.period) for r in run.ledger.records(source)
            if r.job == draft.job and _is_day(r.period)}
    logged = dict(history.logged_periods(loaded.project.layout.log, draft.job)
                  if loaded.project.layout is not None else ())
    for day in sorted(days | set(logged), reverse=True):
        if day == draft.period or abs((day - draft.period).days) >= draft.once_in_days:
            continue
        status = run.ledger.status(source, draft.job, day.isoformat())
        if status.state in ("sent", "unknown"):
            return day, status
        if day in logged:
            return day, ledger_mod.Status("sent", logged[day])
    return None


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _failed_today(status: ledger_mod.Status, day: date) -> bool:
    """Whether an earlier try of this period already failed today (and was logged)."""
    return any(r.kind == "outcome" and r.result == "failed" and r.at[:10] == day.isoformat()
               for r in status.records)


def _with(sent: Sent, loaded: Loaded, **changes: object) -> Sent:
    return replace(sent, api_requests=loaded.backend.api_requests, **changes)  # type: ignore[arg-type]


def _unknown(base: Sent, loaded: Loaded, run: Run, status: ledger_mod.Status,
             draft: Draft) -> Sent:
    """An intent with no outcome: never resend by itself; say so once in the Log tab."""
    detail = (f"unknown: an earlier send ({status.message_id}) was interrupted before its "
              "result was recorded; it was not sent again. Check with the client, then use "
              "--force to resend if it did not arrive.")
    sent = replace(base, message_id=status.message_id, detail=detail, unknown=True)
    source, period = loaded.backend.source, draft.period.isoformat()
    if not any(r.kind == "done" and r.result == "unknown" for r in status.records):
        run.ledger.done(source, draft.job, period, at=run.now, result="unknown", detail=detail)
        sent = _log(replace(sent, result="unknown"), loaded, run, draft.job)
        sent = replace(sent, result="skipped")
    return _with(sent, loaded)


def append_log(loaded: Loaded, entry: LogEntry) -> str:
    """Append one row to the sheet's Log tab; returns why not, or "" when written."""
    if not loaded.raw.can_write:
        return loaded.raw.write_refusal
    try:
        loaded.backend.apply(writeplan.build(loaded.project, problems=False, log=(entry,)))
    except SheetsyncError as exc:
        return str(exc)
    return ""


def _log(sent: Sent, loaded: Loaded, run: Run, job: str) -> Sent:
    """Append the Log row; a sent email stays sent even if the sheet cannot take the row."""
    detail = sent.detail
    if sent.items:  # so a host with an empty state dir still knows each item's cadence
        detail = history.items_detail(sent.items) + (f"; {detail}" if detail else "")
    entry = LogEntry(time=run.now, job=job, project=sent.project, recipients=sent.recipients,
                     subject=sent.subject, result=sent.result, message_id=sent.message_id,
                     detail=detail)
    why = append_log(loaded, entry)
    if why:
        sent = replace(sent, detail=(sent.detail + "; " if sent.detail else "")
                       + f"the Log tab could not be written ({why})")
    return _with(sent, loaded)


def failed(source: str, error: SheetsyncError, loaded: Loaded | None = None) -> Sent:
    name = loaded.project.settings.name if loaded else source
    requests = loaded.backend.api_requests if loaded else 0
    return Sent(source, name, "failed", detail=str(error), api_requests=requests)


def report_loaded(loaded: Loaded, run: Run, *, as_of: date, force: bool = False,
                  dry_run: bool = False) -> Sent:
    """Build, render and deliver the weekly report for the week that ends on ``as_of``."""
    project = loaded.project
    assessments = rules.assess(project, as_of)
    built = report_mod.build_report(project, assessments, as_of,
                                    impact=impact.slips(project, as_of))
    subject, text, html = render.render_report(built, project.settings)
    draft = Draft("report", as_of, subject, text, html, once_in_days=7)
    return deliver(loaded, draft, run, force=force, dry_run=dry_run)


def report(source: str, run: Run, *, as_of: date | None = None, force: bool = False,
           dry_run: bool = False) -> Sent:
    """The weekly client report of one SOURCE; errors become a ``failed`` outcome."""
    loaded: Loaded | None = None
    try:
        loaded = load(source, run.open_source)
        day = as_of or project_day(loaded.project, run.now)
        return report_loaded(loaded, run, as_of=day, force=force, dry_run=dry_run)
    except SheetsyncError as exc:
        return failed(source, exc, loaded)


def remind_loaded(loaded: Loaded, run: Run, *, as_of: date, dry_run: bool = False) -> Sent:
    """At most one reminder a project day listing what waits on the client, each item at
    its own cadence; never on Saturday, Sunday or the report day."""
    project = loaded.project
    s = project.settings
    source = loaded.backend.source
    quiet = Sent(source, s.name, "skipped", period=as_of.isoformat(),
                 api_requests=loaded.backend.api_requests)
    if as_of.weekday() in (5, 6) or as_of.weekday() == s.report_day:
        weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                   "Sunday")[as_of.weekday()]
        return replace(quiet, detail=f"no reminder on {weekday}: never on Saturday, Sunday "
                                     "or the report day")
    assessments = rules.assess(project, as_of)
    waiting = reminders.candidates(project, assessments, as_of)
    if not waiting:
        return replace(quiet, detail="nothing waits on the client")
    earlier = set(run.ledger.sent_items(source, "remind"))
    if project.layout is not None:
        earlier |= set(history.logged_items(project.layout.log, "remind"))
    reminder = reminders.select(waiting, sorted(earlier), as_of, s.reminder_every_days)
    if reminder is None:
        return replace(quiet, detail="every waiting item was mentioned less than "
                                     f"{s.reminder_every_days} days ago")
    subject, text, html = render.render_reminder(reminder, s)
    sponsor = (s.sponsor_email,) if reminder.cc_sponsor and s.sponsor_email else ()
    draft = Draft("remind", as_of, subject, text, html, items=reminder.ids, extra_cc=sponsor)
    return deliver(loaded, draft, run, dry_run=dry_run)


def remind(source: str, run: Run, *, as_of: date | None = None, dry_run: bool = False) -> Sent:
    """The client reminder of one SOURCE; errors become a ``failed`` outcome."""
    loaded: Loaded | None = None
    try:
        loaded = load(source, run.open_source)
        day = as_of or project_day(loaded.project, run.now)
        return remind_loaded(loaded, run, as_of=day, dry_run=dry_run)
    except SheetsyncError as exc:
        return failed(source, exc, loaded)


# --------------------------------------------------------------------------- wiring


def transport_for(cfg: Config) -> Transport:
    """The outbox when SHEETSYNC_OUTBOX is set or no SMTP host is, else SMTP (CONTRACT §5)."""
    if cfg.uses_outbox:
        return mail.open_transport(None, cfg.outbox_dir)
    smtp = cfg.smtp
    return mail.open_transport(
        mail.SmtpSettings(host=smtp.host, port=smtp.port, security=smtp.security,
                          user=smtp.user, password=smtp.password,
                          oauth2_file=smtp.oauth2_file, sender=sender_for(cfg),
                          timeout=smtp.timeout),
        None,
    )


def sender_for(cfg: Config) -> str:
    """The From address: SHEETSYNC_FROM, else the SMTP login, else a local one for the outbox."""
    if cfg.sender:
        return cfg.sender
    if "@" in cfg.smtp.user:
        return cfg.smtp.user
    if cfg.uses_outbox:
        return "sheetsync@localhost"
    raise ConfigError("no sender address; set SHEETSYNC_FROM (or from = \"...\" in "
                      "sheetsync.toml) to the address client emails come from.")


def run_for(cfg: Config, now: datetime) -> Run:
    return Run(open_source=opener(cfg), ledger=Ledger(cfg.state_dir),
               transport=transport_for(cfg), now=now, sender=sender_for(cfg))
