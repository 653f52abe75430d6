"""The weekly client report of one project: build, render, deliver once a week."""

from __future__ import annotations

from datetime import date

from sheetsync.core import impact, rules
from sheetsync.core import report as report_mod
from sheetsync.render import emails as render
from sheetsync.shell import delivery
from sheetsync.shell.context import Context
from sheetsync.shell.drafts import Draft, Sent
from sheetsync.shell.pipeline import Loaded, attempt


def report_loaded(loaded: Loaded, ctx: Context, *, as_of: date, force: bool = False,
                  dry_run: bool = False) -> Sent:
    """Build, render and deliver the weekly report for the week that ends on ``as_of``."""
    project = loaded.project
    assessments = rules.assess(project, as_of)
    built = report_mod.build_report(project, assessments, as_of,
                                    impact=impact.slips(project, as_of))
    subject, text, html = render.render_report(built, project.settings)
    draft = Draft("report", as_of, subject, text, html, once_in_days=7)
    return delivery.deliver(loaded, draft, ctx, force=force, dry_run=dry_run)


def report(source: str, ctx: Context, *, as_of: date | None = None, force: bool = False,
           dry_run: bool = False) -> Sent:
    """The weekly client report of one SOURCE; errors become a ``failed`` outcome."""
    return attempt(source, ctx.open_source, ctx.now, as_of,
                   lambda loaded, day: report_loaded(loaded, ctx, as_of=day, force=force,
                                                     dry_run=dry_run),
                   lambda error, loaded: delivery.failed(source, error, loaded))
