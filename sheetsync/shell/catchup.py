"""Weeks a job missed while sheetsync did not run: each its own ``skipped`` Log row.

After downtime (a host off for a month), ``run`` sends the latest report if it is within the
catch-up window, else logs it as skipped. The weeks between the last report this project
has a record of (the ledger, or the sheet's Log tab) and that one are skipped too: each gets
its own Log row and ledger record, all rows in one write to the sheet. A project with no
record of any report yet has no missed weeks (nothing says when it began).
"""

from __future__ import annotations

from datetime import date, timedelta

from sheetsync.core import logtab
from sheetsync.model import LogEntry
from sheetsync.shell.context import Context
from sheetsync.shell.delivery import append_log
from sheetsync.shell.pipeline import Loaded

MAX_WEEKS = 104  # at most two years of missed weeks are logged


def missed(loaded: Loaded, ctx: Context, job: str, period: date,
           every: int = 7) -> tuple[date, ...]:
    """The periods ``every`` days apart between the last recorded one and ``period``
    (both left out) that have no record in the ledger or the Log tab."""
    source = loaded.backend.source
    known: set[date] = set()
    for r in ctx.ledger.records(source):
        if r.job == job:
            try:
                known.add(date.fromisoformat(r.period))
            except ValueError:
                continue
    layout = loaded.project.layout
    if layout is not None:
        known |= {day for day, _ in logtab.logged_periods(layout.log, job)}
    earlier = [day for day in known if day < period]
    if not earlier:
        return ()
    out: list[date] = []
    day = max(earlier) + timedelta(days=every)
    while period - day >= timedelta(days=every) and len(out) < MAX_WEEKS:
        out.append(day)
        day += timedelta(days=every)
    return tuple(out)


def log_missed(loaded: Loaded, ctx: Context, job: str, period: date, skip: str = "") -> str:
    """Record each missed period as skipped (ledger) and write their Log rows in one write,
    with ``period``'s own row when it is skipped too (``skip``: why); returns why the sheet
    refused them ("" when written, or when there was nothing to write)."""
    source, name = loaded.backend.source, loaded.project.settings.name
    todo = [(day, f"not sent for {day.isoformat()}: sheetsync did not run in time for it "
                  "(missed while it was stopped); send it by hand with `sheetsync report "
                  f"SOURCE --as-of {day.isoformat()}` if it is still wanted")
            for day in missed(loaded, ctx, job, period)]
    if skip:
        todo.append((period, skip))
    entries = []
    for day, detail in todo:
        ctx.ledger.done(source, job, day.isoformat(), at=ctx.now, result="skipped",
                        detail=detail)
        entries.append(LogEntry(ctx.now, job, name, (), "", "skipped", "", detail))
    if not entries or not loaded.raw.can_write:  # a workbook open in Excel: its Problems
        return ""  # tab says so, and the ledger has the rows' periods all the same
    return append_log(loaded, *entries)
