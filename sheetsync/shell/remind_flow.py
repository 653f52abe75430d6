"""The client reminder of one project: what waits on the client, each item at its cadence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sheetsync.core import calendar, logtab, reminders, rules, workdays
from sheetsync.model import Settings
from sheetsync.render import emails as render
from sheetsync.shell import delivery, report_flow
from sheetsync.shell.context import Context
from sheetsync.shell.drafts import Draft, Sent
from sheetsync.shell.pipeline import Loaded, attempt

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def remind_loaded(loaded: Loaded, ctx: Context, *, as_of: date, dry_run: bool = False) -> Sent:
    """At most one reminder a project day listing what waits on the client, each item at
    its own cadence; never on Saturday, Sunday or the report day."""
    project = loaded.project
    s = project.settings
    source = loaded.backend.source
    quiet = Sent(source, s.name, "skipped", period=as_of.isoformat(),
                 api_requests=loaded.backend.api_requests)
    if calendar.no_reminder_on(as_of, s, calendar.report_anchor(project)):
        why = workdays.why_not(as_of, s)
        return replace(quiet, detail=f"no reminder on {WEEKDAYS[as_of.weekday()]}"
                                     + (f", {why}" if why else "") + ": never on Saturday, "
                                     "Sunday, a day off or a report day")
    if _report_went(ctx, source, as_of, s):
        return replace(quiet, detail="no reminder on a day a report went out")
    assessments = rules.assess(project, as_of)
    waiting = reminders.candidates(project, assessments, as_of)
    if not waiting:
        return replace(quiet, detail="nothing waits on the client")
    earlier = set(ctx.ledger.sent_items(source, "remind"))
    if project.layout is not None:
        earlier |= set(logtab.logged_items(project.layout.log, "remind"))
    reminder = reminders.select(waiting, sorted(earlier), as_of, s.reminder_every_days)
    if reminder is None:
        return replace(quiet, detail="every waiting item was mentioned less than "
                                     f"{s.reminder_every_days} days ago")
    subject, text, html = render.render_reminder(reminder, s,
                                                 report_flow.signer(ctx, as_of))
    sponsor = (s.sponsor_email,) if reminder.cc_sponsor and s.sponsor_email else ()
    draft = Draft("remind", as_of, subject, text, html, items=reminder.ids, extra_cc=sponsor)
    return delivery.deliver(loaded, draft, ctx, dry_run=dry_run)


def _report_went(ctx: Context, source: str, day: date, settings: Settings) -> bool:
    """Whether a report went out on this project day (a report caught up after downtime)."""
    for r in ctx.ledger.records(source):
        if r.job == "report" and r.kind == "outcome" and r.result == "sent":
            try:
                sent = calendar.local(datetime.fromisoformat(r.at), settings).date()
            except ValueError:
                continue
            if sent == day:
                return True
    return False


def remind(source: str, ctx: Context, *, as_of: date | None = None,
           dry_run: bool = False) -> Sent:
    """The client reminder of one SOURCE; errors become a ``failed`` outcome."""
    return attempt(source, ctx.open_source, ctx.now, as_of,
                   lambda loaded, day: remind_loaded(loaded, ctx, as_of=day, dry_run=dry_run),
                   lambda error, loaded: delivery.failed(source, error, loaded))
