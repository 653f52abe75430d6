"""An email a job wants to send (``Draft``), the message it becomes, and its outcome (``Sent``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sheetsync.core import logtab
from sheetsync.host import ledger as ledger_mod
from sheetsync.model import Message, Project
from sheetsync.shell.context import Context


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
    log_pending: str = ""  # why its Log row is not in the sheet yet (the next run adds it)
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
    once_in_days: int = 1  # at most one email of this job in any span this many days long,
    distinct: frozenset[date] = frozenset()  # except on these other scheduled periods
    to: tuple[str, ...] | None = None  # an internal email's recipients (else Client emails)


def message(project: Project, draft: Draft, ctx: Context, source: str) -> Message:
    """The draft addressed from the Project tab (client To, PM and CC copied) with a new ID;
    an internal draft (``to`` set) goes to its own recipients only."""
    s = project.settings
    to = s.client_emails if draft.to is None else draft.to
    copied = (s.pm_email, *s.cc, *draft.extra_cc) if draft.to is None else draft.extra_cc
    cc = tuple(a for a in dict.fromkeys(copied)
               if a and a.lower() not in {t.lower() for t in to})
    mid = logtab.message_id(draft.job, draft.period.isoformat(),
                            ledger_mod.project_key(source)[-10:], ctx.nonce(), ctx.sender)
    return Message(project=s.name, sender=ctx.sender, to=to, cc=cc, reply_to=s.pm_email,
                   subject=draft.subject, text=draft.text, html=draft.html, message_id=mid,
                   headers=(("X-Sheetsync-Job", draft.job),))
