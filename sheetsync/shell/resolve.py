"""``sheetsync resolve``: the admin settles a send of unknown fate, in the ledger and the Log.

A send is unknown when it may have reached the client (a crash mid-send, or a connection
lost after the server took the whole message). sheetsync never resends it by itself; the
admin asks the client and records the answer:

- ``--sent``: it arrived. The ledger gets the outcome ``sent``, the Log tab a ``sent`` row
  with the same Message-ID, so every host (and the sheet) knows the period is done.
- ``--resend``: it did not arrive. The ledger closes the send as ``failed`` and records the
  decision (a ``done`` record with result ``resend``), the Log tab a ``failed`` row saying
  so; the next run (or ``report``) sends it again.
"""

from __future__ import annotations

from datetime import date

from sheetsync.errors import ConfigError
from sheetsync.model import LogEntry
from sheetsync.shell import delivery
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import load

JOBS = ("report", "remind")


def resolve(source: str, ctx: Context, job: str, period: date, *, arrived: bool) -> str:
    """Record the admin's word on the unknown ``job`` send for ``period``; one sentence.

    ``ConfigError`` (exit 2) when that send is not unknown: nothing to resolve.
    """
    day = period.isoformat()
    with ctx.ledger.lock(source):
        status = ctx.ledger.status(source, job, day)
        if status.state != "unknown":
            raise ConfigError(
                f"the {job} of {source} for {day} is not unknown (it is "
                f"{status.state.replace('none', 'not recorded')}), so there is nothing to "
                "resolve; `sheetsync doctor` lists the sends that are.")
        loaded = load(source, ctx.open_source)
        intent = next((r for r in reversed(status.records)
                       if r.kind == "intent" and r.message_id == status.message_id), None)
        recipients, subject = (intent.recipients, intent.subject) if intent else ((), "")
        if arrived:
            detail = "resolved by the admin: it arrived"
            ctx.ledger.outcome(source, job, day, at=ctx.now, message_id=status.message_id,
                               result="sent", detail=detail, items=intent.items if intent
                               else ())
            result = "sent"
        else:
            detail = "resolved by the admin: it did not arrive; sent again at the next run"
            ctx.ledger.outcome(source, job, day, at=ctx.now, message_id=status.message_id,
                               result="failed", detail=detail)  # the intent is closed
            ctx.ledger.done(source, job, day, at=ctx.now, result="resend", detail=detail)
            result = "failed"
        why = delivery.keep_log(loaded, ctx, day, LogEntry(
            ctx.now, job, loaded.project.settings.name, recipients, subject, result,
            status.message_id, detail))
    said = (f"{loaded.project.settings.name}: the {job} for {day} ({status.message_id}) is "
            + ("recorded as sent; it will not be sent again." if arrived else
               "recorded as not arrived; the next run sends it again."))
    return said + (f" Note: {why}" if why else "")
