"""The ``sheetsync`` command (CONTRACT section 4): arguments, output, exit codes.

Exit status: 0 done (flags and problems are still success), 1 a project failed while the
others were processed, 2 a usage or configuration error. Errors are one plain sentence on
stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from sheetsync import __version__
from sheetsync.cli import followthrough, inbox_cmd, lines
from sheetsync.cli import loop as service
from sheetsync.cli.options import config_everywhere
from sheetsync.core import days
from sheetsync.core import sources as sources_mod
from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.host import config
from sheetsync.lang.catalog import LANGUAGES
from sheetsync.shell import pipeline
from sheetsync.shell import summaries as views
from sheetsync.shell.reconcile import ProjectRun


class _Group(click.Group):
    """Turns a SheetsyncError, or a usage error, into one sentence and its exit code."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            _usage_error(exc)
        except SheetsyncError as exc:
            if ctx.meta.get("sheetsync.debug"):
                traceback.print_exc()
                if exc.detail:
                    click.echo(f"details: {exc.detail}", err=True)
            click.echo(f"sheetsync: {exc}", err=True)
            sys.exit(exc.exit_code)


def _usage_error(exc: click.UsageError) -> NoReturn:
    """A usage error as one sentence on stderr, naming the help to read, exit 2 (CONTRACT
    section 4); a bare ``sheetsync`` still shows its help."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        raise exc
    names = []
    ctx = exc.ctx
    while ctx is not None and ctx.parent is not None:  # the root's own name may be a path
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    where = " ".join(["sheetsync", *reversed(names), "--help"])
    click.echo(f"sheetsync: {exc.format_message().rstrip('. ')}; see '{where}'.", err=True)
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
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.",
                                 param_hint="--as-of") from None
    if days.out_of_range(day):
        raise click.BadParameter(days.out_of_range(day), param_hint="--as-of")
    return day


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
    todo, labels = _sources(sources, cfg), lines.labels(cfg)
    results = []
    for r in lines.each(todo, lambda s: pipeline.check(s, open_source, now=now, as_of=day,
                                                       dry_run=dry_run),
                        labels, progress=lines.wanted(todo, as_json)):
        results.append(r)
        name = lines.name_for(labels, r.source)
        if r.error is not None:  # said once, on stderr, as it happens
            where = (f"{name} ({r.source}): " if name
                     else "" if r.source in str(r.error) else f"{r.source}: ")
            click.echo(f"sheetsync: {where}{r.error}", err=True)
            if ctx.find_root().meta.get("sheetsync.debug") and getattr(r.error, "detail", ""):
                click.echo(f"  details: {r.error.detail}", err=True)
        elif not as_json:
            click.echo(views.check_line(r, name))
    if as_json:
        click.echo(json.dumps(views.check_json(results, day), ensure_ascii=False, indent=2))
    if any(isinstance(r.error, ConfigError) for r in results):
        sys.exit(2)
    _finish(any(r.error is not None for r in results))


@main.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The week that ends on this day.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--dry-run", is_flag=True, help="Render, but send and write nothing.")
@click.option("--force", is_flag=True, help="Send again even if this week's report went out.")
@click.option("--preview-dir", metavar="FOLDER",
              help="With --dry-run: where the .eml and .html go (default: the state dir).")
@click.pass_context
def report(ctx: click.Context, sources: tuple[str, ...], as_of: str | None, as_json: bool,
           dry_run: bool, force: bool, preview_dir: str | None) -> None:
    """Send each project's weekly client report, at most once a week."""
    from sheetsync.shell import report_flow, wiring  # mail and rendering: not for check
    from sheetsync.shell.preview_files import Pages

    day = _as_of(as_of)
    cfg = _config(ctx)
    run = wiring.context_for(cfg, now_utc())
    todo, labels = _sources(sources, cfg), lines.labels(cfg)
    pages = Pages(Path(preview_dir or Path(cfg.state_dir) / "previews"), "report", run.now)
    with run.transport:
        results = lines.print_sent(lines.each(
            todo, lambda s: pages.keep(report_flow.report(s, run, as_of=day, force=force,
                                                          dry_run=dry_run)),
            labels, progress=lines.wanted(todo, as_json)), as_json, "report", labels,
            pages.by_source)
    _finish(any(r.result in ("failed", "unknown") or r.log_pending for r in results))


