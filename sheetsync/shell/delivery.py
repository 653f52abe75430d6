"""Send once: deliver a job's email at most once a period, and settle a send of unknown fate.

``deliver`` is shared by every email job: recipients only from the project's own Project
tab, an intent in the ledger before the send, the outcome after it, a row in the sheet's
Log tab, and an unknown outcome (a crash between the two) never resent by itself
(``settle_unknown``, which ``sheetsync run`` uses too). A Log row the sheet refuses is kept
in the ledger and written by the next run (``keep_log``, ``write_pending_logs``); the job
then fails with a sentence naming the tab and the fix, though the email went out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sheetsync.core import logtab, parse, schema, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import SheetsyncError
from sheetsync.host.ledger import PeriodStatus
from sheetsync.model import LogEntry, Message, OwnedTab
from sheetsync.shell import drafts
from sheetsync.shell.context import Context
from sheetsync.shell.drafts import Draft, Sent
from sheetsync.shell.pipeline import Loaded


def deliver(loaded: Loaded, draft: Draft, ctx: Context, *, force: bool = False,
            dry_run: bool = False) -> Sent:
    """Send a draft at most once per (job, period): ledger intent, send, outcome, Log row."""
    source, project = loaded.backend.source, loaded.project
    s = project.settings
    period = draft.period.isoformat()
    base = Sent(source, s.name, "skipped", subject=draft.subject, period=period,
                items=draft.items)
    if draft.to is None and not s.client_emails:
        return _with(base, loaded, detail="no recipients: the Project tab has no valid "
                                          "Client emails")
    if draft.to is not None and not draft.to:
        return _with(base, loaded, detail="no recipients: the Project tab has no valid "
                                          "Team emails or PM email")
    message = drafts.message(project, draft, ctx, source)
    base = replace(base, recipients=message.recipients, message=message)
    if dry_run:
        return _with(base, loaded, result="dry-run", message_id=message.message_id,
                     detail="rendered, not sent")
    if s.reports_paused and draft.to is None:
        return _with(base, loaded, detail="paused: Reports paused is Yes in the Project tab")
    with ctx.ledger.lock(source):
        write_pending_logs(loaded, ctx)  # an earlier run's rows first, in their order
        status = ctx.ledger.status(source, draft.job, period)
        logged = logtab.logged_sent(project.layout.log, draft.job, period) if (
            project.layout) else ""
        if not force and (status.state == "sent" or logged):
            return _with(base, loaded, message_id=status.message_id or logged,
                         detail=f"already sent for {period}")
        if not force and (near := _near_period(loaded, ctx, draft)) is not None:
            day, near_status = near
            if near_status.state == "unknown":  # it may have reached the client: never resend
                return _unknown(base, loaded, ctx, near_status, replace(draft, period=day))
            detail = (f"already sent this week (for {day.isoformat()}); "
                      "use --force to send again")
            ctx.ledger.done(source, draft.job, period, at=ctx.now, result="skipped",
                            detail=detail)
            return _with(base, loaded, message_id=near_status.message_id, detail=detail)
        if not force and status.state == "unknown":
            return _unknown(base, loaded, ctx, status, draft)
        verdict, said = claim(loaded, ctx, draft.job, period, message, force=force,
                              announce=not _failed_today(status, ctx.now.date()))
        if verdict == "unknown":  # another run announced it and never said how it ended
            return _unknown(base, loaded, ctx, PeriodStatus("unknown", said), draft,
                            why="was announced in the Log tab by another run (a 'sending' "
                                "row) that never recorded how it ended")
        if verdict == "skip":
            ctx.ledger.done(source, draft.job, period, at=ctx.now, result="skipped",
                            detail=said)
            return _with(base, loaded, detail=said)
        ctx.ledger.intend(source, draft.job, period, at=ctx.now, message_id=message.message_id,
                          recipients=message.recipients, subject=message.subject,
                          items=draft.items, cc_sponsor=bool(draft.extra_cc))
        delivery = ctx.transport.send(message)
        if delivery.result == "unknown":  # stored, perhaps, then the line dropped: one policy
            # with a crash here: the intent stays open, never resent by itself, told once
            status = ctx.ledger.status(source, draft.job, period)
            return _unknown(base, loaded, ctx, status, draft, why=delivery.detail)
        ctx.ledger.outcome(source, draft.job, period, at=ctx.now,
                           message_id=message.message_id, result=delivery.result,
                           detail=delivery.detail, items=draft.items)
        sent = replace(base, result=delivery.result, message_id=message.message_id,
                       detail=delivery.detail)
        if delivery.result == "failed" and _failed_today(status, ctx.now.date()):
            return _with(sent, loaded)  # retried every run: one Log row a day is enough
        return _log(sent, loaded, ctx, draft.job)


def _near_period(loaded: Loaded, ctx: Context,
                 draft: Draft) -> tuple[date, PeriodStatus] | None:
    """Another period less than ``once_in_days`` away whose email was sent, or may have
    been (an intent with no outcome), by the ledger or the sheet's Log tab; a scheduled
    period of its own (``distinct``: a report moved before a holiday) never counts."""
    if draft.once_in_days <= 1:
        return None
    source = loaded.backend.source
    days = {date.fromisoformat(r.period) for r in ctx.ledger.records(source)
            if r.job == draft.job and _is_day(r.period)}
    logged = dict(logtab.logged_periods(loaded.project.layout.log, draft.job)
                  if loaded.project.layout is not None else ())
    for day in sorted(days | set(logged), reverse=True):
        if day == draft.period or abs((day - draft.period).days) >= draft.once_in_days or (
                day in draft.distinct):
            continue
        status = ctx.ledger.status(source, draft.job, day.isoformat())
        if status.state in ("sent", "unknown"):
            return day, status
        if day in logged:
            return day, PeriodStatus("sent", logged[day])
    return None


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _failed_today(status: PeriodStatus, day: date) -> bool:
    """Whether an earlier try of this period already failed today (and was logged)."""
    return any(r.kind == "outcome" and r.result == "failed" and r.at[:10] == day.isoformat()
               for r in status.records)


def _with(sent: Sent, loaded: Loaded, **changes: object) -> Sent:
    return replace(sent, api_requests=loaded.backend.api_requests, **changes)  # type: ignore[arg-type]


def _unknown(base: Sent, loaded: Loaded, ctx: Context, status: PeriodStatus,
             draft: Draft, why: str = "") -> Sent:
    """An email that may have reached the client: result ``unknown`` (exit 1), told once."""
    detail, _told_now, why = settle_unknown(loaded, ctx, draft.job, draft.period.isoformat(),
                                           status, recipients=base.recipients,
                                           subject=draft.subject, items=draft.items, why=why)
    sent = replace(base, result="unknown", message_id=status.message_id, detail=detail,
                   unknown=True)
    if why:
        sent = replace(sent, detail=f"{detail}; {why}", log_pending=why)
    return _with(sent, loaded)


# --------------------------------------------------------------------------- across hosts


def claim(loaded: Loaded, ctx: Context, job: str, period: str, message: Message, *,
          force: bool, announce: bool = True) -> tuple[str, str]:
    """The sheet as the guard across hosts and state dirs: a ``sending`` Log row before the
    send, in a write whose answer carries the Log as it stands just after it (one request
    on Google; in ``run`` the same write as the day's flags, see ``shell.batching``). ("go",
    ""), ("skip", why: another run sent it or announced it first) or ("unknown", the
    Message-ID another run announced and never settled).

    A sheet that takes no Log row (read-only, Log protected) gives no guard: "go", as before;
    nor does a retry after a failure already logged today (``announce`` False).
    """
    layout = loaded.project.layout
    if layout is None or not loaded.raw.can_write:
        return "go", ""
    mine = message.message_id
    others = [m for m in logtab.open_sending(layout.log, job, period) if m != mine]
    if others and not force:
        return "unknown", others[0]
    if not announce:  # a retry after today's logged failure: its outcome gets no row either
        return "go", ""
    log, refused = _announce(loaded, _row(loaded, ctx, job, message, logtab.SENDING,
                                          "sending: the next row of this Message-ID says how "
                                          "it ended"))
    if refused or log is None or force:
        return "go", ""
    why = ""
    if sent := logtab.logged_sent(log, job, period):
        why = f"already sent for {period} by another run ({sent})"
    elif (first := logtab.open_sending(log, job, period)) and first[0] != mine:
        why = f"another run announced it first ({first[0]}), so it was not sent twice"
    if not why:
        return "go", ""
    append_log(loaded, _row(loaded, ctx, job, message, "skipped", why))  # settles ours
    return "skip", why


def _announce(loaded: Loaded, entry: LogEntry) -> tuple[OwnedTab | None, str]:
    """Append the ``sending`` row and see the Log just after it: (the Log, "") or (None, why
    the sheet refused the row). A backend whose write cannot answer with the Log is read."""
    plan = replace(writeplan.build(loaded.project, problems=False, log=(entry,)),
                   echo_log=True)
    try:
        tab = loaded.backend.apply(plan)
    except SheetsyncError as exc:
        return None, str(exc)
    if tab is not None:
        return parse.owned_tab(tab, schema.LOG, loaded.project.settings.language), ""
    fresh = parse_workbook(loaded.backend.read(), loaded.backend.source).layout
    return (fresh.log if fresh is not None else None), ""


def _row(loaded: Loaded, ctx: Context, job: str, message: Message, result: str,
         detail: str) -> LogEntry:
    return LogEntry(ctx.now, job, loaded.project.settings.name, message.recipients,
                    message.subject, result, message.message_id, detail)


# --------------------------------------------------------------------------- unknown sends


def unknown_detail(message_id: str, why: str = "") -> str:
    """What an admin reads of a send whose fate is unknown, and the two ways to settle it."""
    what = why or "was interrupted before its result was recorded"
    return (f"unknown: a send ({message_id}) {what}; it was not sent again. Ask the client "
            "whether it arrived, then record it with `sheetsync resolve SOURCE --period "
            "DATE --sent` (it arrived) or `--resend` (send it again at the next run).")


def told(status: PeriodStatus) -> bool:
    """Whether an unknown period was already reported (see ``settle_unknown``)."""
    return any(r.kind == "done" and r.result == "unknown" for r in status.records)


def settle_unknown(loaded: Loaded, ctx: Context, job: str, period: str, status: PeriodStatus,
                   *, recipients: tuple[str, ...] = (), subject: str = "",
                   items: tuple[str, ...] = (), why: str = "") -> tuple[str, bool, str]:
    """An intent with no outcome: never resend by itself; say so once (ledger, Log row).

    Returns the detail, whether it was told now (not on an earlier run), and why the Log
    row could not be written ("" when it was, or nothing was to write). The Log row names
    what the interrupted send was for (its intent's recipients, subject and items).
    """
    detail = unknown_detail(status.message_id, why)
    if told(status):
        return detail, False, ""
    intent = next((r for r in reversed(status.records)
                   if r.kind == "intent" and r.message_id == status.message_id), None)
    if intent is not None:
        recipients, subject = intent.recipients or recipients, intent.subject or subject
        items = intent.items or items
    ctx.ledger.done(loaded.backend.source, job, period, at=ctx.now, result="unknown",
                    detail=detail)
    logged = logtab.items_detail(items) + f"; {detail}" if items else detail
    why = keep_log(loaded, ctx, period, LogEntry(ctx.now, job, loaded.project.settings.name,
                                                 recipients, subject, "unknown",
                                                 status.message_id, logged))
    return detail, True, why


# --------------------------------------------------------------------------- the Log tab


def append_log(loaded: Loaded, *entries: LogEntry) -> str:
    """Append rows to the sheet's Log tab, in one write; returns why not, or "" when written."""
    if not loaded.raw.can_write:
        return loaded.raw.write_refusal
    try:
        loaded.backend.apply(writeplan.build(loaded.project, problems=False, log=entries))
    except SheetsyncError as exc:
        return str(exc)
    return ""


def keep_log(loaded: Loaded, ctx: Context, period: str, entry: LogEntry) -> str:
    """Append a send's Log row; if the sheet refuses it, keep it in the ledger for the next
    run and return the sentence that says so ("" when written, or when the workbook is one
    sheetsync never writes, which its Problems tab already says)."""
    why = append_log(loaded, entry)
    if not why or not loaded.raw.can_write:
        return ""
    ctx.ledger.log_pending(loaded.backend.source, entry.job, period, at=entry.time,
                           message_id=entry.message_id, result=entry.result,
                           detail=entry.detail, recipients=entry.recipients,
                           subject=entry.subject)
    return _unlogged(loaded, entry.job, why)


def _unlogged(loaded: Loaded, job: str, why: str) -> str:
    tab = loaded.project.layout.log.name if loaded.project.layout else "Log"
    return (f"the {job} row could not be added to the tab {tab!r} ({why.rstrip('.')}); "
            "sheetsync keeps it and adds it at the next run once that is fixed.")


def write_pending_logs(loaded: Loaded, ctx: Context) -> str:
    """Write the Log rows earlier runs could not, oldest first; the sentence if still not."""
    source = loaded.backend.source
    for pending in ctx.ledger.pending_logs(source):
        entry = LogEntry(datetime.fromisoformat(pending.at), pending.job,
                         loaded.project.settings.name, pending.recipients, pending.subject,
                         pending.result, pending.message_id, pending.detail)
        why = append_log(loaded, entry)
        if why:
            return _unlogged(loaded, pending.job, why) if loaded.raw.can_write else ""
        ctx.ledger.logged(source, pending)
    return ""


def _log(sent: Sent, loaded: Loaded, ctx: Context, job: str) -> Sent:
    """Append the Log row; a sent email stays sent even if the sheet cannot take the row."""
    detail = sent.detail
    if sent.items:  # so a host with an empty state dir still knows each item's cadence
        detail = logtab.items_detail(sent.items) + (f"; {detail}" if detail else "")
    entry = LogEntry(time=ctx.now, job=job, project=sent.project, recipients=sent.recipients,
                     subject=sent.subject, result=sent.result, message_id=sent.message_id,
                     detail=detail)
    why = keep_log(loaded, ctx, sent.period, entry)
    if why:
        sent = replace(sent, detail=(sent.detail + "; " if sent.detail else "") + why,
                       log_pending=why)
    return _with(sent, loaded)


def failed(source: str, error: SheetsyncError, loaded: Loaded | None = None) -> Sent:
    """A job that could not run for this SOURCE, as its outcome."""
    name = loaded.project.settings.name if loaded else source
    requests = loaded.backend.api_requests if loaded else 0
    return Sent(source, name, "failed", detail=str(error), api_requests=requests)
