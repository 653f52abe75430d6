"""The weekly client report as data (CONTRACT section 3): what to say, not how to say it.

``build_report(project, assessments, as_of)`` returns a ``Report`` for the 7 days that end on
``as_of`` (``as_of - 6`` .. ``as_of``, both included). It is pure: the as-of date and the
flags come in as arguments; nothing reads a clock, a file or the network. Everything here is
language-free (IDs, titles, dates, day counts and codes); ``render.py`` turns it into words.
The timeline is ``timeline.py``'s; what both read of the milestones is ``report_facts.py``.

Rules the sections follow (docs/report.md says the same for people):

* Internal updates never appear; Note updates of the week go in the summary.
* An ID used on two rows counts once, as its first row (the rules flag the second INVALID).
* Cancelled milestones appear nowhere but are left out of the counts too.
* State: ``late`` when a milestone is OVERDUE or CLIENT_OVERDUE; else ``at_risk`` when one is
  BLOCKED, AT_RISK or UNCONFIRMED, or team work that has not started is DUE_SOON; else
  ``on_track``.
* Changes agreed this week: Status Approved and Client approved Yes, with the change's
  Decided on (else its Date) in the week. One approved by the team alone still waits on
  the client and is in Waiting on you instead.
* A projected slip (``impact``) is said of late client milestones only: an undecided change
  does not slip by lateness, its effect is its Old due -> New due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from sheetsync.core import history
from sheetsync.core.days import shift
from sheetsync.core.report_facts import Facts, Ref, facts_of
from sheetsync.core.report_shapes import (  # the shapes, re-exported for callers
    ASK_ORDER,
    LATE_REASONS,
    NEXT_DAYS,
    WEEK_DAYS,
    Agreed,
    Ask,
    ChangeRef,
    Counts,
    Entry,
    EntryKind,
    Reason,
    Report,
    State,
    Summary,
    Waiting,
)
from sheetsync.core.rules import LATE
from sheetsync.core.timeline import timeline
from sheetsync.model import (
    Assessment,
    Change,
    ChangeStatus,
    Flag,
    Owner,
    Project,
    Status,
    Update,
    UpdateType,
)

AWAITING = frozenset({Flag.AWAITING_CONFIRMATION, Flag.UNCONFIRMED})  # asks for confirmation


def _in_week(day: date | None, as_of: date, days: int = WEEK_DAYS) -> bool:
    """In the report's span: the ``days`` days (7, or 14 for a fortnightly report) to as_of."""
    return day is not None and shift(as_of, 1 - days) <= day <= as_of


def week_updates(updates: Iterable[Update], as_of: date, kind: UpdateType,
                 days: int = WEEK_DAYS) -> tuple[Update, ...]:
    """The client-visible updates of one type dated in the week, oldest first."""
    found = [u for u in updates
             if u.type is kind and not u.internal and _in_week(u.date, as_of, days)]
    return tuple(sorted(found, key=lambda u: (u.date, u.row)))


def _update_entries(facts: Facts, updates: Iterable[Update]) -> tuple[Entry, ...]:
    return tuple(Entry(EntryKind.UPDATE, facts.ref(u.milestone) if u.milestone else None,
                       text=u.text, on=u.date, by=u.by) for u in updates)


def _entry(a: Assessment, kind: EntryKind, ref: Ref, on: date | None, days: int = 0) -> Entry:
    """A milestone line: owner, blocked and confirmed come from the row and its flags."""
    m = a.milestone
    done = kind is EntryKind.DONE
    return Entry(kind, ref, on=on, days=days, client=m.owner is Owner.CLIENT,
                 blocked=Flag.BLOCKED in a.flags,
                 confirmed=m.client_confirmed if done else None,
                 awaiting=done and bool(AWAITING & set(a.flags)))


# --------------------------------------------------------------------------- sections


