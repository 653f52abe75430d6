"""The sentences of client emails, made from one language's words (a ``lang.catalog.Catalog``).

``Phrases`` says the items of a ``report.Report`` (milestones, lines of each section, what
is asked of the client, timeline bars); ``reminder_card`` and ``reminder_subject`` say a
``reminders.Reminder``. Also the plain-text helpers the templates use: one line, width of
CJK text, underlines, wrapped bullets. ``emails.py`` hands all of this to the templates.
Pure: no clock, no file, no network.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from sheetsync.core.reminders import AskKind, Item, Reminder
from sheetsync.core.report_facts import Ref
from sheetsync.core.report_shapes import (
    Agreed,
    Ask,
    ChangeRef,
    Entry,
    EntryKind,
    Reason,
    Report,
    Waiting,
)
from sheetsync.core.timeline import BarStatus, Row, Timeline, Week
from sheetsync.lang.catalog import Catalog
from sheetsync.model import Settings

TEXT_WIDTH = 76  # wrap of the text/plain part
BAR_CHARS = {BarStatus.DONE: "#", BarStatus.LATE: "!", BarStatus.BLOCKED: "!"}  # else "="


def one_line(text: object) -> str:
    """``text`` on one line: every run of whitespace (CR, LF, tabs...) becomes one space."""
    return " ".join(str(text).split())


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def underline(text: str, char: str = "=") -> str:
    """``text`` and a line of ``char`` under it, as wide as the text."""
    return f"{text}\n{char * display_width(text)}"


def bullet(text: str, mark: str = "- ", width: int = TEXT_WIDTH) -> str:
    """A wrapped list item; later lines (and the text's own line breaks) are indented."""
    pad = " " * len(mark)
    lines = []
    for i, para in enumerate(str(text).splitlines() or [""]):
        lines.append(textwrap.fill(one_line(para) or "", width=width,
                                   initial_indent=mark if i == 0 else pad,
                                   subsequent_indent=pad, break_long_words=False,
                                   break_on_hyphens=False) or (mark if i == 0 else pad).rstrip())
    return "\n".join(lines)


def months(weeks: Iterable[Week], words: Catalog) -> list[tuple[str, int]]:
    """The month header of the timeline: (label, number of week columns) by each Monday."""
    groups: list[tuple[str, int]] = []
    last = None
    for w in weeks:
        key = (w.start.year, w.start.month)
        if key == last:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((words.month(w.start), 1))
            last = key
    return groups


class Phrases:
    """Sentences about report items, made from one language's words."""

    def __init__(self, words: Catalog) -> None:
        self.t = words

    def ref(self, r: Ref | None) -> str:
        """"M2 Visual design" (the ID alone when the title is unknown)."""
        if r is None:
            return ""
        return one_line(f"{r.id} {r.title}") if r.title else one_line(r.id)

    def names(self, refs: Iterable[Ref]) -> str:
        return self.t.join(self.ref(r) for r in refs)

    def head(self, e: Entry) -> str:
        """The milestone(s) a line is about."""
        return self.names(e.group) if e.group else self.ref(e.milestone)

    def detail(self, e: Entry) -> str:
        """What is said after a milestone's name in Completed, Problems and Next steps."""
        t = self.t
        on = t.date(e.on) if e.on else ""
        parts: list[str] = []
        if e.kind is EntryKind.DONE:
            parts.append(t("done_detail", date=on))
            if e.confirmed is True:
                parts.append(t("confirmed"))
        elif e.kind in (EntryKind.OVERDUE, EntryKind.CLIENT_OVERDUE):
            client = e.kind is EntryKind.CLIENT_OVERDUE
            key = "client_overdue_detail" if client else "overdue_detail"
            parts.append(t(key, days=t.days(e.days), date=on))
            if e.blocked:
                parts.append(t("also_blocked"))
        elif e.kind is EntryKind.CONFIRMED:
            parts.append(t("confirmed_by", name=e.by, date=on))
        elif e.kind is EntryKind.CHANGES:
            parts.append(t("changes_asked", words=e.text) if e.text else
                         t("changes_asked", words="").rstrip(": ："))
        elif e.kind is EntryKind.BLOCKED:
            parts.append(t("blocked_due_detail", date=on) if on else t("blocked_detail"))
        elif e.kind is EntryKind.AT_RISK:
            parts.append(t.n("at_risk_detail", len(e.waits_on), names=self.names(e.waits_on)))
        elif e.kind is EntryKind.DUE:
            parts.append(t("due_detail", date=on, when=t.when(e.days)))
            if e.blocked:
                parts.append(t("also_blocked"))
            if e.client:
                parts.append(t("your_action"))
        return t("clause_sep").join(parts)

    def reason(self, reason: Reason, refs: tuple[Ref, ...]) -> str:
        return self.t(f"reason_{reason.value}", names=self.names(refs))

    def ask(self, w: Waiting) -> str:
        return self.t(f"ask_{w.ask.value}")

    def title(self, w: Waiting) -> str:
        """The headline of a Waiting on you item: the milestone, or the change's words."""
        if w.change is not None:
            return one_line(w.change.change) or w.change.id
        return self.ref(w.milestone)

    def wait_lines(self, w: Waiting) -> tuple[str, ...]:
        """What the client is asked, in one or more sentences."""
        t = self.t
        due = t.date(w.due) if w.due else ""
        if w.promised is not None and w.ask is Ask.CLIENT_DUE_SOON:
            return (t("promised_by", date=t.date(w.promised)),)  # their own date, by reply
        if w.ask is Ask.CLIENT_OVERDUE:
            return (t("wait_client_overdue", days=t.days(w.days), date=due),)
        if w.ask is Ask.CLIENT_DUE_SOON:
            return (t("wait_client_due_soon", date=due, when=t.when(w.days)),)
        if w.ask in (Ask.CONFIRM, Ask.UNCONFIRMED):
            criteria = (t("r_acceptance", text=one_line(w.acceptance)),) if one_line(
                w.acceptance) else ()
            if w.on is None or w.due is None:
                return (t("wait_confirm_undated"), *criteria)
            key = "wait_unconfirmed" if w.ask is Ask.UNCONFIRMED else "wait_confirm"
            return (t(key, done=t.date(w.on), date=due, days=t.days(w.days)), *criteria)
        return self._change_lines(w)

    def _change_lines(self, w: Waiting) -> tuple[str, ...]:
        t, c = self.t, w.change
        if c is None:
            return ()
        lines = [t("wait_change_staff" if c.staff_approved else "wait_change", id=one_line(c.id))]
        milestone = self.ref(w.milestone)
        if milestone and c.new_due and c.old_due and c.old_due != c.new_due:
            lines.append(t("change_moves", milestone=milestone, old=t.date(c.old_due),
                           new=t.date(c.new_due)))
        elif milestone and c.new_due:
            lines.append(t("change_due", milestone=milestone, new=t.date(c.new_due)))
        if one_line(c.impact):
            lines.append(t("change_impact", impact=one_line(c.impact)))
        if one_line(c.requested_by):
            lines.append(t("change_requested", who=one_line(c.requested_by)))
        return tuple(lines)

    def holds(self, w: Waiting) -> str:
        """What the item holds up through the dependency chain ("" when nothing)."""
        if not w.holds_up:
            return ""
        work = w.ask in (Ask.CLIENT_OVERDUE, Ask.CLIENT_DUE_SOON)
        key = "holds_work" if work else "holds_decision"
        return self.t.n(key, len(w.holds_up), names=self.names(w.holds_up))

    def slip(self, w: Waiting) -> str:
        """"Projected slip if it stays open: N days", for a late client milestone only: a
        change request's effect is its own date move (``wait_lines``), not a lateness slip."""
        if w.ask is not Ask.CLIENT_OVERDUE or not w.slip_days:
            return ""
        return self.t("slip", days=self.t.days(w.slip_days))

    def change_name(self, c: ChangeRef) -> str:
        """"CR1 Add a blog section" (the ID alone when the Change cell is blank)."""
        return one_line(f"{c.id} {c.change}") if one_line(c.change) else one_line(c.id)

    def agreed_detail(self, a: Agreed) -> str:
        """"approved: M6 Build moves from Fri 18 Dec to Wed 23 Dec", as much as is known."""
        t, c = self.t, a.change
        milestone = self.ref(a.milestone)
        new = t.date(c.new_due) if c.new_due else ""
        if milestone and c.new_due and c.old_due and c.old_due != c.new_due:
            return t("agreed_moves", milestone=milestone, old=t.date(c.old_due), new=new)
        if milestone and new:
            return t("agreed_due", milestone=milestone, new=new)
        if milestone:
            return t("agreed_for", milestone=milestone)
        if new:
            return t("agreed_date", new=new)
        return t("agreed")

    def agreed_line(self, a: Agreed) -> str:
        """The whole line of a change agreed this week, for the text part."""
        return self.t("agreed_line", change=self.change_name(a.change),
                      detail=self.agreed_detail(a))

    def agreed_impact(self, a: Agreed) -> str:
        impact = one_line(a.change.impact)
        return self.t("change_impact", impact=impact) if impact else ""

    def bar(self, row: Row) -> str:
        """The text fallback of a timeline bar: its dates and its status."""
        t = self.t
        when = t.span(row.start, row.end) if row.start and row.end else t("no_dates")
        said = f"{when} · {t(f'bar_{row.status.value}')}"
        if row.slip_days and row.baseline:
            said += " · " + t("bar_slip", days=t.days(row.slip_days), date=t.short(row.baseline))
        return said

    def text_calendar(self, tl: Timeline, groups: list[tuple[str, int]]) -> tuple[str, ...]:
        """The header of the text timeline: months, the Mondays' days, a this-week marker."""
        month_line, column = "", 0
        for label, span in groups:
            gap = column - display_width(month_line)
            month_line += " " * (gap if gap > 0 else (1 if month_line else 0)) + label
            column += 3 * span
        days = " ".join(f"{w.start.day:02d}" for w in tl.weeks)
        lines = [month_line.rstrip(), days]
        if tl.current >= 0:
            lines.append(" " * (3 * tl.current) + "^^ " + self.t("this_week"))
        return tuple(lines)

    @staticmethod
    def html_marks(tl: Timeline) -> bool:
        """Whether the HTML timeline shows a ‹ or › (a bar going on past the weeks shown):
        on the first or last cell when that cell is drawn or the row has no cell drawn."""
        return any((row.before and (row.cells[0] or not any(row.cells)))
                   or (row.after and (row.cells[-1] or not any(row.cells)))
                   for row in tl.rows if row.cells)

    @staticmethod
    def text_marks(tl: Timeline) -> bool:
        """Whether the text timeline shows a < or > (only on a row with no week drawn)."""
        return any((row.before or row.after) and not any(row.cells) for row in tl.rows)

    def text_bar(self, row: Row) -> str:
        """A bar for the text part: three characters a week, "." for a week without it."""
        char = BAR_CHARS.get(row.status, "=")
        cells = [char * 3 if on else ".  " for on in row.cells]
        if row.baseline_cell >= 0:  # where the baseline ended: a thin bar at its week's end
            cells[row.baseline_cell] = cells[row.baseline_cell][:2] + "|"
        if row.before and not any(row.cells):
            cells[0] = "<  "
        if row.after and not any(row.cells):
            cells[-1] = "  >"
        return "".join(cells)


def help_passage(words: Catalog, help_offer: str) -> tuple[str, ...]:
    """What a good PM says under items the client is late with: ask why ("Is something in
    the way? Reply and tell us.") and offer the help the Project tab's ``Help we can offer``
    lists ("We can help: a, b and c."); without that list, only the question."""
    offers = [one_line(part).strip().rstrip(".。") for part in
              help_offer.replace("；", ";").replace("\n", ";").split(";")]
    offers = [o for o in offers if o]
    why = words("ask_why")
    if not offers:
        return (why,)
    return why, words("offer_help", help=words.join(offers, shown=len(offers)))


def subject_line(report: Report, words: Catalog) -> str:
    """"<project> — weekly report, week ending <date>", always on one line."""
    return one_line(words("subject", project=one_line(report.project),
                          date=words.long(report.as_of)))


# --------------------------------------------------------------------------- reminders


class Card(NamedTuple):
    """One item of a reminder, in words: the same content for the text and HTML parts."""

    kind: str  # a ``reminders.AskKind`` value
    badge: str  # "Overdue", "Please confirm", "Decision needed"
    title: str  # "M5 Homepage and product copy"
    facts: tuple[str, ...]  # due date and how late, what was delivered, what a change does
    holds: tuple[str, ...]  # what it holds up, and by how many days
    todo: str  # what the client should do
    mention: str  # "2nd reminder" from the second mention, else ""


def _names(words: Catalog, refs: Iterable[tuple[str, str]]) -> str:
    return words.join(one_line(f"{key} {title}") if title else one_line(key)
                      for key, title in refs)


def holds_sentences(item: Item, words: Catalog) -> tuple[str, ...]:
    """"If this stays late, M6 Build and M13 Go-live move by 6 days.", one sentence a number
    of days (most first), then the milestones that wait without a projected move."""
    by_days: dict[int, list[tuple[str, str]]] = {}
    for h in item.holds_up:
        by_days.setdefault(h.days, []).append((h.id, h.title))
    out = [words.n("r_moves", len(refs), names=_names(words, refs), days=words.days(days))
           for days, refs in sorted(by_days.items(), reverse=True) if days > 0]
    if by_days.get(0):
        out.append(words.n("r_waits", len(by_days[0]), names=_names(words, by_days[0])))
    return tuple(out)


def fact_sentences(item: Item, words: Catalog) -> tuple[str, ...]:
    """When it was due and how late it is, plus what a delivery or a change is about."""
    t = words
    if item.kind is AskKind.CLIENT_OVERDUE:
        facts = [t("r_overdue", date=t.date(item.due), days=t.days(item.days_late))
                 if item.due else ""]
    elif item.kind is AskKind.UNCONFIRMED:
        facts = [t("r_unconfirmed", done=t.date(item.since) if item.since else "",
                   date=t.date(item.due) if item.due else "", days=t.days(item.days_late))]
        if one_line(item.note):
            facts.append(t("r_acceptance", text=one_line(item.note)))
    else:
        facts = [t("r_change_since", date=t.date(item.since), days=t.days(item.days_late))
                 if item.since else t("r_change_undated")]
        m = item.move
        if m is not None and m.new_due is not None:
            name = _names(t, [(m.id, m.title)])
            if m.old_due is not None and m.old_due != m.new_due:
                facts.append(t("r_change_moves", milestone=name, old=t.date(m.old_due),
                               new=t.date(m.new_due)))
            else:
                facts.append(t("r_change_due", milestone=name, new=t.date(m.new_due)))
        if one_line(item.note):
            facts.append(t("r_change_impact", text=one_line(item.note)))
    return tuple(f for f in facts if f)


def reminder_card(item: Item, words: Catalog) -> Card:
    """Everything the email says about one item."""
    return Card(
        kind=item.kind.value,
        badge=words(f"r_kind_{item.kind.value}"),
        title=_names(words, [(item.id, item.title)]),
        facts=fact_sentences(item, words),
        holds=holds_sentences(item, words),
        todo=words(f"r_do_{item.kind.value}"),
        mention=words("r_mention", nth=words.ordinal(item.mention)) if item.mention > 1 else "",
    )


def reminder_subject(reminder: Reminder, settings: Settings, words: Catalog) -> str:
    """"Acme website rollout: 3 items waiting on you", firmer words as the tone steps up."""
    return one_line(words.n(f"r_subject_{reminder.tone.value}", len(reminder.items),
                            project=one_line(settings.name), n=len(reminder.items)))

