"""The ``sheetsync`` command (CONTRACT section 4): arguments, output, exit codes.

Exit status: 0 done (flags and problems are still success), 1 a project failed while the
others were processed, 2 a usage or configuration error. Errors are one plain sentence on
stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import json
import sys
import traceback
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

import click

from sheetsync import __version__, config, pipeline, views
from sheetsync.errors import ConfigError, SheetsyncError

if TYPE_CHECKING:
    from sheetsync.delivery import Sent


class _Group(click.Group):
    """Turns a SheetsyncError into one sentence and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetsyncError as exc:
            if ctx.meta.get("sheetsync.debug"):
                traceback.print_exc()
            click.echo(f"sheetsync: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH",
              help="Config file (default: ./sheetsync.toml when present).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="sheetsync")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, debug: bool) -> None:
    """Keep client projects moving: flag a project workbook, report to the client."""
    ctx.meta["sheetsync.debug"] = debug
    ctx.obj = config_path


def _config(ctx: click.Context) -> config.Config:
    return config.load(ctx.find_root().obj)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.",
                                 param_hint="--as-of") from None


def _sources(given: tuple[str, ...], cfg: config.Config) -> list[str]:
    if given:
        return list(given)
    if not cfg.projects:
        raise ConfigError("no SOURCE given and no projects in the config file; name an .xlsx "
                          "file or gsheet:<id>, or list projects in sheetsync.toml.")
    return [p.source for p in cfg.projects]


def now_utc() -> datetime:
    """The one place the command line reads the clock."""
    return datetime.now(UTC)


def _finish(failed: bool) -> NoReturn:
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge as of this day.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--dry-run", is_flag=True, help="Write nothing to the sheet.")
@click.pass_context
def check(ctx: click.Context, sources: tuple[str, ...], as_of: str | None, as_json: bool,
          dry_run: bool) -> None:
    """Validate, compute flags, and write Flag, Flag detail and Problems."""
    day = _as_of(as_of)
    cfg = _config(ctx)
    open_source = pipeline.opener(cfg)
    now = now_utc()
    results = [pipeline.check(s, open_source, now=now, as_of=day, dry_run=dry_run)
               for s in _sources(sources, cfg)]
    if as_json:
        click.echo(json.dumps(views.check_json(results, day), ensure_ascii=False, indent=2))
    else:
        for r in results:
            click.echo(views.check_line(r))
    for r in results:
        if r.error is not None:
            click.echo(f"sheetsync: {r.source}: {r.error}", err=True)
            if isinstance(r.error, ConfigError):
                sys.exit(2)
    _finish(any(r.error is not None for r in results))


@main.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The week that ends on this day.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--dry-run", is_flag=True, help="Render, but send and write nothing.")
@click.option("--force", is_flag=True, help="Send again even if this week's report went out.")
@click.pass_context
def report(ctx: click.Context, sources: tuple[str, ...], as_of: str | None, as_json: bool,
           dry_run: bool, force: bool) -> None:
    """Send each project's weekly client report, at most once a week."""
    day = _as_of(as_of)
    cfg = _config(ctx)
    from sheetsync import delivery

    run = delivery.run_for(cfg, now_utc())
    with run.transport:
        results = [delivery.report(s, run, as_of=day, force=force, dry_run=dry_run)
                   for s in _sources(sources, cfg)]
    _print_sent(results, as_json, "report")
    _finish(any(r.result == "failed" for r in results))


def _print_sent(results: list[Sent], as_json: bool, job: str) -> None:
    if as_json:
        projects = []
        for r in results:
            data = views.sent_json(r)
            if job != "report":
                data["items"] = list(r.items)
            projects.append(data)
        click.echo(json.dumps({"projects": projects}, ensure_ascii=False, indent=2))
    else:
        for r in results:
            click.echo(views.sent_line(r, job))
    for r in results:
        if r.result == "failed":
            click.echo(f"sheetsync: {r.project}: {r.detail}", err=True)
