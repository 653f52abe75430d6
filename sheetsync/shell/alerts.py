"""Telling the admin: one email when a project fails or a send ended in an unknown state.

At most once per problem per day (the ledger remembers which were told), to
``SHEETSYNC_ADMIN_EMAIL``; an alert that could not be sent is tried again by the next run.
Nothing here is sent to a client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from html import escape

from sheetsync.errors import SheetsyncError
from sheetsync.model import Delivery, Message
from sheetsync.shell.context import Context
from sheetsync.shell.reconcile import ProjectRun
from sheetsync.shell.summaries import count


def _problems(results: Sequence[ProjectRun]) -> list[tuple[str, str]]:
    """(key, sentence) of each thing the admin should hear about."""
    out = []
    for r in results:
        if r.error:
            out.append((f"{r.source}|read|{r.error}", f"{r.source}: could not be read: {r.error}"))
        for a in r.actions:
            if a.result == "failed":
                out.append((f"{r.source}|{a.job}|{a.detail}",
                            f"{r.project}: {a.job} failed: {a.detail}"))
            elif a.unknown:
                out.append((f"{r.source}|{a.job}|unknown",
                            f"{r.project}: {a.job} ended in an unknown state: {a.detail}"))
    return out


RUNBOOK = ("What to do: see the runbook in docs/admin.md. A failed project is tried again on "
           "the next run; an unknown send is never resent by itself: check with the client, "
           "then 'sheetsync report SOURCE --as-of DATE --force' if it did not arrive.")


def subject(problems: int) -> str:
    """"sheetsync: 1 problem needs you" / "sheetsync: 2 problems need you"."""
    return f"sheetsync: {count(problems, 'problem')} {'needs' if problems == 1 else 'need'} you"


def alert(results: Sequence[ProjectRun], run: Context, admin: str) -> Delivery | None:
    """Email the admin about what is new today; None when there is nothing to tell."""
    if not admin:
        return None
    day = run.now.date()
    keys, fresh = [], []
    for key, sentence in _problems(results):
        digest = hashlib.sha256(key.encode()).hexdigest()
        if run.ledger.first_alert_today(digest, day):
            keys.append(digest)
            fresh.append(sentence)
    if not fresh:
        return None
    text = "sheetsync needs you:\n\n" + "\n".join(f"- {s}" for s in fresh) + "\n\n" + RUNBOOK
    html = ("<p>sheetsync needs you:</p><ul>" + "".join(f"<li>{escape(s)}</li>" for s in fresh)
            + f"</ul><p>{escape(RUNBOOK)}</p>")
    domain = run.sender.rpartition("@")[2].strip(" >") or "sheetsync.invalid"
    message = Message(project="sheetsync alerts", sender=run.sender, to=(admin,),
                      subject=subject(len(fresh)),
                      text=text, html=html,
                      message_id=f"<sheetsync.alert.{day.isoformat()}.{run.nonce()}@{domain}>",
                      headers=(("X-Sheetsync-Job", "alert"),))
    try:
        delivery = run.transport.send(message)
    except SheetsyncError:
        _forget(run, keys, day)
        raise
    if delivery.result != "sent":  # the admin was not told: the next run tries again
        _forget(run, keys, day)
    return delivery


def _forget(run: Context, keys: Sequence[str], day: date) -> None:
    for digest in keys:
        run.ledger.forget_alert(digest, day)
