"""Frozen dataclasses between the layers, no clock, file or network: raw, parsed, write, mail."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sheetsync.mailboxes import DEFAULT_PORTS, SmtpSettings  # re-exported for every caller
from sheetsync.owned import (  # the job-owned places, re-exported for every caller
    CellStyle,
    FlagCells,
    Layout,
    OwnedTab,
    TabWrite,
)

__all__ = ["DEFAULT_PORTS", "CellStyle", "FlagCells", "Layout", "OwnedTab", "SmtpSettings",
           "TabWrite"]


# Why a backend cannot know a cell's value (``Unreadable.reason``), each a problem code of
# the catalogs: a formula with no saved result (an .xlsx saved by a program that does not
# calculate), and a formula that shows an error (#REF!) or "Loading..." instead of a value.
FORMULA_NO_RESULT, FORMULA_ERROR = "formula_no_result", "formula_error"


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell whose value cannot be known, e.g. a formula with no cached result: ``reason``
    (``FORMULA_NO_RESULT``, ``FORMULA_ERROR``, or a sentence) and the formula or error
    shown."""

    reason: str
    text: str = ""

    def __str__(self) -> str:
        return self.text


CellValue = str | int | float | bool | datetime | date | time | Unreadable | None


def blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: CellValue) -> str:
    """How a raw value is shown back to staff in the Problems tab."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def a1(row: int, col: int) -> str:
    """A1 reference of a 1-based (row, column)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def column_letter(col: int) -> str:
    return a1(1, col)[:-1]


# --------------------------------------------------------------------------- raw side


@dataclass(frozen=True)
class RawTab:
    """One tab as read: ``rows[i]`` is sheet row ``i + 1``; trailing blanks may be trimmed."""

    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[str, ...] = ()  # merged ranges as A1 refs ("K1:L1"), where known

    def value(self, row: int, col: int) -> CellValue:
        """The value at 1-based (row, col), None beyond what was read."""
        if row < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if 1 <= col <= len(cells) else None


@dataclass(frozen=True)
class RawWorkbook:
    """Every tab a job needs, as values, plus the container's own defaults."""

    title: str
    tabs: tuple[RawTab, ...]
    time_zone: str | None = None  # the spreadsheet's own time zone (Google Sheets)
    locale: str | None = None  # the spreadsheet's own locale, e.g. "en_GB"
    can_write: bool = True
    write_refusal: str = ""  # why not, when can_write is False


# --------------------------------------------------------------------------- parsed side


class Owner(enum.StrEnum):
    TEAM = "Team"
    CLIENT = "Client"


