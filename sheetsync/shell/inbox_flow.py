"""``sheetsync inbox``: the clients' replies, read once a run, recorded in each project.

One IMAP session for the whole run: the unseen messages are read (headers first, tokened
ones in full), each is routed by the project its subject names, checked by the core
(``responses.decide``) and becomes one row of that project's ``Responses`` tab: one Sheets
read and at most one write per project that has replies. Only then are the recorded
messages marked seen; a message for a project this run does not handle stays unseen for
the run that does. Each applied row gets one acknowledgement, through the ledger's
intent/outcome journal (job ``ack``, period = the reply's Message-ID), so a crash never
sends two.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sheetsync.core import logtab, replies, responses, schema
from sheetsync.core.replies import Reply
from sheetsync.errors import SheetsyncError
from sheetsync.host.inbox_config import signing_key
from sheetsync.host.ledger import project_key
from sheetsync.lang import catalog
from sheetsync.mail import inbound
from sheetsync.mail.imap import Fetched, ImapInbox
from sheetsync.mailboxes import ImapSettings
from sheetsync.model import Message, TabWrite, WritePlan
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import Loaded, load


@dataclass(frozen=True)
class ProjectReplies:
    """One project's outcome: the rows added, the acknowledgements, or why it failed."""

    source: str
    project: str
    responses: tuple[responses.Response, ...] = ()
    acks: tuple[str, ...] = ()  # "sent", "failed", "unknown", "paused" per applied row
    error: str = ""
    api_requests: int = 0


@dataclass(frozen=True)
class InboxRun:
    projects: tuple[ProjectReplies, ...] = ()
    unrouted: tuple[str, ...] = ()  # subjects of tokened messages no project here claims
    round_trips: int = 0
    messages: int = 0
    error: str = ""
    secret_where: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(p.error for p in self.projects)


def prompts() -> tuple[str, ...]:
    """The prefilled body's lines in every language, left out of the client's words."""
    return tuple(catalog.get(code)("reply_prompt_" + action).strip()
                 for code in catalog.CATALOGS for action in ("changes", "date", "other"))


def _reply_of(f: Fetched, dns: Callable[..., bytes | None] | None) -> Reply:
    if f.raw:
        return inbound.to_reply(f.raw, dns)
    return inbound.too_large(f.head, f.size)


def _local(loaded: Loaded, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(loaded.project.settings.time_zone))


def _plan(loaded: Loaded, rows: Sequence[responses.Response]) -> WritePlan:
    """The new Responses rows as one append to that job-owned tab (made, with its header,
    when missing), through the generic ``TabWrite`` both backends apply."""
    p = loaded.project
    owned = p.layout.responses if p.layout else None
    language = p.settings.language
    title = owned.name if owned else schema.tab_title(schema.RESPONSES, language)
    header = () if owned is not None and owned.exists else schema.headers(
        schema.RESPONSES, language)
    write = TabWrite(title, tuple(r.row() for r in rows), append=True, header=header,
                     widths=((1, 17), (2, 32), (5, 40), (6, 30), (7, 44)))
    return WritePlan(tabs=(write,), language=language)


def _ack(loaded: Loaded, row: responses.Response, ctx: Context,
         render: Callable[[Loaded, responses.Response], tuple[str, str, str]]) -> str:
    """Send one acknowledgement for an applied row, at most once (ledger job ``ack``);
    none while ``Reports paused`` is Yes, which stops every client email (CONTRACT §1)."""
    source, s = loaded.backend.source, loaded.project.settings
    if s.reports_paused:
        return "paused"
    period = row.message_id
    with ctx.ledger.lock(source):
        status = ctx.ledger.status(source, "ack", period)
        if status.state in ("sent", "unknown"):
            return status.state
        subject, text, html = render(loaded, row)
        # One Message-ID rule for every kind (a From with a display name has a ">" after
        # the domain); the reply's own Message-ID goes in as a stable digest.
        reply = hashlib.sha256(period.encode()).hexdigest()[:10]
        mid = logtab.message_id("ack", reply, project_key(source)[-10:], ctx.nonce(),
                                ctx.sender)
        to = responses.address_of(row)
        msg = Message(project=s.name, sender=ctx.sender, to=(to,),
                      cc=tuple(a for a in (s.pm_email,) if a and a != to),
                      reply_to=s.pm_email, subject=subject, text=text, html=html,
                      message_id=mid, headers=(("X-Sheetsync-Job", "ack"),))
        ctx.ledger.intend(source, "ack", period, at=ctx.now, message_id=mid,
                          recipients=msg.recipients, subject=subject)
        sent = ctx.transport.send(msg)
        ctx.ledger.outcome(source, "ack", period, at=ctx.now, message_id=mid,
                           result=sent.result, detail=sent.detail)
        return sent.result


