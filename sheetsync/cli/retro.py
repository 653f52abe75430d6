"""``sheetsync retro``: the retrospective of one project (CONTRACT section 8).

Prints the figures (``--json``: the contract's shape), writes the HTML document
(``--out FILE.html``) and mails it to the Team emails (``--send``). Registered on the
``sheetsync`` group by ``cli.main``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sheetsync.errors import ConfigError
from sheetsync.host import config

if TYPE_CHECKING:
    from sheetsync.shell import retro_flow


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.",
                                 param_hint=option) from None


def _summary(outcome: retro_flow.RetroOutcome) -> str:
    assert outcome.retro is not None
    m = outcome.retro.metrics
    rate = "–" if m.on_time_rate is None else f"{round(100 * m.on_time_rate)}%"
    return (f"{outcome.retro.project}: {m.done} of {m.milestones} milestones done, {rate} on "
            f"time, {m.slip_days} days of slip, {m.changes.count} change requests "
            f"(+{m.changes.days_added} days)")


@click.command()
@click.argument("source", metavar="SOURCE")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First Due of the phase.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last Due of the phase.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="The day that stands in for open work (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--out", "out", metavar="FILE.html", help="Write the document for the meeting.")
@click.option("--send", is_flag=True, help="Mail the document to the Team emails.")
@click.pass_context
def retro(ctx: click.Context, source: str, start: str | None, end: str | None,
          as_of: str | None, as_json: bool, out: str | None, send: bool) -> None:
    """The retrospective: what happened against the plan, in numbers, for the client meeting."""
    from sheetsync.cli.main import now_utc  # the one place the command line reads the clock
    from sheetsync.core import retro as retro_mod  # the rendering and mail stacks load only
    from sheetsync.shell import pipeline, retro_flow, wiring  # when retro runs

    first, last, day = _day(start, "--from"), _day(end, "--to"), _day(as_of, "--as-of")
    if first and last and first > last:
        raise click.BadParameter("--from is after --to; give the phase's first day first.",
                                 param_hint="--from")
    cfg = config.load(ctx.find_root().obj)
    now = now_utc()
    run = wiring.context_for(cfg, now) if send else None
    if run is not None:
        with run.transport:
            outcome = retro_flow.retro(source, pipeline.opener(cfg), now, as_of=day,
                                       start=first, end=last, ctx=run)
    else:
        outcome = retro_flow.retro(source, pipeline.opener(cfg), now, as_of=day, start=first,
                                   end=last)
    if outcome.error is not None:
        where = "" if source in str(outcome.error) else f"{source}: "
        click.echo(f"sheetsync: {where}{outcome.error}", err=True)
        sys.exit(2 if isinstance(outcome.error, ConfigError) else 1)
    assert outcome.retro is not None
    if out:
        try:
            Path(out).write_text(outcome.html, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{out} could not be written ({exc.strerror or exc}); give a "
                              "path in a folder you can write to.") from exc
    if as_json:
        data = retro_mod.to_json(outcome.retro)
        if send:
            data["sent"] = {"result": outcome.sent, "recipients": list(outcome.recipients),
                            "detail": outcome.detail}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(outcome))
        if out:
            click.echo(f"wrote {out}")
        if send:
            click.echo(f"{outcome.sent}: {', '.join(outcome.recipients)}"
                       + (f" ({outcome.detail})" if outcome.detail else ""))
    if send and outcome.sent == "failed":
        click.echo(f"sheetsync: {source}: the retrospective could not be sent "
                   f"({outcome.detail}).", err=True)
        sys.exit(1)
