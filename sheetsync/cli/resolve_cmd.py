"""``sheetsync resolve``: record the admin's decision on a send of unknown fate."""

from __future__ import annotations

import click

from sheetsync.cli import main as face


@click.command()
@click.argument("source", metavar="SOURCE")
@click.option("--period", "period", metavar="YYYY-MM-DD", required=True,
              help="The report's week-ending day, or the reminder's day.")
@click.option("--job", type=click.Choice(["report", "remind"]), default="report",
              show_default=True, help="Which email.")
@click.option("--sent", "arrived", flag_value=True, default=None,
              help="It arrived: never send it again.")
@click.option("--resend", "arrived", flag_value=False,
              help="It did not arrive: the next run sends it again.")
@click.pass_context
def resolve(ctx: click.Context, source: str, period: str, job: str,
            arrived: bool | None) -> None:
    """Settle a send whose outcome is unknown (doctor lists them): --sent or --resend."""
    from sheetsync.shell import resolve as flow
    from sheetsync.shell import wiring

    if arrived is None:
        raise click.UsageError("say what the client told you: --sent (it arrived) or "
                               "--resend (send it again).")
    day = face._as_of(period)
    assert day is not None
    cfg = face._config(ctx)
    run = wiring.context_for(cfg, face.now_utc())
    click.echo(flow.resolve(source, run, job, day, arrived=arrived))