@main.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Remind as of this day.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--dry-run", is_flag=True, help="Render, but send and write nothing.")
@click.pass_context
def remind(ctx: click.Context, sources: tuple[str, ...], as_of: str | None, as_json: bool,
           dry_run: bool) -> None:
    """Remind each client of what waits on them: at most one email a project and day."""
    from sheetsync.shell import remind_flow, wiring

    day = _as_of(as_of)
    cfg = _config(ctx)
    run = wiring.context_for(cfg, now_utc())
    todo, labels = _sources(sources, cfg), lines.labels(cfg)
    with run.transport:
        results = lines.print_sent(lines.each(
            todo, lambda s: remind_flow.remind(s, run, as_of=day, dry_run=dry_run),
            labels, progress=lines.wanted(todo, as_json)), as_json, "remind", labels)
    _finish(any(r.result in ("failed", "unknown") or r.log_pending for r in results))


def _now(value: str | None) -> datetime:
    if value is None:
        return now_utc()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} is not a moment with its offset; write it as "
                                 "YYYY-MM-DDTHH:MM+HH:MM, e.g. 2026-11-27T16:05+00:00.",
                                 param_hint="--now")
    if days.out_of_range(moment.date()):
        raise click.BadParameter(days.out_of_range(moment.date()), param_hint="--now")
    return moment


def _log_line(as_json: bool, event: dict[str, Any], text: str) -> None:
    """One line on stderr per noteworthy event: plain, or JSON with --log-json."""
    click.echo(json.dumps(event, ensure_ascii=False) if as_json else text, err=True)


def _run_once(cfg: config.Config, sources: list[str], now: datetime, *, progress: bool,
              log_json: bool, stop: Callable[[], bool] = lambda: False) -> list[ProjectRun]:
    """One reconciliation over every project: the body of ``run`` and of each tick."""
    from sheetsync.jobs import registry
    from sheetsync.shell import alerts, reconcile, wiring

    names = lines.labels(cfg)
    run_ctx = wiring.context_for(cfg, now)
    bar = None
    if progress:
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(transient=True, console=Console(stderr=True))  # stdout keeps the summary
        task = bar.add_task("projects", total=len(sources))
        bar.start()

    def seen(result: ProjectRun) -> None:
        if bar is not None:
            bar.advance(task)
        if result.failed or any(a.unknown for a in result.actions):
            named = views.summarise_run([result], lambda s: lines.name_for(names, s))
            for line in named.lines:
                _log_line(log_json, {"event": "problem", "project": result.project,
                                     "source": result.source, "detail": line}, line)

    try:
        with run_ctx.transport:
            replies, why_not = inbox_cmd.inbox_step(cfg, run_ctx, sources)
            if why_not:
                _log_line(log_json, {"event": "inbox-failed", "detail": why_not},
                          f"sheetsync: the replies could not be read: {why_not}")
            results = reconcile.reconcile_all(sources, run_ctx, registry.JOBS, on_project=seen,
                                              stop=stop, workers=cfg.google_workers)
            if not stop():  # nudges and the digest, over every project as this run read it
                done = reconcile.agency(results, run_ctx, registry.AGENCY_JOBS)
                if done:
                    results.append(ProjectRun("", "(all projects)", done))
            results = inbox_cmd.with_inbox(results, replies)
            try:
                told = alerts.alert(results, run_ctx, cfg.admin_email)
                why = told.detail if told is not None and told.result != "sent" else ""
            except SheetsyncError as exc:
                why = str(exc)
            if why:
                _log_line(log_json, {"event": "alert-failed", "detail": why},
                          f"sheetsync: the admin alert could not be sent: {why}")
    finally:
        if bar is not None:
            bar.stop()
    return results


@main.command("run")
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--now", "now_text", metavar="YYYY-MM-DDTHH:MM±HH:MM",
              help="Pretend it is this moment (default: the current time).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--log-json", is_flag=True, help="Log lines on stderr as JSON objects.")
@click.option("--shard", "shard_text", metavar="I/N",
              help="Only the projects in shard I of N (1-based), for N hosts sharing a config.")