def completed(project: Project, facts: Facts, as_of: date,
              days: int = WEEK_DAYS) -> tuple[Entry, ...]:
    """Done updates of the week, then milestones whose Done on falls in the week."""
    updates = _update_entries(facts, week_updates(project.updates, as_of, UpdateType.DONE, days))
    done = sorted((a for a in facts.rows
                   if a.milestone.status is Status.DONE
                   and _in_week(a.milestone.done_on, as_of, days)),
                  key=lambda a: (a.milestone.done_on, a.milestone.row))
    confirmed = tuple(  # by reply, this week: who confirmed what, and when
        Entry(EntryKind.CONFIRMED, facts.ref(a.milestone.id), on=a.milestone.confirmed_on,
              by=a.milestone.confirmed_by)
        for a in facts.rows if a.milestone.confirmed_by and a.milestone.client_confirmed is True
        and _in_week(a.milestone.confirmed_on, as_of))
    return updates + tuple(
        _entry(a, EntryKind.DONE, facts.ref(a.milestone.id), on=a.milestone.done_on)
        for a in done) + confirmed


def problems(project: Project, facts: Facts, as_of: date,
             days: int = WEEK_DAYS) -> tuple[Entry, ...]:
    """Problem updates of the week, then late (most days first) and blocked milestones, then
    the milestones at risk, one entry for each set of late milestones they wait on."""
    updates = _update_entries(facts, week_updates(project.updates, as_of, UpdateType.PROBLEM, days))
    late, blocked = [], []
    risky: dict[tuple[str, ...], list[Ref]] = {}
    for a in facts.rows:
        m, ref = a.milestone, facts.ref(a.milestone.id)
        if Flag.CHANGES_REQUESTED in a.flags:  # the team's to fix, in the client's words
            late.append(Entry(EntryKind.CHANGES, ref, text=m.changes_note or "",
                              on=m.done_on))
        elif set(a.flags) & LATE:
            kind = EntryKind.CLIENT_OVERDUE if Flag.CLIENT_OVERDUE in a.flags else EntryKind.OVERDUE
            late.append(_entry(a, kind, ref, on=m.due, days=a.days_overdue))
        elif Flag.BLOCKED in a.flags:
            blocked.append(_entry(a, EntryKind.BLOCKED, ref, on=m.due))
        elif Flag.AT_RISK in a.flags:
            risky.setdefault(a.late_upstream, []).append(ref)
    late.sort(key=lambda e: -e.days)
    grouped = tuple(Entry(EntryKind.AT_RISK, refs[0], waits_on=tuple(facts.ref(i) for i in ids),
                          group=tuple(refs)) for ids, refs in risky.items())
    return updates + tuple(late) + tuple(blocked) + grouped


def next_steps(project: Project, facts: Facts, as_of: date,
               days: int = WEEK_DAYS) -> tuple[Entry, ...]:
    """Next updates of the week, then open milestones due from as_of to as_of + 14 days.

    A milestone due on the as-of day itself is still open work and is listed ("due today").
    """
    updates = _update_entries(facts, week_updates(project.updates, as_of, UpdateType.NEXT, days))
    last = shift(as_of, NEXT_DAYS)
    due = sorted((a for a in facts.rows if not a.milestone.closed and a.milestone.due
                  and as_of <= a.milestone.due <= last),
                 key=lambda a: (a.milestone.due, a.milestone.row))
    return updates + tuple(
        replace(_entry(a, EntryKind.DUE, facts.ref(a.milestone.id), on=a.milestone.due,
                       days=(a.milestone.due - as_of).days), acceptance=a.milestone.acceptance)
        for a in due if a.milestone.due)


def _milestone_ask(a: Assessment) -> Ask | None:
    """What a milestone asks of the client, by its flags."""
    flags = set(a.flags)
    if a.milestone.owner is Owner.CLIENT and Flag.CLIENT_OVERDUE in flags:
        return Ask.CLIENT_OVERDUE
    if a.milestone.owner is Owner.CLIENT and Flag.DUE_SOON in flags:
        return Ask.CLIENT_DUE_SOON
    if Flag.UNCONFIRMED in flags:
        return Ask.UNCONFIRMED
    if Flag.AWAITING_CONFIRMATION in flags:
        return Ask.CONFIRM
    return None


