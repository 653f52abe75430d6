"""Client emails: subject, a text/plain part and an email-safe HTML part.

``render_report(report, settings)`` fills the Jinja2 templates in ``render/templates``
(HTML autoescaped, every name strict) with a ``Report``, the project's language catalog
(``lang.catalog``, as ``t``) and the sentences made of its words (``phrases``).
``weekly_email(project, assessments, as_of)`` builds and renders in one call.
``render_reminder(reminder, settings)`` does the same for a ``reminders.Reminder``.
Pure: no clock, no file but the package's own templates, no network.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sheetsync.core.reminders import AskKind, Reminder, Tone
from sheetsync.core.report import build_report
from sheetsync.core.report_shapes import Ask, EntryKind, Report, State
from sheetsync.core.timeline import BarStatus
from sheetsync.lang import catalog
from sheetsync.lang.catalog import Catalog
from sheetsync.model import Assessment, Project, Settings
from sheetsync.render import actions
from sheetsync.render.caps import cap_reminder, cap_report
from sheetsync.render.phrases import (
    Phrases,
    bullet,
    help_passage,
    months,
    one_line,
    reminder_card,
    reminder_subject,
    subject_line,
    underline,
)

STATE_COLOURS = {  # (strong, pale) per overall state
    State.ON_TRACK: ("#1e7b34", "#e7f5ea"),
    State.AT_RISK: ("#9a5b00", "#fff4d6"),
    State.LATE: ("#b42318", "#fdecea"),
}
BAR_COLOURS = {
    BarStatus.DONE: "#3c9a5f",
    BarStatus.LATE: "#d64545",
    BarStatus.BLOCKED: "#e8710a",
    BarStatus.AT_RISK: "#f2b632",
    BarStatus.CLIENT: "#8b5cf6",
    BarStatus.ACTIVE: "#3b82f6",
    BarStatus.PLANNED: "#a9b7c9",
}
KIND_COLOURS = {
    EntryKind.UPDATE: "#9aa5b1",
    EntryKind.DONE: BAR_COLOURS[BarStatus.DONE],
    EntryKind.OVERDUE: BAR_COLOURS[BarStatus.LATE],
    EntryKind.CLIENT_OVERDUE: BAR_COLOURS[BarStatus.LATE],
    EntryKind.BLOCKED: BAR_COLOURS[BarStatus.BLOCKED],
    EntryKind.AT_RISK: BAR_COLOURS[BarStatus.AT_RISK],
    EntryKind.DUE: BAR_COLOURS[BarStatus.ACTIVE],
    EntryKind.CONFIRMED: BAR_COLOURS[BarStatus.DONE],
    EntryKind.CHANGES: BAR_COLOURS[BarStatus.BLOCKED],
}
CHANGE_COLOUR = "#6d3fd6"  # the left rule of a change agreed this week
URGENT_ASKS = frozenset({Ask.CLIENT_OVERDUE, Ask.UNCONFIRMED})


class Rendered(NamedTuple):
    """What a ``Message`` needs from the report: its subject and its two parts."""

    subject: str
    text: str
    html: str


@functools.cache
def environment() -> Environment:
    """The template environment: HTML autoescaped, undefined names an error."""
    return Environment(
        loader=PackageLoader("sheetsync.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


REPLY_KINDS = {Ask.CLIENT_OVERDUE: "client", Ask.CLIENT_DUE_SOON: "client",
               Ask.UNCONFIRMED: "confirm", Ask.CONFIRM: "confirm",
               Ask.APPROVE_CHANGE: "approve",
               AskKind.CLIENT_OVERDUE: "client", AskKind.UNCONFIRMED: "confirm",
               AskKind.CHANGE: "approve"}


def _reply_parts(settings: Settings, words: Catalog, signer: actions.Signer | None,
                 ) -> dict[str, object]:
    """The reply buttons of a waiting item (none without a signer) and the one line that
    says what they do (CONTRACT section 6)."""
    def buttons(w: Any) -> tuple[actions.Button, ...]:
        ref = w.change or w.milestone  # a change request's buttons stand for the request
        return actions.buttons(REPLY_KINDS.get(w.ask, ""), ref.id if ref else "",
                               settings.name, settings.language, signer)

    shown = signer is not None and bool(signer.address)
    return {"buttons": buttons, "buttons_hint": words("buttons_hint") if shown else ""}


def _context(whole: Report, settings: Settings, words: Catalog,
             signer: actions.Signer | None = None) -> dict[str, object]:
    strong, pale = STATE_COLOURS[whole.summary.state]
    report, more = cap_report(whole)
    return {
        **_reply_parts(settings, words, signer),
        "report": report,
        "more": {key: words("more_in_sheet", n=f"{n:,}") if n else ""
                 for key, n in more.items()},
        "waiting_count": len(whole.waiting),
        "t": words,
        "p": Phrases(words),
        "subject": subject_line(whole, words),
        "week": words("week", start=words.date(report.week_start), end=words.full(report.as_of)),
        "pm": one_line(settings.pm_name),
        "client": one_line(report.client),
        # under the client's overdue items: ask why, offer help (the cards say the consequence)
        "passage": help_passage(words, settings.help_offer)
        if any(w.ask is Ask.CLIENT_OVERDUE for w in report.waiting) else (),
        "months": months(report.timeline.weeks, words),
        "state_colour": strong,
        "state_pale": pale,
        "bar_colours": {s.value: c for s, c in BAR_COLOURS.items()},
        "kind_colours": {k.value: c for k, c in KIND_COLOURS.items()},
        "change_colour": CHANGE_COLOUR,
        "urgent": {a.value for a in URGENT_ASKS},
        "shown_bars": [s.value for s in BarStatus
                       if any(r.status is s for r in report.timeline.rows)],
        "one_line": one_line,
        "underline": underline,
        "bullet": bullet,
    }


def _render(name: str, context: Mapping[str, object]) -> Rendered:
    """Fill ``<name>.txt.j2`` and ``<name>.html.j2`` with ``context``."""
    env = environment()
    text = env.get_template(f"{name}.txt.j2").render(context)
    html = env.get_template(f"{name}.html.j2").render(context)
    return Rendered(str(context["subject"]), text, html)


def render_report(report: Report, settings: Settings,
                  signer: actions.Signer | None = None) -> Rendered:
    """(subject, text, html) of the report in ``settings.language``, signed by the PM;
    with a ``signer``, each waiting item carries its reply buttons."""
    words = catalog.get(settings.language)
    return _render("report", _context(report, settings, words, signer))


def weekly_email(project: Project, assessments: tuple[Assessment, ...], as_of: date,
                 impact: Mapping[str, int] | None = None) -> Rendered:
    """Build the report of the week ending ``as_of`` and render it: Message-ready parts."""
    report = build_report(project, assessments, as_of, impact)
    return render_report(report, project.settings)


# --------------------------------------------------------------------------- reminders

TONE_COLOURS = {  # (strong, pale) per reminder tone
    Tone.FRIENDLY: ("#6d3fd6", "#f8f5ff"),
    Tone.FIRMER: ("#9a5b00", "#fff4d6"),
    Tone.FIRM: ("#b42318", "#fdecea"),
}
KIND_ACCENTS = {
    AskKind.CLIENT_OVERDUE: "#b42318",
    AskKind.UNCONFIRMED: "#1d4ed8",
    AskKind.CHANGE: "#6d3fd6",
}


def _reminder_context(reminder: Reminder, settings: Settings, words: Catalog,
                      signer: actions.Signer | None = None) -> dict[str, object]:
    strong, pale = TONE_COLOURS[reminder.tone]
    tone = reminder.tone.value
    shown, more = cap_reminder(reminder)
    project = one_line(settings.name)
    pm = one_line(settings.pm_name) or settings.pm_email or words("r_pm")
    sponsor = settings.sponsor_email if reminder.cc_sponsor else ""
    return {
        "t": words,
        "subject": reminder_subject(reminder, settings, words),
        "project": project,
        "client": one_line(settings.client),
        "day": words.full(reminder.as_of),
        "intro": words.n(f"r_intro_{tone}", len(reminder.items), project=project,
                         n=len(reminder.items)),
        "sponsor": words("r_sponsor", sponsor=sponsor) if sponsor else "",
        "cards": [reminder_card(i, words) for i in shown.items],
        "card_buttons": [actions.buttons(REPLY_KINDS[i.kind], i.id, settings.name,
                                         settings.language, signer) for i in shown.items],
        "more": words("more_in_sheet", n=f"{more:,}") if more else "",
        "buttons_hint": words("buttons_hint") if signer is not None and signer.address else "",
        "passage": help_passage(words, settings.help_offer),
        "thanks": words(f"r_thanks_{tone}"),
        "signature": one_line(settings.pm_name) or words("team"),
        "reply": words("r_reply", pm=pm),
        "footer": words("r_footer", days=words.days(settings.reminder_every_days)),
        "tone_colour": strong,
        "tone_pale": pale,
        "accents": {k.value: c for k, c in KIND_ACCENTS.items()},
        "underline": underline,
        "bullet": bullet,
    }


def render_reminder(reminder: Reminder, settings: Settings,
                    signer: actions.Signer | None = None) -> Rendered:
    """(subject, text, html) of a reminder in ``settings.language``, signed by the PM;
    with a ``signer``, each item carries its reply buttons."""
    words = catalog.get(settings.language)
    return _render("reminder", _reminder_context(reminder, settings, words, signer))
