"""``sheetsync config``: the effective settings (file, then environment), secrets redacted."""

from __future__ import annotations

import json
from typing import Any

import click

from sheetsync.cli import main as face
from sheetsync.errors import ConfigError
from sheetsync.host import config


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def config_cmd(ctx: click.Context, as_json: bool) -> None:
    """Show the effective settings (file, then environment), secrets redacted."""
    cfg = face._config(ctx)
    data = cfg.redacted()
    data["email_goes_to"] = (f"outbox folder {cfg.outbox_dir}" if cfg.uses_outbox
                             else f"SMTP {cfg.smtp.host}")
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"config file: {cfg.path or '(none: defaults and environment only)'}")
    for key, value in data.items():
        if key in ("projects", "path"):
            continue
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                click.echo(f"{key}.{sub}: {_shown(key, sub, subvalue, cfg)}")
        else:
            click.echo(f"{key}: {value}")
    click.echo(f"projects: {len(cfg.projects)}")
    for p in cfg.projects:
        click.echo(f"  - {p.name or p.source}: {p.source}")


def _shown(table: str, key: str, value: Any, cfg: config.Config) -> str:
    """A setting as ``config`` prints it: an unset port is the usual one, said so."""
    if (table, key) == ("smtp", "port") and value is None:
        try:
            return f"{cfg.smtp.checked().port} (the usual port for {cfg.smtp.security})"
        except ConfigError:
            return "(the usual port for the security)"
    return "(not set)" if value is None else str(value)
