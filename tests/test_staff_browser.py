"""The preview and the digest in headless Chromium: they read at 375 px (nothing runs off
the right edge), and docs/preview-en-375.png and docs/digest-en-375.png show them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.core import calendar, digest, preview, rules
from sheetsync.core.report import build_report
from sheetsync.model import Project
from sheetsync.render import staff
from sheetsync.render.emails import Rendered, render_report
from tests.test_render_browser import DOCS, example_project, measure, screenshot

AS_OF = date(2026, 11, 26)  # the Thursday before the example's Friday report


def preview_html(language: str = "en") -> str:
    project = example_project(language)
    day = calendar.next_send_day(AS_OF, project.settings) or AS_OF
    report = build_report(project, rules.assess(project, day), day)
    checks = preview.checklist(project, rules.assess(project, AS_OF),
                               rules.assess(project, day), AS_OF)
    return staff.render_preview(Rendered(*render_report(report, project.settings)), checks,
                                project.settings, day, project.settings.report_time).html


def digest_html() -> str:
    base = example_project("en")
    rows = []
    names = ["Acme website rollout", "Borealis brand refresh", "Cobalt intranet",
             "Delta mobile app — phase 2 with a long name", "Ember CRM migration"]
    for i, name in enumerate(names):
        project = Project(base.source, base.settings.__class__(name),
                          milestones=base.milestones[: 3 + 2 * i], updates=base.updates)
        built = build_report(project, rules.assess(project, AS_OF), AS_OF)
        rows.append(digest.row(f"{name}.xlsx", built, digest.Sends(
            last_report=date(2026, 11, 20), last_report_result="sent",
            troubles=(digest.Trouble("report", "2026-11-20", "failed", "SMTP 554 refused"),)
            if i == 3 else ()), last_update=date(2026, 11, 20 + i), problems=i % 2,
            next_report=date(2026, 11, 27), language="en", paused=i == 4))
    rows.append(digest.unreadable("gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz",
                                  "the service account has no access to the sheet"))
    return staff.render_digest(digest.ordered(rows), AS_OF).html


def test_preview_and_digest_read_at_375_px() -> None:
    table = digest_html()
    assert "built-in method" not in table and "last update 6 days ago" in table
    for html in (preview_html("en"), preview_html("zh"), table):
        numbers = measure(html, 375)
        assert numbers["scroll"] == 375, numbers
        assert numbers["scripts"] == 0


def make_staff_screenshots(folder: Path = DOCS) -> list[Path]:
    shots = [(folder / "preview-en-375.png", preview_html("en")),
             (folder / "digest-en-375.png", digest_html())]
    for target, html in shots:
        screenshot(html, 375, target)
    return [target for target, _ in shots]
