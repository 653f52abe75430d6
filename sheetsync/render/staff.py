"""Staff emails: the preview (checklist + the client report as it will go), the team nudge
and the agency digest. Same conventions as ``emails.py`` (Jinja2 templates in
``render/templates``, HTML autoescaped, the words from the language catalogs); pure.

The preview does not render the report a second way: it takes the report's own rendered
parts (``emails.render_report``, the one renderer) and puts them under its checklist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from markupsafe import Markup

from sheetsync.core.digest import UNREADABLE, Row
from sheetsync.core.nudges import Nudge
from sheetsync.core.preview import Check, Code, Line
from sheetsync.lang import catalog
from sheetsync.lang.catalog import Catalog
from sheetsync.model import Settings
from sheetsync.render.emails import Rendered, _render
from sheetsync.render.phrases import bullet, one_line, underline

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
STATE_COLOURS = {"late": "#b42318", "at risk": "#9a5b00", "on track": "#1e7b34",
                 UNREADABLE: "#52606d"}
STATE_KEYS = {"late": "d_state_late", "at risk": "d_state_at_risk",
              "on track": "d_state_on_track", UNREADABLE: "d_state_unreadable"}


def _name(line: Line) -> str:
    return one_line(f"{line.id} {line.title}") if one_line(line.title) else one_line(line.id)


def check_lines(check: Check, t: Catalog) -> tuple[str, ...]:
    """Each thing to fix of one check, as a sentence that says what to type where."""
    if check.code is Code.NO_UPDATES:
        on = check.lines[0].on
        return (t("pv_NO_UPDATES", date=t.date(on)) if on else t("pv_NO_UPDATES_never"),)
    if check.code is Code.SHEET_PROBLEMS:
        first = check.lines[0].problem
        assert first is not None
        return (t.n("pv_SHEET_PROBLEMS", check.count, n=check.count, tab=first.tab,
                    cell=first.cell, problem=one_line(first.problem)),)
    out = []
    for line in check.lines:
        if check.code is Code.TEAM_OVERDUE:
            out.append(t("pv_TEAM_OVERDUE", name=_name(line), days=t.days(line.days),
                         who=line.who or t("pv_no_owner"), row=line.row))
        elif check.code is Code.NO_ACCEPTANCE:
            out.append(t("pv_NO_ACCEPTANCE", name=_name(line),
                         date=t.date(line.on) if line.on else "", row=line.row))
        else:
            out.append(t(f"pv_change_{line.what}", name=_name(line), row=line.row,
                         milestone=one_line(line.milestone),
                         date=t.date(line.on) if line.on else ""))
    return tuple(out)


def check_text(check: Check, language: str) -> str:
    """The ``text`` of one check in ``preview --json``."""
    return " ".join(check_lines(check, catalog.get(language)))


def render_preview(report: Rendered, checks: Sequence[Check], settings: Settings,
                   report_day: date, report_time: time) -> Rendered:
    """The preview: the checklist, then the client report's own parts, as they will go."""
    t = catalog.get(settings.language)
    body = _BODY.search(report.html)
    project = one_line(settings.name)
    context: dict[str, Any] = {
        "t": t,
        "subject": t("pv_subject", subject=report.subject),
        "project": project,
        "intro": t("pv_intro", project=project, date=t.full(report_day),
                   time=report_time.strftime("%H:%M")),
        "pause": t("pv_paused") if settings.reports_paused else t("pv_pause"),
        "paused": settings.reports_paused,
        "checks": [(c.code.value, check_lines(c, t)) for c in checks],
        "report_subject": report.subject,
        "report_text": report.text,
        "report_html": Markup(body.group(1) if body else report.html),
        "underline": underline,
        "bullet": bullet,
    }
    return _render("preview", context)


def render_nudge(nudge: Nudge, language: str) -> Rendered:
    t = catalog.get(language)
    cards = []
    for item in nudge.items:
        fact = (t("n_overdue", days=t.days(item.days_overdue), date=t.date(item.due))
                if item.days_overdue and item.due else
                t("n_due", date=t.date(item.due) if item.due else "",
                  when=t.when(item.days_to_due)))
        cards.append({"title": one_line(f"{item.id} {item.title}"), "fact": fact,
                      "late": bool(item.days_overdue),
                      "where": t("n_where", project=one_line(item.project), row=item.row)})
    context = {"t": t, "subject": t.n("n_subject", len(cards), n=len(cards)),
               "day": t.full(nudge.day), "cards": cards, "underline": underline,
               "bullet": bullet}
    return _render("nudge", context)


def _row_view(r: Row, t: Catalog) -> dict[str, Any]:
    client = [t.n("d_waiting", r.waiting_on_client, n=r.waiting_on_client)
              if r.waiting_on_client
              else t("d_waiting_none")]
    if r.oldest_client_days_late:
        client.append(t("d_oldest", days=t.days(r.oldest_client_days_late)))
    if r.state == UNREADABLE:
        update = ""
    elif r.days_since_update is None:
        update = t("d_update_never")
    elif r.days_since_update <= 0:
        update = t("d_update_today")
    else:
        update = t("d_update", days=t.days(r.days_since_update))
    reports = [t("d_last", date=t.short(r.last_report), result=r.last_report_result)
               if r.last_report else t("d_last_never")]
    if r.paused:
        reports.append(t("d_paused"))
    elif r.next_report:
        reports.append(t("d_next", date=t.date(r.next_report)))
    notes = [t.n("d_problems", r.problems, n=r.problems)] if r.problems else []
    return {"project": one_line(r.project), "state": t(STATE_KEYS[r.state]),
            "colour": STATE_COLOURS[r.state], "client": client if r.state != UNREADABLE else [],
            "last_update": update, "reports": reports if r.state != UNREADABLE else [],
            "notes": notes, "trouble": bool(r.troubles) or r.state == UNREADABLE}


def admin_lines(rows: Sequence[Row], t: Catalog) -> list[str]:
    out = []
    for r in rows:
        if r.state == UNREADABLE:
            out.append(t("d_unreadable", project=one_line(r.project), error=one_line(r.error)))
        for trouble in r.troubles:
            out.append(t("d_trouble", project=one_line(r.project), job=trouble.job,
                         period=trouble.period, result=t(f"d_result_{trouble.result}"),
                         detail=one_line(trouble.detail)).strip())
    return out


def render_digest(rows: Sequence[Row], day: date, language: str = "en") -> Rendered:
    t = catalog.get(language)
    needing = sum(1 for r in rows if r.state != "on track" or r.troubles)
    subject = (t.n("d_subject", needing, n=needing, date=t.short(day)) if needing
               else t("d_subject_calm", date=t.short(day)))
    context = {"t": t, "subject": subject, "day": t.full(day),
               "intro": t.n("d_intro", len(rows), n=len(rows)),
               "rows": [_row_view(r, t) for r in rows],
               "admin": admin_lines(rows, t), "underline": underline, "bullet": bullet}
    return _render("digest", context)
