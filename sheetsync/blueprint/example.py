"""What the generated workbooks hold besides their structure: settings and example rows.

``template_sample(language)`` is the "Example project" a template starts with, a few rows
for staff to overwrite, in any catalog language; ``ACME`` is the Acme website rollout demo
(English) whose milestones raise every flag on ``blueprint.EXAMPLE_AS_OF``. Rows are keyed
by schema column keys; ``blueprint.build`` lays them into tabs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheetsync.lang import catalog
from sheetsync.model import ChangeStatus, Owner, Status, UpdateType

Row = Mapping[str, Any]  # column key -> an enum, bool, date or plain value


@dataclass(frozen=True)
class Content:
    """What a workbook holds besides its structure: settings and example rows by key."""

    title: str
    settings: Row  # Project field key -> value
    milestones: tuple[Row, ...] = ()
    updates: tuple[Row, ...] = ()
    changes: tuple[Row, ...] = ()
    history: tuple[Row, ...] = ()  # the History tab as sheetsync would have written it


def template_sample(language: str) -> Content:
    """The sample content of the template in ``language``: its words are the catalog's
    ``[sample]``."""
    say = catalog.get(language).sample
    return Content(
        title=say("title"),
        settings={
            "name": say("name"),
            "client": say("client"),
            "client_emails": "client@example.com",
            "sponsor_email": "sponsor@example.com",
            "pm_name": say("pm_name"),
            "pm_email": "pm@example.com",
            "time_zone": say("time_zone"),
            "language": language,
            "report_day": 4,
            "report_time": "16:00",
            "due_soon_days": 7,
            "confirm_within_days": 5,
            "reminder_every_days": 3,
            "help_offer": say("help_offer"),
            "date_order": say("date_order") or None,
            "reports_paused": False,
        },
        milestones=(
            {"id": "M1", "title": say("m1_title"), "owner": Owner.TEAM,
             "start": date(2026, 3, 2), "due": date(2026, 3, 6), "status": Status.DONE,
             "acceptance": say("m1_acceptance"),
             "done_on": date(2026, 3, 5), "client_confirmed": True,
             "confirmed_on": date(2026, 3, 9)},
            {"id": "M2", "title": say("m2_title"), "owner": Owner.TEAM,
             "start": date(2026, 3, 9), "due": date(2026, 3, 27), "status": Status.IN_PROGRESS,
             "acceptance": say("m2_acceptance"),
             "depends_on": "M1"},
            {"id": "M3", "title": say("m3_title"),
             "owner": Owner.CLIENT, "due": date(2026, 4, 3), "status": Status.NOT_STARTED,
             "depends_on": "M1"},
            {"id": "M4", "title": say("m4_title"), "owner": Owner.TEAM,
             "due": date(2026, 4, 24), "status": Status.NOT_STARTED,
             "depends_on": say("m4_depends_on"),
             "notes": say("m4_notes")},
        ),
        updates=(
            {"date": date(2026, 3, 5), "type": UpdateType.DONE, "milestone": "M1",
             "text": say("u1_text"), "by": say("pm_name"), "internal": False},
            {"date": date(2026, 3, 6), "type": UpdateType.PROBLEM, "milestone": "M3",
             "text": say("u2_text"), "by": say("pm_name"), "internal": False},
            {"date": date(2026, 3, 6), "type": UpdateType.NEXT, "milestone": "M2",
             "text": say("u3_text"), "by": say("pm_name"), "internal": False},
            {"date": date(2026, 3, 6), "type": UpdateType.NOTE,
             "text": say("u4_text"), "by": say("pm_name"), "internal": True},
        ),
        changes=(
            {"id": "CR-1", "date": date(2026, 3, 4), "requested_by": say("cr1_requested_by"),
             "change": say("cr1_change"), "impact": say("cr1_impact"), "milestone": "M2",
             "old_due": date(2026, 3, 25), "new_due": date(2026, 3, 27),
             "status": ChangeStatus.APPROVED, "client_approved": True},
        ),
    )


def _m(ident: str, title: str, owner: Owner, status: Status, due: object, *,
       start: date | None = None, done_on: date | None = None, confirmed: bool | None = None,
       confirmed_on: date | None = None, depends: str = "", acceptance: str = "",
       notes: str = "", reason: str = "") -> Row:
    return {"id": ident, "title": title, "owner": owner, "status": status, "start": start,
            "due": due, "done_on": done_on, "client_confirmed": confirmed,
            "confirmed_on": confirmed_on, "depends_on": depends or None,
            "acceptance": acceptance or None, "notes": notes or None,
            "delay_reason": reason or None}


def _u(day: date, kind: UpdateType, text: str, milestone: str = "", by: str = "Sam Lee",
       internal: bool = False) -> Row:
    return {"date": day, "type": kind, "text": text, "milestone": milestone or None,
            "by": by, "internal": internal}


_TEAM, _CLIENT = Owner.TEAM, Owner.CLIENT

# The plan as first checked on 4 Sep (ID, owner, baseline due), then what staff changed:
# (day, ID, field, from, to). M12's Due never read as a date, so it has no baseline.
_BASELINES = (("M1", "Team", "2026-09-11"), ("M2", "Client", "2026-09-25"),
              ("M3", "Team", "2026-10-09"), ("M4", "Team", "2026-10-30"),
              ("M5", "Client", "2026-11-13"), ("M6", "Team", "2026-11-17"),
              ("M7", "Team", "2026-12-01"), ("M8", "Team", "2026-11-27"),
              ("M9", "Team", "2026-12-04"), ("M10", "Team", "2026-12-09"),
              ("M11", "Client", "2026-12-16"), ("M13", "Team", "2026-12-18"))
_EVENTS = (
    ("2026-09-07", "M1", "Status", "Not started", "In progress"),
    ("2026-09-10", "M1", "Status", "In progress", "Done"),
    ("2026-09-10", "M1", "Done on", "", "2026-09-10"),
    ("2026-09-14", "M1", "Client confirmed", "", "Yes"),
    ("2026-09-24", "M2", "Status", "Not started", "Done"),
    ("2026-09-24", "M2", "Done on", "", "2026-09-24"),
    ("2026-10-02", "M3", "Due", "2026-10-09", "2026-10-16"),
    ("2026-10-15", "M3", "Status", "Not started", "Done"),
    ("2026-10-15", "M3", "Done on", "", "2026-10-15"),
    ("2026-10-20", "M3", "Client confirmed", "", "Yes"),
    ("2026-10-23", "M4", "Due", "2026-10-30", "2026-11-06"),
    ("2026-11-06", "M6", "Due", "2026-11-17", "2026-11-24"),
    ("2026-11-09", "M5", "Due", "2026-11-13", "2026-11-20"),
    ("2026-11-13", "M4", "Status", "Not started", "Done"),
    ("2026-11-13", "M4", "Done on", "", "2026-11-13"),
    ("2026-11-25", "M8", "Status", "Not started", "Done"),
    ("2026-11-25", "M8", "Done on", "", "2026-11-25"),
)


def _history() -> tuple[Row, ...]:
    rows: list[Row] = []
    for ident, owner, due in _BASELINES:
        rows += [{"date": "2026-09-04", "id": ident, "field": "Baseline due", "from": None,
                  "to": due},
                 {"date": "2026-09-04", "id": ident, "field": "Status", "from": None,
                  "to": "Not started"},
                 {"date": "2026-09-04", "id": ident, "field": "Owner", "from": None,
                  "to": owner}]
    rows += [{"date": day, "id": ident, "field": name, "from": old or None, "to": new}
             for day, ident, name, old, new in sorted(_EVENTS)]
    return tuple(rows)

# As of Friday 2026-11-27 (Due soon days 7, Confirm within days 5), the flags are:
#   M4 UNCONFIRMED, M5 CLIENT_OVERDUE, M6 OVERDUE, M7 DUE_SOON, M8 AWAITING_CONFIRMATION,
#   M9 BLOCKED + DUE_SOON + AT_RISK, M10 and M11 AT_RISK (M11 through M10), M12 INVALID
#   (its Due 31/02/2026 does not exist: the one deliberate problem), M13 AT_RISK.
ACME = Content(
    title="Acme website rollout",
    settings={
        "name": "Acme website rollout",
        "client": "Acme Corp",
        "client_emails": "maria.chen@acme.example, ops@acme.example",
        "sponsor_email": "robert.kim@acme.example",
        "pm_name": "Sam Lee",
        "pm_email": "sam.lee@studio.example",
        "cc": "accounts@studio.example",
        "time_zone": "Europe/London",
        "language": "en",
        "report_day": 4,
        "report_time": "16:00",
        "due_soon_days": 7,
        "confirm_within_days": 5,
        "reminder_every_days": 3,
        "help_offer": "a short call to go through what is needed; a first draft you can edit; "
                      "our designer's time to prepare the files",
        "date_order": "DMY",
        "reports_paused": False,
        "team_emails": "sam.lee@studio.example, priya.shah@studio.example",
    },
    milestones=(
        _m("M1", "Kick-off workshop", _TEAM, Status.DONE, date(2026, 9, 11),
           start=date(2026, 9, 7), done_on=date(2026, 9, 10), confirmed=True,
           confirmed_on=date(2026, 9, 14), acceptance="Goals, scope and contacts agreed"),
        _m("M2", "Brand guidelines and content brief", _CLIENT, Status.DONE, date(2026, 9, 25),
           start=date(2026, 9, 14), done_on=date(2026, 9, 24),
           notes="Maria sent the brand book and the tone-of-voice guide"),
        _m("M3", "Sitemap and wireframes", _TEAM, Status.DONE, date(2026, 10, 16),  # was 9 Oct
           start=date(2026, 9, 28), done_on=date(2026, 10, 15), confirmed=True,
           confirmed_on=date(2026, 10, 20), depends="M1, M2",
           acceptance="Maria signs off the sitemap and 12 wireframes"),
        _m("M4", "Visual design: home, product and checkout", _TEAM, Status.DONE,
           date(2026, 11, 6), start=date(2026, 10, 19), done_on=date(2026, 11, 13), depends="M3",
           acceptance="Acme marketing signs off the designs in Figma",
           notes="Delivered a week late; sign-off chased on 20 Nov", reason="Team capacity"),
        _m("M5", "Homepage and product copy", _CLIENT, Status.IN_PROGRESS, date(2026, 11, 20),
           start=date(2026, 11, 2), depends="M2",
           acceptance="Final copy for 40 product pages in the shared folder",
           reason="Client late"),
        _m("M6", "CMS build and page templates", _TEAM, Status.IN_PROGRESS, date(2026, 11, 24),
           start=date(2026, 11, 9), depends="M4",
           acceptance="All templates on staging, editable by Acme editors",
           notes="New due agreed in CR-1 (store locator)", reason="Scope change"),
        _m("M7", "Hosting, domain and SSL", _TEAM, Status.IN_PROGRESS, date(2026, 12, 1),
           start=date(2026, 11, 16), acceptance="www.acme.example served over HTTPS"),
        _m("M8", "Analytics and cookie consent", _TEAM, Status.DONE, date(2026, 11, 27),
           start=date(2026, 11, 18), done_on=date(2026, 11, 25),
           acceptance="Consent banner live; GA4 events visible to Acme"),
        _m("M9", "Product catalogue import", _TEAM, Status.BLOCKED, date(2026, 12, 4),
           start=date(2026, 11, 23), depends="M6",
           notes="Waiting for the product export from Acme's ERP"),
        _m("M10", "Content entry", _TEAM, Status.NOT_STARTED, date(2026, 12, 9), depends="M5, M9",
           acceptance="Every page of the sitemap filled in"),
        _m("M11", "User acceptance testing", _CLIENT, Status.NOT_STARTED, date(2026, 12, 16),
           depends="M10", acceptance="Acme's test list passed, no blocking bugs"),
        _m("M12", "Editor training", _TEAM, Status.NOT_STARTED, "31/02/2026",
           notes="Date to agree with Maria"),
        _m("M13", "Go-live", _TEAM, Status.NOT_STARTED, date(2026, 12, 18),
           depends="M7, M11, M12", acceptance="Site live, redirects checked, monitoring on"),
    ),
    updates=(
        _u(date(2026, 11, 13), UpdateType.DONE, "Visual designs sent to Acme for sign-off.",
           "M4"),
        _u(date(2026, 11, 16), UpdateType.NEXT, "CMS build continues; hosting set-up starts.",
           "M6", by="Priya Shah"),
        _u(date(2026, 11, 23), UpdateType.PROBLEM,
           "Product page templates took longer than planned; the CMS build runs 3 days late.",
           "M6", by="Priya Shah"),
        _u(date(2026, 11, 24), UpdateType.NOTE,
           "Acme asked for a French version of the site; raised as change request CR-2."),
        _u(date(2026, 11, 25), UpdateType.DONE,
           "Analytics and the cookie consent banner are live on staging.", "M8",
           by="Priya Shah"),
        _u(date(2026, 11, 26), UpdateType.PROBLEM,
           "The product export from Acme's ERP has not arrived, so the catalogue import is on "
           "hold.", "M9"),
        _u(date(2026, 11, 26), UpdateType.NOTE,
           "Priya is off on Monday; Tom covers the CMS templates.", "M6", internal=True),
        _u(date(2026, 11, 27), UpdateType.NEXT,
           "Finish the CMS templates by Tuesday; SSL certificate goes live on Monday.", "M6"),
        _u(date(2026, 11, 27), UpdateType.NEXT,
           "Please send the homepage and product copy by Wednesday 2 December.", "M5"),
    ),
    history=_history(),
    changes=(
        {"id": "CR-1", "date": date(2026, 11, 5), "requested_by": "Maria Chen",
         "change": "Add a store locator page with a map", "impact": "+1 week on the CMS build",
         "milestone": "M6", "old_due": date(2026, 11, 17), "new_due": date(2026, 11, 24),
         "status": ChangeStatus.APPROVED, "client_approved": True},
        {"id": "CR-2", "date": date(2026, 11, 23), "requested_by": "Maria Chen",
         "change": "Add a French version of the whole site",
         "impact": "+3 weeks and a translation budget; go-live moves to January",
         "milestone": "M13", "old_due": date(2026, 12, 18), "new_due": date(2027, 1, 8),
         "status": ChangeStatus.PROPOSED},
        {"id": "CR-3", "date": date(2026, 10, 28), "requested_by": "Acme IT",
         "change": "Switch the checkout to a new payment provider",
         "impact": "+4 weeks on the CMS build", "milestone": "M6",
         "status": ChangeStatus.REJECTED, "client_approved": False},
    ),
)
