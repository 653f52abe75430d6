"""The weekly client report of one project: build, render, deliver once a week."""

from __future__ import annotations

from datetime import date, timedelta

from sheetsync.core import calendar, impact, rules
from sheetsync.core import report as report_mod
from sheetsync.render import actions
from sheetsync.render import emails as render
from sheetsync.shell import delivery
from sheetsync.shell.context import Context
from sheetsync.shell.drafts import Draft, Sent
from sheetsync.shell.pipeline import Loaded, attempt


def signer(ctx: Context, day: date) -> actions.Signer | None:
    """What the reply buttons of an email issued on ``day`` are signed with, if any."""
    if not ctx.reply_key or not ctx.reply_address:
        return None
    return actions.Signer(ctx.reply_key, ctx.reply_address, day)


def report_loaded(loaded: Loaded, ctx: Context, *, as_of: date, force: bool = False,
                  dry_run: bool = False) -> Sent:
    """Build, render and deliver the report for the week (or fortnight) that ends on ``as_of``."""
    draft = report_draft(loaded, as_of, signer(ctx, as_of))
    return delivery.deliver(loaded, draft, ctx, force=force, dry_run=dry_run)


def report_draft(loaded: Loaded, as_of: date, signed: actions.Signer | None = None) -> Draft:
    """The client report exactly as it goes for ``as_of`` (the preview shows this one);
    ``signed``: with the reply buttons."""
    project = loaded.project
    s = project.settings
    assessments = rules.assess(project, as_of)
    built = report_mod.build_report(project, assessments, as_of,
                                    impact=impact.slips(project, as_of),
                                    days=7 * max(s.report_every_weeks, 1))
    subject, text, html = render.render_report(built, s, signed)
    anchor = calendar.report_anchor(project)
    span = 7 * max(s.report_every_weeks, 1)
    scheduled = calendar.send_days(as_of - timedelta(days=span), as_of + timedelta(days=span),
                                   s, anchor)
    distinct = frozenset(scheduled) if as_of in scheduled else frozenset()
    return Draft("report", as_of, subject, text, html, once_in_days=span, distinct=distinct)


def report(source: str, ctx: Context, *, as_of: date | None = None, force: bool = False,
           dry_run: bool = False) -> Sent:
    """The weekly client report of one SOURCE; errors become a ``failed`` outcome."""
    return attempt(source, ctx.open_source, ctx.now, as_of,
                   lambda loaded, day: report_loaded(loaded, ctx, as_of=day, force=force,
                                                     dry_run=dry_run),
                   lambda error, loaded: delivery.failed(source, error, loaded))