def _milestone_waiting(a: Assessment, ask: Ask, facts: Facts, window: int,
                       impact: Mapping[str, int]) -> Waiting:
    m = a.milestone
    if ask in (Ask.UNCONFIRMED, Ask.CONFIRM):
        by = shift(m.done_on, window) if m.done_on else None
        days = a.days_unconfirmed
    else:
        by = m.promised or m.due  # a promised date, once replied, is the date that counts
        days = a.days_overdue if ask is Ask.CLIENT_OVERDUE else (a.days_to_due or 0)
    # A slip is the lateness of late work carried downstream: only an overdue client item
    # has one of its own. (A delivery to confirm or an item not yet due does not slip.)
    slip = impact.get(m.id) if ask is Ask.CLIENT_OVERDUE else None
    criteria = m.acceptance if ask in (Ask.UNCONFIRMED, Ask.CONFIRM) else ""
    return Waiting(ask, facts.ref(m.id), due=by, days=days, on=m.done_on,
                   holds_up=facts.open_downstream(m.id), slip_days=slip, acceptance=criteria,
                   promised=m.promised)


def awaits_client(c: Change) -> bool:
    """A change request awaits the client while it is Proposed or Approved by staff and the
    Client approved cell is blank. "No" there is the client's answer; Rejected ends it."""
    return c.status is not ChangeStatus.REJECTED and c.client_approved is None


def agreed_in_week(c: Change, as_of: date, days: int = WEEK_DAYS) -> bool:
    """A change request agreed in the week: Status Approved, Client approved Yes, and its
    Decided on (else its Date) in the 7 days ending on ``as_of``."""
    return (c.status is ChangeStatus.APPROVED and c.client_approved is True
            and _in_week(c.decided_on or c.date, as_of, days))


def _change_ref(c: Change) -> ChangeRef:
    return ChangeRef(c.id, c.change, c.impact, c.requested_by, c.date, c.old_due, c.new_due,
                     staff_approved=c.status is ChangeStatus.APPROVED)


def _change_waiting(c: Change, facts: Facts) -> Waiting:
    """A change awaiting the client. Its effect on dates is its own Old due -> New due (in
    ``change``) and the open milestones that wait on it; it has no lateness slip."""
    ref = facts.ref(c.milestone) if c.milestone else None
    held: tuple[Ref, ...] = ()
    if ref is not None and ref.id in facts.by_id:
        own = () if facts.by_id[ref.id].milestone.closed else (ref,)
        held = own + facts.open_downstream(ref.id)
    return Waiting(Ask.APPROVE_CHANGE, ref, change=_change_ref(c), due=c.new_due, holds_up=held)


def changes_agreed(project: Project, facts: Facts, as_of: date,
                   days: int = WEEK_DAYS) -> tuple[Agreed, ...]:
    """Change requests agreed in the week (``agreed_in_week``), oldest Date first."""
    found = sorted((c for c in project.changes if agreed_in_week(c, as_of, days)),
                   key=lambda c: (c.date or as_of, c.row))
    return tuple(Agreed(_change_ref(c), facts.ref(c.milestone) if c.milestone else None)
                 for c in found)


def waiting_on_you(project: Project, facts: Facts,
                   impact: Mapping[str, int]) -> tuple[Waiting, ...]:
    """Client items overdue or due soon, deliveries to confirm, changes to approve.

    Ordered by how pressing the ask is (``ASK_ORDER``), then most days late / fewest days
    left, then sheet order.
    """
    items: list[tuple[int, int, int, Waiting]] = []
    window = project.settings.confirm_within_days
    for a in facts.rows:
        ask = _milestone_ask(a)
        if ask is not None:
            w = _milestone_waiting(a, ask, facts, window, impact)
            rank = w.days if ask is Ask.CLIENT_DUE_SOON else -w.days
            items.append((ASK_ORDER.index(ask), rank, a.milestone.row, w))
    for c in project.changes:
        if awaits_client(c):
            items.append((ASK_ORDER.index(Ask.APPROVE_CHANGE), 0, c.row,
                          _change_waiting(c, facts)))
    return tuple(w for *_, w in sorted(items, key=lambda t: t[:3]))


