"""How much of a long list an email shows: the most urgent ``SHOWN`` lines, then "and 1,234
more in the sheet". A project of 20,000 milestones still makes an email well under 1 MB.

The lists come ordered most urgent first (``core.report``, ``core.reminders``); the counts
of the summary are taken before any cut, so they stay true. Pure.
"""

from __future__ import annotations

from dataclasses import replace

from sheetsync.core.reminders import Reminder
from sheetsync.core.report_shapes import Report

SHOWN = 30  # lines of one list an email shows


def cap_report(report: Report, shown: int = SHOWN) -> tuple[Report, dict[str, int]]:
    """The report with each list cut to ``shown`` lines, and how many each list left out."""
    more = {
        "notes": max(0, len(report.summary.notes) - shown),
        "completed": max(0, len(report.completed) - shown),
        "agreed": max(0, len(report.agreed) - shown),
        "problems": max(0, len(report.problems) - shown),
        "next_steps": max(0, len(report.next_steps) - shown),
        "waiting": max(0, len(report.waiting) - shown),
        "timeline": max(0, len(report.timeline.rows) - shown),
    }
    if not any(more.values()):
        return report, more
    cut = replace(
        report,
        summary=replace(report.summary, notes=report.summary.notes[:shown]),
        completed=report.completed[:shown],
        agreed=report.agreed[:shown],
        problems=report.problems[:shown],
        next_steps=report.next_steps[:shown],
        waiting=report.waiting[:shown],
        timeline=replace(report.timeline, rows=report.timeline.rows[:shown]),
    )
    return cut, more


def cap_reminder(reminder: Reminder, shown: int = SHOWN) -> tuple[Reminder, int]:
    """The reminder with its first ``shown`` items (most pressing first), and how many more."""
    more = max(0, len(reminder.items) - shown)
    return (replace(reminder, items=reminder.items[:shown]) if more else reminder), more
