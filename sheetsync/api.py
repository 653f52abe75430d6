"""sheetsync as a library: one project at one moment, for schedulers that are not cron.

An engine that already schedules work (Airflow, Celery, Kubernetes CronJobs, Dagster) can
call sheetsync per project instead of running ``sheetsync run`` over a whole config::

    from datetime import UTC, datetime
    from sheetsync import api

    outcome = api.run_project("gsheet:1AbC...", now=datetime.now(UTC))
    if outcome.failed:
        raise RuntimeError(outcome.error or [a.detail for a in outcome.actions])

Each function takes one SOURCE (an .xlsx path, a Google Sheet URL or ``gsheet:<id>``) and
one moment, uses the same settings as the CLI (``config``: a ``Config``, a path to a
``sheetsync.toml``, or None for ./sheetsync.toml and the environment), and returns the very
dataclass the CLI prints from (``check --json``, ``report --json``, ``run --json``). Errors of
the project become the outcome (``Checked.error``, ``Sent.result == "failed"``,
``ProjectRun.error``), as in a CLI run; only a bad setting raises (``ConfigError``) and a
naive ``now`` raises ``ValueError``. The same state dir, locks, send-once journal and Log
tab guard every caller, so an engine's retries and the CLI never send an email twice.
Worked examples: docs/api.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sheetsync.host import config as settings
from sheetsync.host.config import Config
from sheetsync.shell import pipeline
from sheetsync.shell.drafts import Sent
from sheetsync.shell.pipeline import Checked
from sheetsync.shell.reconcile import ProjectRun

__all__ = ["Checked", "Config", "ProjectRun", "Sent", "check", "remind", "report",
           "run_project"]


def _settings(config: Config | str | None) -> Config:
    return config if isinstance(config, Config) else settings.load(config)


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError(f"now={now.isoformat()} has no time zone; pass an aware datetime, "
                         "e.g. datetime.now(UTC).")
    return now


def check(source: str, *, now: datetime | None = None, as_of: date | None = None,
          dry_run: bool = False, config: Config | str | None = None) -> Checked:
    """``sheetsync check SOURCE``: flag the project and write Flag, Flag detail, Problems."""
    cfg = _settings(config)
    return pipeline.check(source, pipeline.opener(cfg), now=_moment(now), as_of=as_of,
                          dry_run=dry_run)


def report(source: str, *, now: datetime | None = None, as_of: date | None = None,
           force: bool = False, dry_run: bool = False,
           config: Config | str | None = None) -> Sent:
    """``sheetsync report SOURCE``: the weekly client report, at most once a week."""
    from sheetsync.shell import report_flow, wiring

    ctx = wiring.context_for(_settings(config), _moment(now))
    with ctx.transport:
        return report_flow.report(source, ctx, as_of=as_of, force=force, dry_run=dry_run)


def remind(source: str, *, now: datetime | None = None, as_of: date | None = None,
           dry_run: bool = False, config: Config | str | None = None) -> Sent:
    """``sheetsync remind SOURCE``: the client reminder, at most once a project day."""
    from sheetsync.shell import remind_flow, wiring

    ctx = wiring.context_for(_settings(config), _moment(now))
    with ctx.transport:
        return remind_flow.remind(source, ctx, as_of=as_of, dry_run=dry_run)


def run_project(source: str, *, now: datetime | None = None,
                config: Config | str | None = None) -> ProjectRun:
    """``sheetsync run SOURCE --now NOW``: whatever is due at ``now``, and nothing twice."""
    from sheetsync.jobs import registry
    from sheetsync.shell import reconcile, wiring

    ctx = wiring.context_for(_settings(config), _moment(now))
    with ctx.transport:
        return reconcile.reconcile(source, ctx, registry.JOBS)
