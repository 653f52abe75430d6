"""The staff commands (CONTRACT section 7): ``preview`` and ``digest``."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _preview_dir(cfg_state_dir: str, given: str | None) -> Path:
    return Path(given) if given else Path(cfg_state_dir) / "previews"


@click.command("preview")
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="The day the preview goes (default: today); the next report follows it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--dry-run", is_flag=True, help="Render, but send and write nothing.")
@click.option("--force", is_flag=True, help="Send again even if this report's preview went.")
@click.option("--preview-dir", metavar="FOLDER",
              help="With --dry-run: where the .eml and .html go (default: the state dir).")
@click.pass_context
def preview_cmd(ctx: click.Context, sources: tuple[str, ...], as_of: str | None, as_json: bool,
                dry_run: bool, force: bool, preview_dir: str | None) -> None:
    """Email the team the next report as it will go, under a "Before it goes" checklist."""
    from sheetsync.cli import main as cli
    from sheetsync.shell import preview_flow, wiring
    from sheetsync.shell import summaries as views
    from sheetsync.shell.preview_files import write_preview

    day = cli._as_of(as_of)
    cfg = cli._config(ctx)
    run = wiring.context_for(cfg, cli.now_utc())
    with run.transport:
        results = [preview_flow.preview(s, run, as_of=day, dry_run=dry_run, force=force)
                   for s in cli._sources(sources, cfg)]
    folder = _preview_dir(cfg.state_dir, preview_dir)
    paths = []
    for p in results:
        if dry_run and p.sent.message is not None:
            paths.append(write_preview(p.sent.message, folder, "preview", p.sent.period,
                                       run.now)[1])
    if as_json:
        click.echo(json.dumps({"projects": [preview_flow.preview_json(p) for p in results]},
                              ensure_ascii=False, indent=2))
    else:
        for p in results:
            if p.sent.result != "failed":
                click.echo(views.sent_line(p.sent, "preview")
                           + f" ({len(p.checks)} checks to look at)")
        for path in paths:
            click.echo(str(path))
    for p in results:
        if p.sent.result == "failed":
            click.echo(f"sheetsync: {p.sent.project}: {p.sent.detail}", err=True)
    cli._finish(any(p.sent.result == "failed" for p in results))


@click.command("digest")
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The digest's day (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--dry-run", is_flag=True, help="Render, but send nothing.")
@click.option("--force", is_flag=True, help="Send again even if this day's digest went.")
@click.option("--preview-dir", metavar="FOLDER",
              help="With --dry-run: where the .eml and .html go (default: the state dir).")
@click.pass_context
def digest_cmd(ctx: click.Context, sources: tuple[str, ...], as_of: str | None, as_json: bool,
               dry_run: bool, force: bool, preview_dir: str | None) -> None:
    """One email over every project, the ones needing attention first, to [digest] to."""
    from sheetsync.cli import main as cli
    from sheetsync.shell import agency, pipeline, wiring
    from sheetsync.shell.preview_files import write_preview

    day = cli._as_of(as_of)
    cfg = cli._config(ctx)
    now = cli.now_utc()
    if day is not None:  # the digest's day at noon UTC: every project's "today" is that day
        now = now.replace(year=day.year, month=day.month, day=day.day, hour=12, minute=0)
    run = wiring.context_for(cfg, now)
    reads = []
    for source in cli._sources(sources, cfg):
        try:
            reads.append(agency.Read(source, pipeline.load(source, run.open_source).project))
        except Exception as exc:
            reads.append(agency.Read(source, None, str(exc)))
    rows = agency.digest_rows(reads, run)
    period = day or now.date()
    outcome = None
    if not as_json or dry_run or cfg.digest.to:
        with run.transport:
            outcome = agency.send_digest(rows, run, cfg.digest.to, period, dry_run=dry_run,
                                         force=force)
    if as_json:
        from sheetsync.core.digest import digest_json

        data = digest_json(rows)
        if outcome is not None:
            data["result"] = outcome.result
            data["detail"] = outcome.detail
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif outcome is not None:
        who = ", ".join(outcome.to) or "nobody"
        click.echo(f"digest {outcome.result}" + (f" to {who}" if outcome.result == "sent" else "")
                   + (f": {outcome.detail}" if outcome.detail else ""))
    if dry_run and outcome is not None and outcome.message is not None:
        click.echo(str(write_preview(outcome.message, _preview_dir(cfg.state_dir, preview_dir),
                                     "digest", period.isoformat(), now)[1]))
    cli._finish(outcome is not None and outcome.result == "failed")