class Status(enum.StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    DONE = "Done"
    BLOCKED = "Blocked"
    CANCELLED = "Cancelled"


class UpdateType(enum.StrEnum):
    DONE = "Done"
    PROBLEM = "Problem"
    NEXT = "Next"
    NOTE = "Note"


class ChangeStatus(enum.StrEnum):
    PROPOSED = "Proposed"
    APPROVED = "Approved"
    REJECTED = "Rejected"


class Flag(enum.StrEnum):
    """The flags of CONTRACT section 2, declared in the order it lists them (the template's
    note lists them so). An assessment holds its flags sorted by name, as ``sorted`` does."""

    OVERDUE = "OVERDUE"
    CLIENT_OVERDUE = "CLIENT_OVERDUE"
    DUE_SOON = "DUE_SOON"
    BLOCKED = "BLOCKED"
    AWAITING_CONFIRMATION = "AWAITING_CONFIRMATION"
    UNCONFIRMED = "UNCONFIRMED"
    AT_RISK = "AT_RISK"
    INVALID = "INVALID"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing staff must fix, shown in the Problems tab and in ``check --json``."""

    tab: str
    cell: str
    value: str
    problem: str
    how_to_fix: str


@dataclass(frozen=True)
class Settings:
    """The Project tab, with the contract's defaults filled in."""

    name: str
    client: str = ""
    client_emails: tuple[str, ...] = ()
    sponsor_email: str = ""
    pm_name: str = ""
    pm_email: str = ""
    cc: tuple[str, ...] = ()
    time_zone: str = "UTC"
    language: str = "en"
    report_day: int = 4  # Monday is 0
    report_time: time = time(16, 0)
    due_soon_days: int = 7
    confirm_within_days: int = 5
    reminder_every_days: int = 3
    help_offer: str = ""  # what the team can do when the client is stuck ("a; b; c")
    date_order: str | None = None  # "YMD", "DMY", "MDY"
    reports_paused: bool = False
    team_emails: tuple[str, ...] = ()  # who gets internal emails; blank: the PM email
    report_every_weeks: int = 1  # 1 weekly, 2 fortnightly
    holiday_calendar: str = ""  # a country code of the holidays package, e.g. "CN"
    holidays: tuple[date, ...] = ()  # more days off
    working_days: tuple[date, ...] = ()  # make-up working days (补班日) beyond the calendar's

    @property
    def team(self) -> tuple[str, ...]:
        """The Team emails, else the PM email (CONTRACT section 7)."""
        return self.team_emails or ((self.pm_email,) if self.pm_email else ())


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    row: int
    title: str
    owner: Owner = Owner.TEAM
    status: Status = Status.NOT_STARTED
    start: date | None = None
    due: date | None = None
    acceptance: str = ""
    done_on: date | None = None
    client_confirmed: bool | None = None
    confirmed_on: date | None = None
    depends_on: tuple[str, ...] = ()
    notes: str = ""
    unreadable: frozenset[str] = frozenset()  # fields with a problem, e.g. {"due"}
    changes_note: str | None = None  # not None: Changes needed typed (""), or replied (words)
    confirmed_by: str = ""  # who answered by reply (confirm, changes, done)
    promised: date | None = None  # a client item's date promised by reply, later than Due
    owner_email: str = ""  # who on the team gets nudged about it (CONTRACT section 7)
    delay_reason: str = ""  # a key of schema.DELAY_REASONS ("Client late"...), or blank

    @property
    def closed(self) -> bool:
        return self.status in (Status.DONE, Status.CANCELLED)


@dataclass(frozen=True, slots=True)
class Update:
    row: int
    date: dt.date
    type: UpdateType
    text: str
    milestone: str = ""
    by: str = ""
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    id: str
    row: int
    date: dt.date | None = None
    requested_by: str = ""
    change: str = ""
    impact: str = ""
    milestone: str = ""
    old_due: dt.date | None = None
    new_due: dt.date | None = None
    status: ChangeStatus = ChangeStatus.PROPOSED
    client_approved: bool | None = None
    decided_on: dt.date | None = None  # when it was approved or rejected (optional)


@dataclass(frozen=True)
class Project:
    source: str
    settings: Settings
    milestones: tuple[Milestone, ...] = ()
    updates: tuple[Update, ...] = ()
    changes: tuple[Change, ...] = ()
    problems: tuple[Problem, ...] = ()
    layout: Layout | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the rules concluded about one milestone on the as-of date."""

    milestone: Milestone
    flags: tuple[Flag, ...]
    days_overdue: int = 0
    days_to_due: int | None = None
    days_unconfirmed: int = 0  # days past the confirmation window
    late_upstream: tuple[str, ...] = ()  # overdue IDs it depends on, directly or not


# --------------------------------------------------------------------------- write side


@dataclass(frozen=True, slots=True)
class CellWrite:
    """One value for a job-owned cell; ``key`` is the milestone ID expected on that row.

    ``style`` names how the cell looks, where the backend can show it: "" keeps the cell's
    format, "job" is the grey of a job-owned header, "fill:RRGGBB" a fill colour.
    """

    row: int
    col: int
    value: str
    key: str = ""
    style: str = ""


@dataclass(frozen=True)
class WritePlan:
    """Everything a job wants written, limited to job-owned ranges; empty means no write."""

    flags_tab: str = ""
    id_col: int = 0
    flag_cells: tuple[CellWrite, ...] = ()  # headers (key "") and per-row values
    problems_tab: str = ""
    problems_rows: tuple[tuple[str, ...], ...] | None = None  # None: leave as it is
    problems_old_height: int = 0  # rows the tab held before, to clear beyond the new ones
    log_tab: str = ""
    log_header: tuple[str, ...] = ()  # written first when the Log tab is new
    log_rows: tuple[tuple[str, ...], ...] = ()
    # where the Flag columns were when read (the backend re-places cells by header name)
    header_row: int = 0
    flag_col: int = 0
    detail_col: int = 0
    language: str = "en"
    problems_now: tuple[tuple[str, ...], ...] = ()  # the job's columns of Problems as read
    tabs: tuple[TabWrite, ...] = ()  # History appended, Board and Timeline rewritten
    # answer with the Log tab as it stands just after this write (the send guard reads it
    # there, so it costs no read of its own); ``Backend.apply`` returns it
    echo_log: bool = False

    @property
    def empty(self) -> bool:
        return not (self.flag_cells or self.problems_rows is not None or self.log_rows
                    or any(t.rows for t in self.tabs))


# --------------------------------------------------------------------------- mail side


@dataclass(frozen=True)
class Message:
    """One email, ready to send: every address already validated."""

    project: str
    sender: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str  # "<...@...>"
    cc: tuple[str, ...] = ()
    reply_to: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())  # extra, e.g. X-Sheetsync-Job

    @property
    def recipients(self) -> tuple[str, ...]:
        """The envelope recipients: To then CC, each once."""
        return tuple(dict.fromkeys((*self.to, *self.cc)))


@dataclass(frozen=True)
class Delivery:
    """The outcome of sending one Message."""

    message_id: str
    result: str  # "sent", "failed", or "unknown" (the server may have stored it)
    detail: str = ""
    refused: tuple[str, ...] = ()  # recipients the server refused while others were taken


@dataclass(frozen=True)
class LogEntry:
    """One row of the Log tab."""

    time: datetime
    job: str
    project: str
    recipients: tuple[str, ...]
    subject: str
    result: str
    message_id: str = ""
    detail: str = ""
