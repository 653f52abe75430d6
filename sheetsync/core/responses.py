"""What a client's reply means for the sheet (CONTRACT section 6), as pure functions.

Two halves:

- ``decide``: one reply, checked against one project, becomes one ``Responses`` row whose
  ``Result`` is ``applied`` or ``ignored: <why>``. Nothing else is written: the sheet
  remembers a response only through that row.
- ``overlay``: the applied rows, read back from the ``Responses`` tab, are laid over the
  staff's cells where those are blank, so every rule, report and reminder sees them
  without knowing where they came from. A value staff typed always wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.utils import parseaddr

from sheetsync.core import cells, replies, schema, tokens
from sheetsync.core.cells import Bad
from sheetsync.core.replies import Parsed, Reply
from sheetsync.core.schema import norm
from sheetsync.model import Change, ChangeStatus, Milestone, Owner, Project, Status

APPLIED = "applied"
IGNORED = "ignored: "
FIELDS = tuple(schema.COLUMNS[schema.RESPONSES])  # time, from, item, ... in column order
# Why a reply was ignored, as the Result column says it (English: the PM reads the codes
# the same in every project; the sheet guide explains each one).
REASONS = {
    "bad_token": "the token is not valid (forged or altered)",
    "no_token": "no token in the subject",
    "other_item": "the token is for another item ({detail})",
    "other_project": "the token is for another project ({detail})",
    "expired": "the token expired (issued {detail}, valid 60 days)",
    "future": "the token is dated in the future",
    "unknown_sender": "{detail} is not a client address of this project",
    "several_senders": "the message has more than one sender",
    "dkim": "the DKIM signature failed ({detail})",
    "too_large": "the message is too large to read ({detail})",
    "charset": "the text cannot be read (charset {detail})",
    "subject": "the subject holds line breaks or control characters",
    "item_gone": "item {detail} is no longer in the sheet",
    "not_offered": "{detail}",
    "no_date": "no date found in the reply",
    "past_date": "the new date {detail} has already passed",
}


@dataclass(frozen=True)
class Response:
    """One row of the Responses tab."""

    time: str  # "YYYY-MM-DD HH:MM" in the project's time zone
    sender: str
    item: str
    action: str
    value: str
    message_id: str
    result: str
    dkim: str = ""

    @property
    def applied(self) -> bool:
        return self.result.strip().casefold() == APPLIED

    @property
    def day(self) -> date | None:
        found = cells.parse_date(self.time[:10])
        return found if isinstance(found, date) else None

    def row(self) -> tuple[str, ...]:
        return (self.time, self.sender, self.item, self.action, self.value, self.message_id,
                self.result, self.dkim)


def ignored(reason: str, detail: str = "") -> str:
    return IGNORED + REASONS[reason].format(detail=detail)


def clean(text: str, limit: int = 500) -> str:
    """Text for a cell: one line, no control characters, cut to ``limit``."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text or "").split())
    return text[:limit]


def client_addresses(project: Project) -> frozenset[str]:
    s = project.settings
    return frozenset(a.casefold() for a in (*s.client_emails, s.sponsor_email) if a)


def find_project(parsed: Parsed, projects: Sequence[Project]) -> Project | None:
    """The project a reply's subject names: exactly (or as the subject cut a long name,
    ``replies.shown``), else the longest name it starts with (a subject with junk after the
    name still reaches its project, to be refused there)."""
    text = norm(parsed.project_text)
    if not text:
        return None
    exact = [p for p in projects if text in (norm(p.settings.name),
                                             norm(replies.shown(p.settings.name)))]
    if exact:
        return exact[0]
    starts = [p for p in projects if norm(p.settings.name) and text.startswith(
        norm(p.settings.name))]
    return max(starts, key=lambda p: len(p.settings.name), default=None)