@click.pass_context
def run_cmd(ctx: click.Context, sources: tuple[str, ...], now_text: str | None, as_json: bool,
            log_json: bool, shard_text: str | None) -> None:
    """Do whatever is due for each project, and nothing twice (for cron, every 15 minutes)."""
    now = _now(now_text)
    shard = lines.shard(shard_text)
    cfg = _config(ctx)
    todo = _sources(sources, cfg)
    if shard is not None:
        todo = [s for s in todo if sources_mod.shard_of(s, shard[1]) == shard[0]]
    log_json = log_json or cfg.json_logs
    results = _run_once(cfg, todo, now, log_json=log_json,
                        progress=len(todo) > 1 and sys.stderr.isatty() and not as_json)
    if as_json:
        click.echo(json.dumps(views.run_json(now, results), ensure_ascii=False, indent=2))
    elif log_json:
        click.echo(json.dumps(_summary_event(now, views.summarise_run(results)),
                              ensure_ascii=False))
    else:
        click.echo(views.summarise_run(results).line())
    _finish(any(r.failed for r in results))


def _summary_event(now: datetime, summary: views.RunSummary) -> dict[str, Any]:
    """The summary line as a JSON log event (``--log-json``, ``json_logs = true``)."""
    return {"event": "run", "now": now.isoformat(),
            **{k: v for k, v in summary.__dict__.items() if k != "lines"}}


inbox_cmd.register(main, _config, _sources, _now, _finish)


@main.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--every", "every", type=click.IntRange(1, 1440), default=None,
              metavar="MINUTES", help="Minutes between runs (default 15).")
@click.option("--log-json", is_flag=True, help="Log lines on stderr as JSON objects.")
@click.pass_context
def schedule(ctx: click.Context, sources: tuple[str, ...], every: int | None,
             log_json: bool) -> None:
    """Stay running and do what `run` does every --every minutes; SIGTERM exits cleanly."""
    cfg = _config(ctx)
    todo = _sources(sources, cfg)
    minutes = every or cfg.every_minutes
    log_json = log_json or cfg.json_logs
    stop = threading.Event()
    service.install_stop_handlers(stop)

    def tick() -> None:
        now = now_utc()
        results = _run_once(cfg, todo, now, progress=False, log_json=log_json, stop=stop.is_set)
        summary = views.summarise_run(results)
        _log_line(log_json, _summary_event(now, summary), summary.line())

    _log_line(log_json, {"event": "start", "every_minutes": minutes, "projects": len(todo)},
              f"sheetsync schedule: {views.count(len(todo), 'project')}, every "
              f"{'minute' if minutes == 1 else views.count(minutes, 'minute')}; "
              "Ctrl-C or SIGTERM to stop")
    service.serve(tick, minutes, stop, lambda tb: _log_line(
        log_json, {"event": "error", "detail": tb}, f"sheetsync: unexpected error:\n{tb}"))
    _log_line(log_json, {"event": "stop"}, "sheetsync schedule: stopped")
    sys.exit(0)


@main.command("init")
@click.argument("source")
@click.option("--language", default="en", show_default=True,
              type=click.Choice(LANGUAGES, case_sensitive=False),
              help="Language of the headers, notes and example rows.")
@click.pass_context
def init_cmd(ctx: click.Context, source: str, language: str) -> None:
    """Lay the template on a new Google Sheet shared with sheetsync, or create a new .xlsx."""
    from sheetsync.backends import kind
    from sheetsync.blueprint import layout as blueprint
    from sheetsync.shell.pipeline import access

    cfg = _config(ctx)
    for line in kind(source).lay_out(source, blueprint.template(language.lower()), access(cfg)):
        click.echo(line)


@main.command("doctor")
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def doctor_cmd(ctx: click.Context, sources: tuple[str, ...], as_json: bool) -> None:
    """Check the config, key file, sources, SMTP login and state folder; say how to fix each."""
    from sheetsync.shell import doctor

    diagnosis = doctor.diagnose(ctx.find_root().obj, sources)
    if as_json:
        click.echo(json.dumps(diagnosis.to_json(), ensure_ascii=False, indent=2))
        sys.exit(diagnosis.exit_code)
    for line in diagnosis.lines(bool(ctx.find_root().meta.get("sheetsync.debug"))):
        click.echo(line)
    sys.exit(diagnosis.exit_code)


from sheetsync.cli.config_cmd import config_cmd as _config_cmd  # noqa: E402 (uses the above)
from sheetsync.cli.resolve_cmd import resolve as _resolve  # noqa: E402 (it uses the above)
from sheetsync.cli.retro import retro as _retro  # noqa: E402 - registered on the group above

list(map(main.add_command, (followthrough.preview_cmd, followthrough.digest_cmd, _retro, _resolve,
                            _config_cmd)))


config_everywhere(main)  # --config PATH also after the command (CONTRACT section 5)
