"""The retrospective of one project: figures, the document, and (``--send``) the email
that takes it to the team.

Reading is all it does to the sheet, except the one Log row of a send. The email goes to
the Team emails (else the PM email), never to the client: the team shows the document at
the meeting. It is sent whenever asked (no once-a-period rule: it is a command a person
runs), from the same outbox or SMTP server as every other email.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sheetsync.core import history, logtab
from sheetsync.core import retro as retro_mod
from sheetsync.errors import SheetsyncError
from sheetsync.host import ledger as ledger_mod
from sheetsync.model import LogEntry, Message
from sheetsync.render.retro import render_retro
from sheetsync.shell.context import Context
from sheetsync.shell.delivery import append_log
from sheetsync.shell.pipeline import Loaded, Opener, attempt


@dataclass(frozen=True)
class RetroOutcome:
    source: str
    retro: retro_mod.Retro | None = None
    subject: str = ""
    text: str = ""
    html: str = ""
    sent: str = ""  # "", "sent", "failed" or "skipped"
    recipients: tuple[str, ...] = ()
    detail: str = ""
    error: SheetsyncError | None = None


def build(loaded: Loaded, as_of: date, start: date | None, end: date | None) -> RetroOutcome:
    project = loaded.project
    layout = project.layout
    recorded = history.read(layout.history if layout else None)
    figures = retro_mod.retro(project, recorded, as_of, start=start, end=end)
    subject, text, html = render_retro(figures, project.settings)
    return RetroOutcome(loaded.backend.source, figures, subject, text, html)


def send(loaded: Loaded, outcome: RetroOutcome, ctx: Context) -> RetroOutcome:
    """Mail the document to the Team emails and add a Log row (``Job`` = retro)."""
    s = loaded.project.settings
    if not s.team:
        return replace(outcome, sent="skipped",
                        detail="no recipients: the Project tab has no valid Team emails and "
                               "no PM email")
    assert outcome.retro is not None
    period = outcome.retro.as_of.isoformat()
    mid = logtab.message_id("retro", period, ledger_mod.project_key(outcome.source)[-10:],
                            ctx.nonce(), ctx.sender)
    message = Message(project=s.name, sender=ctx.sender, to=s.team, subject=outcome.subject,
                      text=outcome.text, html=outcome.html, message_id=mid,
                      reply_to=s.pm_email, headers=(("X-Sheetsync-Job", "retro"),))
    delivery = ctx.transport.send(message)
    entry = LogEntry(time=ctx.now, job="retro", project=s.name, recipients=message.recipients,
                     subject=message.subject, result=delivery.result, message_id=mid,
                     detail=delivery.detail)
    why = append_log(loaded, entry)
    detail = delivery.detail + (f"; the Log tab could not be written ({why})" if why else "")
    return replace(outcome, sent=delivery.result, recipients=message.recipients,
                    detail=detail.strip("; "))


def retro(source: str, open_source: Opener, now: datetime, *, as_of: date | None,
          start: date | None = None, end: date | None = None,
          ctx: Context | None = None) -> RetroOutcome:
    """The retrospective of one SOURCE (as of ``as_of``, else today in the project's time
    zone); mailed when ``ctx`` is given; an error becomes the outcome's ``error``."""

    def body(loaded: Loaded, day: date) -> RetroOutcome:
        outcome = build(loaded, day, start, end)
        return send(loaded, outcome, ctx) if ctx is not None else outcome

    return attempt(source, open_source, now, as_of, body,
                   lambda error, loaded: RetroOutcome(source, error=error))