def find_by_token(parsed: Parsed, projects: Sequence[Project], secret: bytes, today: date
                  ) -> tuple[Project, str] | None:
    """The project and item a subject's token was signed for, when the subject no longer
    names them in clear (a mail program that could not write the ``·``, a client who cut
    the subject): every message carrying a token still gets its row. An expired token is
    found too, to be refused there."""
    if parsed.token is None:
        return None
    for p in projects:
        for item in dict.fromkeys((*(m.id for m in p.milestones), *(c.id for c in p.changes))):
            verdict = tokens.verify(secret, parsed.token, p.settings.name, item, today)
            if verdict.reason in ("", "expired", "future"):  # the MAC matched
                return p, item
    return None


def _first(rows: Iterable[Milestone], key: str) -> Milestone | None:
    return next((m for m in rows if m.id == key), None)


def _offer_problem(project: Project, item: str, action: str) -> tuple[str, str] | None:
    """Why this action cannot apply to this item now, or None when it can."""
    if action in ("approve", "decline"):
        change = next((c for c in project.changes if c.id == item), None)
        if change is None:
            return "item_gone", item
        if change.status is not ChangeStatus.PROPOSED or change.client_approved is not None:
            return "not_offered", f"change {item} is already decided in the sheet"
        return None
    m = _first(project.milestones, item)
    if m is None:
        return "item_gone", item
    if action in ("confirm", "changes"):
        if m.owner is not Owner.TEAM or m.status is not Status.DONE:
            return "not_offered", f"{item} is not a delivered milestone waiting for acceptance"
        if m.client_confirmed is True or m.changes_note is not None:
            return "not_offered", f"{item} is already settled in the sheet"
        return None
    if m.owner is not Owner.CLIENT or m.closed:
        return "not_offered", f"{item} is not an open client item"
    return None


@dataclass(frozen=True)
class Context:
    """What ``decide`` needs besides the reply: the run's day and the other projects."""

    secret: bytes
    today: date  # the project's day at the run's moment
    time: str  # "YYYY-MM-DD HH:MM" in the project's time zone
    others: tuple[tuple[str, tuple[str, ...]], ...] = ()  # other projects' names and IDs


def decide(reply: Reply, parsed: Parsed, project: Project, ctx: Context) -> Response:
    """The Responses row of one tokened reply to ``project``: applied or ignored, and why."""

    def row(result: str, value: str = "") -> Response:
        who = (f"{reply.sender_name} <{reply.sender}>" if reply.sender_name and reply.sender
               else reply.sender or reply.sender_name)
        return Response(ctx.time, clean(who, 200),
                        clean(parsed.item, 60), clean(action, 20), clean(value),
                        clean(reply.message_id, 250), result, clean(reply.dkim, 200))

    action = parsed.token.action if parsed.token else ""
    if reply.problem == "too_large":
        return row(ignored("too_large", f"{reply.size // 1024} KB"))
    if not parsed.subject_clean:
        return row(ignored("subject"))
    if parsed.token is None:
        return row(ignored("no_token"))
    ids = tuple(dict.fromkeys((*(m.id for m in project.milestones),
                               *(c.id for c in project.changes))))
    verdict = tokens.verify(ctx.secret, parsed.token, project.settings.name, parsed.item,
                            ctx.today, items=ids, projects=ctx.others)
    if not verdict.ok:
        return row(ignored(verdict.reason, verdict.detail))
    if reply.problem == "several_senders" or not reply.sender:
        return row(ignored("several_senders"))
    if reply.sender.casefold() not in client_addresses(project):
        return row(ignored("unknown_sender", reply.sender))
    if reply.dkim.startswith("fail"):
        return row(ignored("dkim", reply.dkim[5:] or "no detail"))
    if reply.problem.startswith("charset"):
        return row(ignored("charset", reply.problem[8:]))
    offer = _offer_problem(project, parsed.item, action)
    if offer is not None:
        return row(ignored(*offer))
    if action == "date":
        promised = replies.first_date(parsed.words, project.settings.date_order)
        if promised is None:
            return row(ignored("no_date"), parsed.words)
        if promised < ctx.today:
            return row(ignored("past_date", promised.isoformat()), parsed.words)
        return row(APPLIED, promised.isoformat())
    value = {"changes": parsed.words, "approve": "Yes", "decline": "No"}.get(action, "")
    return row(APPLIED, value)