def handle(sources: Sequence[str], ctx: Context, settings: ImapSettings, state_dir: str, *,
           dry_run: bool = False, dns: Callable[..., bytes | None] | None = None,
           render_ack: Callable[[Loaded, responses.Response], tuple[str, str, str]],
           every_project: bool = True) -> InboxRun:
    """Read the mailbox once and record every tokened reply in the project it names.

    The mailbox is read first: with ``every_project`` False (the step every ``run`` takes)
    and no tokened reply waiting, no sheet is read at all, so an idle run stays free."""
    secret = signing_key(state_dir)
    assert secret is not None
    loaded: list[Loaded] = []
    failed: list[ProjectReplies] = []
    rows: dict[int, list[tuple[str, responses.Response | None]]] = {}
    unrouted: list[str] = []
    lines = prompts()
    with ImapInbox(settings) as box:
        found = box.unseen()
        if every_project or any(f.tokened for f in found):
            for source in sources:
                try:
                    loaded.append(load(source, ctx.open_source))
                except SheetsyncError as exc:
                    failed.append(ProjectReplies(source, source, error=str(exc)))
        projects = [ld.project for ld in loaded]
        others = tuple((p.settings.name, tuple(m.id for m in p.milestones)
                        + tuple(c.id for c in p.changes)) for p in projects)
        current = list(projects)  # each project with this run's applied rows laid over it
        for f in (f for f in found if f.tokened):
            reply = _reply_of(f, dns)
            parsed = replies.parse(reply, lines)
            project = responses.find_project(parsed, projects)
            if project is None:  # the subject lost the item or project: ask the token
                signed = responses.find_by_token(parsed, projects, secret.key,
                                                 ctx.now.date())
                if signed is not None:
                    project, item = signed
                    parsed = replace(parsed, item=item, project_text=project.settings.name)
            if project is None:
                unrouted.append(" ".join(reply.subject.split())[:200])
                continue
            i = projects.index(project)
            ld = loaded[i]
            earlier = responses.seen_ids(responses.read_rows(
                ld.project.layout.responses.rows if ld.project.layout and
                ld.project.layout.responses else ()))
            done = {r.message_id for _, r in rows.get(i, []) if r is not None}
            if reply.message_id in earlier or reply.message_id in done:
                rows.setdefault(i, []).append((f.uid, None))  # recorded before: only seen
                continue
            local = _local(ld, ctx.now)
            context = responses.Context(secret.key, local.date(), responses.stamp(local),
                                        tuple(o for o in others if o[0] != project.settings.name))
            row = responses.decide(reply, parsed, current[i], context)
            rows.setdefault(i, []).append((f.uid, row))
            current[i] = responses.overlay(current[i], (row,))  # a second answer sees it
        out: list[ProjectReplies] = []
        seen: list[str] = []
        for i, ld in enumerate(loaded):
            got = rows.get(i, [])
            new = [r for _, r in got if r is not None]
            result = ProjectReplies(ld.backend.source, ld.project.settings.name, tuple(new))
            if new and not dry_run:
                try:
                    ld.backend.apply(_plan(ld, new))
                except SheetsyncError as exc:
                    out.append(replace(result, error=f"the Responses tab could not be "
                                                     f"written ({exc}); the replies stay "
                                                     "unread for the next run"))
                    continue
            if not dry_run:
                seen += [uid for uid, _ in got]
                acks = tuple(_ack(ld, r, ctx, render_ack) for r in new if r.applied)
                result = replace(result, acks=acks)
            out.append(replace(result, api_requests=ld.backend.api_requests))
        if not dry_run:
            box.mark_seen(seen)
        trips = box.round_trips
    return InboxRun(tuple(out + failed), tuple(unrouted), trips, len(found),
                    secret_where=secret.where)
