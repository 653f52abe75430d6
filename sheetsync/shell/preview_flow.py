"""The preview of one project: the checklist "Before it goes" and the client report exactly
as it will go, to the Team emails, on the working day before each report (once a report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sheetsync.core import calendar, rules
from sheetsync.core import preview as checklist_mod
from sheetsync.core.preview import Check
from sheetsync.render import staff
from sheetsync.render.emails import Rendered
from sheetsync.shell import delivery, report_flow
from sheetsync.shell.context import Context
from sheetsync.shell.drafts import Draft, Sent
from sheetsync.shell.pipeline import Loaded, attempt


@dataclass(frozen=True)
class Previewed:
    sent: Sent
    checks: tuple[Check, ...] = ()
    language: str = "en"
    report_day: date | None = None


def preview_loaded(loaded: Loaded, ctx: Context, *, as_of: date, report_day: date | None = None,
                   dry_run: bool = False, force: bool = False) -> Previewed:
    """The preview that goes on ``as_of`` for the next report (``report_day``, else the
    project's next send day after ``as_of``); its ledger period is the report's day."""
    project = loaded.project
    s = project.settings
    day = report_day or calendar.preview_report_day(as_of, s, calendar.report_anchor(project))
    report = report_flow.report_draft(loaded, day)
    checks = checklist_mod.checklist(project, rules.assess(project, as_of),
                                     rules.assess(project, day), as_of)
    subject, text, html = staff.render_preview(
        Rendered(report.subject, report.text, report.html), checks, s, day, s.report_time)
    draft = Draft("preview", day, subject, text, html, to=s.team)
    sent = delivery.deliver(loaded, draft, ctx, dry_run=dry_run, force=force)
    return Previewed(sent, checks, s.language, day)


def preview(source: str, ctx: Context, *, as_of: date | None = None,
            dry_run: bool = False, force: bool = False) -> Previewed:
    """The preview of one SOURCE; errors become a ``failed`` outcome."""
    return attempt(source, ctx.open_source, ctx.now, as_of,
                   lambda loaded, day: preview_loaded(loaded, ctx, as_of=day, dry_run=dry_run,
                                                      force=force),
                   lambda error, loaded: Previewed(delivery.failed(source, error, loaded)))


def preview_json(p: Previewed) -> dict[str, object]:
    """One project of ``preview --json``: the report's keys, the report's day, the checks."""
    from sheetsync.shell.summaries import sent_json

    return {**sent_json(p.sent),
            "report_day": p.report_day.isoformat() if p.report_day else None,
            "checks": [{"code": c.code.value, "ids": list(c.ids),
                        "text": staff.check_text(c, p.language)} for c in p.checks]}
