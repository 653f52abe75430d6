"""``sheetsync inbox``, and the inbox step every ``run`` takes when IMAP is configured."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import click

from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.host.config import Config
from sheetsync.host.inbox_config import inbox_settings
from sheetsync.shell.context import Context


def run_inbox(cfg: Config, ctx: Context, sources: Sequence[str], *, dry_run: bool = False,
              dns: Callable[..., bytes | None] | None = None,
              every_project: bool = True) -> Any:
    """Read the sheetsync mailbox once for these projects; None when IMAP is not set.
    ``every_project`` False reads no sheet when no reply waits (``run``'s step)."""
    from sheetsync.render import actions
    from sheetsync.shell import inbox_flow

    settings = inbox_settings()
    if settings is None:
        return None

    def ack(loaded: Any, row: Any) -> tuple[str, str, str]:
        p = loaded.project
        title = next((m.title for m in p.milestones if m.id == row.item),
                     next((c.change for c in p.changes if c.id == row.item), ""))
        return actions.acknowledgement(row, p.settings.name, title, p.settings.language)

    return inbox_flow.handle(sources, ctx, settings, cfg.state_dir, dry_run=dry_run, dns=dns,
                             render_ack=ack, every_project=every_project)


def inbox_json(result: Any) -> dict[str, Any]:
    return {"projects": [
        {"project": p.project, "source": p.source,
         "responses": [{"from": r.sender, "item": r.item, "action": r.action,
                        "value": r.value, "message_id": r.message_id, "result": r.result}
                       for r in p.responses],
         **({"error": p.error} if p.error else {})} for p in result.projects],
        "unrouted": list(result.unrouted), "messages": result.messages,
        "imap_round_trips": result.round_trips}


def inbox_line(p: Any) -> str:
    applied = sum(1 for r in p.responses if r.applied)
    ignored = len(p.responses) - applied
    return (f"{p.project}: {len(p.responses)} repl{'y' if len(p.responses) == 1 else 'ies'}"
            f" ({applied} applied, {ignored} ignored)")


def register(main: click.Group, config: Callable[[click.Context], Config],
             sources_of: Callable[[tuple[str, ...], Config], list[str]],
             now_of: Callable[[str | None], datetime], finish: Callable[[bool], Any]) -> None:
    @main.command("inbox")
    @click.argument("sources", nargs=-1, metavar="[SOURCE...]")
    @click.option("--now", "now_text", metavar="YYYY-MM-DDTHH:MM±HH:MM",
                  help="Pretend it is this moment (token age, the day a reply records).")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
    @click.option("--dry-run", is_flag=True, help="Read and judge; write, mark and send nothing.")
    @click.pass_context
    def inbox(ctx: click.Context, sources: tuple[str, ...], now_text: str | None,
              as_json: bool, dry_run: bool) -> None:
        """Read the clients' reply-button answers over IMAP and record them in Responses."""
        from sheetsync.shell import wiring

        cfg = config(ctx)
        now = now_of(now_text)
        if inbox_settings() is None:
            raise ConfigError("no sheetsync mailbox: set SHEETSYNC_IMAP_HOST, "
                              "SHEETSYNC_IMAP_USER and SHEETSYNC_IMAP_PASSWORD (see the admin "
                              "guide, 'Client replies').")
        run = wiring.context_for(cfg, now)
        with run.transport:
            result = run_inbox(cfg, run, sources_of(sources, cfg), dry_run=dry_run)
        if as_json:
            click.echo(json.dumps(inbox_json(result), ensure_ascii=False, indent=2))
        else:
            for p in result.projects:
                if not p.error:
                    click.echo(inbox_line(p))
        for p in result.projects:
            if p.error:
                click.echo(f"sheetsync: {p.project}: {p.error}", err=True)
        finish(result.failed)


def inbox_step(cfg: Config, ctx: Context, sources: Sequence[str]) -> tuple[dict[str, str], str]:
    """The inbox part of a run: per source, one line for its ``inbox`` action; and a
    sentence when the mailbox could not be read (the run goes on without it)."""
    try:
        result = run_inbox(cfg, ctx, sources, every_project=False)
    except SheetsyncError as exc:
        return {}, str(exc)
    if result is None:
        return {}, ""
    return {p.source: (p.error or inbox_line(p)) for p in result.projects
            if p.responses or p.error}, ""


def with_inbox(results: list[Any], replies: dict[str, str]) -> list[Any]:
    """Each project's run with its ``inbox`` action first, where it had replies."""
    from dataclasses import replace

    from sheetsync.shell.reconcile import Action

    if not replies:
        return results
    out = []
    for r in results:
        line = replies.get(r.source)
        if line is None:
            out.append(r)
            continue
        failed = " (" not in line
        out.append(replace(r, actions=(Action("inbox", "failed" if failed else "done", line),
                                       *r.actions)))
    return out