def _reasons(facts: Facts) -> tuple[tuple[Reason, tuple[Ref, ...]], ...]:
    found: dict[Reason, list[Ref]] = {r: [] for r in Reason}
    for a in facts.rows:
        ref, flags = facts.ref(a.milestone.id), set(a.flags)
        for flag, reason in ((Flag.OVERDUE, Reason.OVERDUE),
                             (Flag.CLIENT_OVERDUE, Reason.CLIENT_OVERDUE),
                             (Flag.BLOCKED, Reason.BLOCKED), (Flag.AT_RISK, Reason.AT_RISK),
                             (Flag.UNCONFIRMED, Reason.UNCONFIRMED)):
            if flag in flags:
                found[reason].append(ref)
        if (Flag.DUE_SOON in flags and a.milestone.status is Status.NOT_STARTED
                and a.milestone.owner is Owner.TEAM):
            found[Reason.NOT_STARTED_DUE_SOON].append(ref)
    return tuple((r, tuple(refs)) for r, refs in found.items() if refs)


def state_of(reasons: Iterable[Reason]) -> State:
    """``late`` if any reason is a late one, ``at_risk`` if there is any other, else on track."""
    given = set(reasons)
    if given & LATE_REASONS:
        return State.LATE
    return State.AT_RISK if given else State.ON_TRACK


def summary(project: Project, facts: Facts, as_of: date, done_in_week: int, due_next: int,
            waiting: int, days: int = WEEK_DAYS) -> Summary:
    """The overall state, why, the counts, and the Note updates of the week."""
    reasons = _reasons(facts)
    ms = [a.milestone for a in facts.rows]
    counts = Counts(
        total=len(ms),
        done=sum(m.status is Status.DONE for m in ms),
        open=sum(not m.closed for m in ms),
        overdue=sum(bool(set(a.flags) & LATE) for a in facts.rows),
        blocked=sum(Flag.BLOCKED in a.flags for a in facts.rows),
        waiting_on_you=waiting,
        completed_this_week=done_in_week,
        due_next_two_weeks=due_next,
    )
    notes = _update_entries(facts, week_updates(project.updates, as_of, UpdateType.NOTE, days))
    return Summary(state_of(r for r, _ in reasons), counts, reasons, notes)


# --------------------------------------------------------------------------- the report


def build_report(project: Project, assessments: tuple[Assessment, ...], as_of: date,
                 impact: Mapping[str, int] | None = None, days: int = WEEK_DAYS) -> Report:
    """The report of ``project`` for the ``days`` days (7, or 14 fortnightly) ending on ``as_of``.

    ``assessments`` are ``rules.assess(project, as_of)``. ``impact`` maps a milestone ID to
    the days its downstream would move (from a schedule-impact module); it fills
    ``Waiting.slip_days`` of overdue client items (never of a change request).
    """
    facts = facts_of(project, assessments)
    done = completed(project, facts, as_of, days)
    probs = problems(project, facts, as_of, days)
    nxt = next_steps(project, facts, as_of, days)
    waiting = waiting_on_you(project, facts, impact or {})
    head = summary(project, facts, as_of,
                   done_in_week=sum(e.kind is EntryKind.DONE for e in done),
                   due_next=sum(e.kind is EntryKind.DUE for e in nxt), waiting=len(waiting),
                   days=days)
    s = project.settings
    return Report(
        project=s.name,
        client=s.client,
        as_of=as_of,
        week_start=shift(as_of, 1 - days),
        summary=head,
        completed=done,
        problems=probs,
        next_steps=nxt,
        waiting=waiting,
        timeline=timeline(facts, as_of, history.read(
            project.layout.history if project.layout else None).baselines),
        agreed=changes_agreed(project, facts, as_of, days),
    )
