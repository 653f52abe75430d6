"""Options every command takes, added once to each command of the group."""

from __future__ import annotations

import click


def _config_here(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """``sheetsync report --config PATH``: the same file as ``sheetsync --config PATH report``
    (the group keeps the path as its ``obj``, which every command loads its settings from)."""
    if value is not None:
        ctx.find_root().obj = value


def config_everywhere(group: click.Group) -> None:
    """Give each command of ``group`` a ``--config PATH`` of its own, so the config file may
    be named before the command or among its options (CONTRACT section 5: ``--config
    PATH``); a command that has its own ``--config`` keeps it."""
    for command in group.commands.values():
        if not any("--config" in getattr(p, "opts", ()) for p in command.params):
            command.params.append(click.Option(
                ["--config"], metavar="PATH", expose_value=False, is_eager=True,
                callback=_config_here, hidden=True))  # documented with the global options