# --------------------------------------------------------------------------- the tab, read back


def read_rows(rows: Sequence[Sequence[str]]) -> tuple[Response, ...]:
    """The Responses tab's rows (header first, as read) as ``Response`` values; columns are
    found by their headers in either language, else taken in the order sheetsync writes."""
    if not rows:
        return ()
    found = {schema.column_key(schema.RESPONSES, h): i for i, h in enumerate(rows[0])}
    where = [found.get(key, i) for i, key in enumerate(FIELDS)]
    out = []
    for r in rows[1:]:
        values = [str(r[i]).strip() if i < len(r) else "" for i in where]
        if any(values):
            out.append(Response(*values))
    return tuple(out)


def seen_ids(responses: Iterable[Response]) -> frozenset[str]:
    return frozenset(r.message_id.strip() for r in responses if r.message_id.strip())


def _latest(responses: Iterable[Response], actions: set[str]) -> dict[str, Response]:
    """Each item's latest applied response among ``actions`` (rows are in time order)."""
    out: dict[str, Response] = {}
    for r in responses:
        if r.applied and r.action.strip() in actions and r.day is not None:
            out[r.item.strip()] = r
    return out


def _who(r: Response) -> str:
    """The name the report gives: the sender's display name, else their address."""
    name, address = parseaddr(r.sender)
    return name.strip() or address or r.sender.strip()


def address_of(r: Response) -> str:
    return parseaddr(r.sender)[1] or r.sender.strip()


def _milestone(m: Milestone, accept: Response | None, done: Response | None,
               promise: Response | None) -> Milestone:
    if (accept is not None and m.owner is Owner.TEAM and m.status is Status.DONE
            and m.client_confirmed is not True and m.changes_note is None
            and "client_confirmed" not in m.unreadable):
        if accept.action.strip() == "confirm":
            m = replace(m, client_confirmed=True, confirmed_on=m.confirmed_on or accept.day,
                        confirmed_by=_who(accept))
        else:
            m = replace(m, changes_note=accept.value.strip(),
                        confirmed_by=_who(accept))
    if (done is not None and m.owner is Owner.CLIENT and not m.closed and m.done_on is None
            and not m.unreadable & {"status", "done_on"}):
        m = replace(m, status=Status.DONE, done_on=done.day, confirmed_by=_who(done))
    if promise is not None and m.owner is Owner.CLIENT and not m.closed:
        found = cells.parse_date(promise.value.strip())
        if isinstance(found, date) and not isinstance(found, Bad) and (
                m.due is None or found > m.due):
            m = replace(m, promised=found)
    return m


def _change(c: Change, decision: Response | None) -> Change:
    if decision is None or c.client_approved is not None or c.status is not ChangeStatus.PROPOSED:
        return c
    yes = decision.action.strip() == "approve"
    return replace(c, client_approved=yes,
                   status=ChangeStatus.APPROVED if yes else ChangeStatus.REJECTED,
                   decided_on=c.decided_on or decision.day)


def overlay(project: Project, responses: Sequence[Response]) -> Project:
    """The project as the applied responses make it, staff cells winning where typed."""
    if not any(r.applied for r in responses):
        return project
    accept = _latest(responses, {"confirm", "changes"})
    done = _latest(responses, {"done"})
    promise = _latest(responses, {"date"})
    decision = _latest(responses, {"approve", "decline"})
    seen: set[str] = set()
    milestones = []
    for m in project.milestones:
        first = m.id not in seen
        seen.add(m.id)
        milestones.append(_milestone(m, accept.get(m.id), done.get(m.id), promise.get(m.id))
                          if first else m)
    return replace(project, milestones=tuple(milestones),
                   changes=tuple(_change(c, decision.get(c.id)) for c in project.changes))


def stamp(now: datetime) -> str:
    """A Responses row's Time, from an aware moment already in the project's zone."""
    return now.strftime("%Y-%m-%d %H:%M")
