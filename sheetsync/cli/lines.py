"""What ``check``, ``report`` and ``remind`` print while they work, project by project.

Each project's line is printed as soon as that project is done (a failure once, on stderr),
led by the project's name in the config file, else its SOURCE (``summaries.lead``). On a
terminal, with more than one project and no ``--json``, the progress bar ``run`` has is
drawn on stderr; under cron (no terminal) there is none.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import click

from sheetsync.host import config
from sheetsync.shell import summaries as views
from sheetsync.shell.drafts import Sent

T = TypeVar("T")


def labels(cfg: config.Config) -> dict[str, str]:
    """Each SOURCE's name in the config file, for the lines a person reads."""
    return {p.source: p.name for p in cfg.projects if p.name}


def name_for(names: dict[str, str], source: str) -> str:
    """The config name of ``source``, also when it is given as a path relative to here."""
    if source in names:
        return names[source]
    if source.startswith(("gsheet:", "http://", "https://")):
        return ""
    return names.get(str(Path(source).resolve()), "")


def wanted(todo: list[str], as_json: bool) -> bool:
    """A progress bar: on a terminal, for more than one project, without --json."""
    return len(todo) > 1 and sys.stderr.isatty() and not as_json


def each(todo: list[str], work: Callable[[str], T], names: dict[str, str], *,
         progress: bool) -> Iterator[T]:
    """``work`` on each SOURCE in turn, yielding each result as it is ready, with a bar on
    stderr when ``progress``. A line printed to stdout meanwhile goes above the bar when
    stdout is the terminal too, and straight to the pipe or file when it is not."""
    if not progress:
        yield from (work(source) for source in todo)
        return
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(transient=True, console=Console(stderr=True),
                   redirect_stdout=sys.stdout.isatty(), redirect_stderr=False)
    task = bar.add_task("projects", total=len(todo))
    bar.start()
    try:
        for source in todo:
            bar.update(task, description=name_for(names, source) or source, refresh=True)
            result = work(source)
            bar.advance(task)
            yield result
    finally:
        bar.stop()


def print_sent(done: Iterable[Sent], as_json: bool, job: str,
               names: dict[str, str], pages: dict[str, str] | None = None) -> list[Sent]:
    """Each project's line as its email is done (a failure, a send of unknown outcome, or a
    Log row the sheet would not take, on stderr), or at the end one JSON object; returns the
    outcomes. ``pages``: a dry run's .html page by source (its path is printed, or the
    JSON's ``preview``)."""
    pages = {} if pages is None else pages
    results = []
    for r in done:
        results.append(r)
        name = name_for(names, r.source)
        head = views.lead(name or r.source, r.project)
        if r.result == "failed":  # an unreadable sheet's sentence names it already, as check's
            named = not name and r.project == r.source and r.source in r.detail
            where = "" if named else f"{head}: "
            click.echo(f"sheetsync: {where}{r.detail}", err=True)
        elif r.result == "unknown":  # a failed project too (exit 1): said where errors go
            click.echo(f"sheetsync: {head}: {job} unknown: {r.detail.removeprefix('unknown: ')}",
                       err=True)
        elif not as_json:
            page = f"; open {pages[r.source]}" if r.source in pages else ""
            click.echo(views.sent_line(r, job, name) + page)
        if r.result != "failed" and r.log_pending:  # the email went out; no Log row yet
            click.echo(f"sheetsync: {head}: {r.log_pending}", err=True)
    if as_json:
        projects = []
        for r in results:
            data = views.sent_json(r)
            if r.source in pages:
                data["preview"] = pages[r.source]
            if job != "report":
                data["items"] = list(r.items)
            projects.append(data)
        click.echo(json.dumps({"projects": projects}, ensure_ascii=False, indent=2))
    return results


def shard(value: str | None) -> tuple[int, int] | None:
    """``I/N`` with 1 <= I <= N, else a usage error that says how to write it."""
    if value is None:
        return None
    first, _, second = value.partition("/")
    if first.strip().isdigit() and second.strip().isdigit():
        i, n = int(first), int(second)
        if 1 <= i <= n:
            return i, n
    raise click.BadParameter(f"{value!r} is not a shard; write I/N with 1 <= I <= N, e.g. "
                             "2/3 for the second of three hosts.", param_hint="--shard")
