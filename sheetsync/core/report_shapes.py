"""The weekly report's shapes: its states, reasons, kinds of line and frozen dataclasses.

Pure data, language-free; ``report.build_report`` fills them and ``render`` says them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sheetsync.core.report_facts import Ref
from sheetsync.core.timeline import Timeline

WEEK_DAYS = 7
NEXT_DAYS = 14  # "next two weeks": open milestones due as_of .. as_of + 14


class State(enum.StrEnum):
    """The overall state in the summary."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"


class Reason(enum.StrEnum):
    """Why the state is what it is; each names the milestones behind it."""

    OVERDUE = "overdue"
    CLIENT_OVERDUE = "client_overdue"
    BLOCKED = "blocked"
    AT_RISK = "at_risk"
    UNCONFIRMED = "unconfirmed"
    NOT_STARTED_DUE_SOON = "not_started_due_soon"


LATE_REASONS = frozenset({Reason.OVERDUE, Reason.CLIENT_OVERDUE})


class EntryKind(enum.StrEnum):
    """What one line of the Completed, Problems or Next steps section is."""

    UPDATE = "update"  # a staff update of the week: ``text``, ``on``, ``by``
    DONE = "done"  # a milestone delivered in the week: ``on`` = Done on
    OVERDUE = "overdue"  # team milestone past its Due: ``days`` late, ``on`` = Due
    CLIENT_OVERDUE = "client_overdue"  # client milestone past its Due
    BLOCKED = "blocked"  # Status Blocked, not late
    AT_RISK = "at_risk"  # ``group`` waits on late milestones (``waits_on``), itself not late
    DUE = "due"  # open, due in the next two weeks: ``days`` to Due, ``on`` = Due
    CONFIRMED = "confirmed"  # the client confirmed it by reply this week: ``by``, ``on``
    CHANGES = "changes"  # the client asked for changes: ``text`` = their words (may be "")


class Ask(enum.StrEnum):
    """What the client is asked to do in one Waiting on you item."""

    CLIENT_OVERDUE = "client_overdue"  # their item is past its Due
    UNCONFIRMED = "unconfirmed"  # a delivery is past the confirmation window
    APPROVE_CHANGE = "approve_change"  # a change request needs their yes or no
    CLIENT_DUE_SOON = "client_due_soon"  # their item is due within Due soon days
    CONFIRM = "confirm"  # a delivery awaits their confirmation, still in the window


ASK_ORDER = tuple(Ask)  # most pressing first


@dataclass(frozen=True)
class Entry:
    """One line of the Completed, Problems or Next steps section."""

    kind: EntryKind
    milestone: Ref | None = None
    text: str = ""  # the staff's words (updates only)
    on: date | None = None  # update date, Done on, or Due
    days: int = 0  # days late (OVERDUE, CLIENT_OVERDUE) or days to Due (DUE)
    by: str = ""
    client: bool = False  # the milestone is the client's to do
    blocked: bool = False
    confirmed: bool | None = None  # DONE: the Client confirmed cell
    awaiting: bool = False  # DONE: flagged AWAITING_CONFIRMATION or UNCONFIRMED (section 2)
    waits_on: tuple[Ref, ...] = ()  # AT_RISK: the late milestones upstream
    group: tuple[Ref, ...] = ()  # AT_RISK: every milestone at risk through the same late ones
    acceptance: str = ""  # DUE: the milestone's Acceptance criteria, what the client will check


@dataclass(frozen=True)
class ChangeRef:
    """A change request as the client sees it."""

    id: str
    change: str
    impact: str = ""
    requested_by: str = ""
    on: date | None = None
    old_due: date | None = None
    new_due: date | None = None
    staff_approved: bool = False  # Status Approved: only the client's word is missing


@dataclass(frozen=True)
class Agreed:
    """A change request agreed in the week (shown under Completed this week).

    Agreed means Status Approved and Client approved Yes; its Date is in the week.
    ``milestone`` is the one it re-dates, ``change.old_due`` -> ``change.new_due`` the move.
    """

    change: ChangeRef
    milestone: Ref | None = None


@dataclass(frozen=True)
class Waiting:
    """One thing waiting on the client, and what it holds up."""

    ask: Ask
    milestone: Ref | None = None
    change: ChangeRef | None = None
    due: date | None = None  # Due, or the last day of the confirmation window
    days: int = 0  # days overdue, days to Due, or days past the window
    on: date | None = None  # Done on, for the confirmations
    holds_up: tuple[Ref, ...] = ()  # open milestones downstream, nearest first
    slip_days: int | None = None  # CLIENT_OVERDUE only: projected slip of what it holds up
    acceptance: str = ""  # CONFIRM, UNCONFIRMED: the Acceptance criteria to check it against
    promised: date | None = None  # a client item: the date the client promised by reply


@dataclass(frozen=True)
class Counts:
    """The numbers of the summary. Cancelled milestones are not counted anywhere."""

    total: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0  # team and client milestones past Due
    blocked: int = 0
    waiting_on_you: int = 0  # items in the Waiting on you section
    completed_this_week: int = 0  # milestones with Done on in the week
    due_next_two_weeks: int = 0

    @property
    def percent_done(self) -> int:
        """Done milestones as a whole percentage of the total (0 when there are none)."""
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class Summary:
    state: State
    counts: Counts
    reasons: tuple[tuple[Reason, tuple[Ref, ...]], ...] = ()  # each reason with its milestones
    notes: tuple[Entry, ...] = ()  # Note updates of the week


@dataclass(frozen=True)
class Report:
    """The report of one project for the week ``week_start`` .. ``as_of``."""

    project: str
    client: str
    as_of: date
    week_start: date
    summary: Summary
    completed: tuple[Entry, ...]
    problems: tuple[Entry, ...]
    next_steps: tuple[Entry, ...]
    waiting: tuple[Waiting, ...]
    timeline: Timeline
    agreed: tuple[Agreed, ...] = ()  # change requests agreed in the week, oldest first


# --------------------------------------------------------------------------- helpers
