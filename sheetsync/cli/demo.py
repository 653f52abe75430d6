"""``make demo``: the main job on the bundled example project, end to end, with no account.

It copies ``examples/acme-rollout.xlsx`` to ``demo-output/``, runs ``sheetsync check`` on
the copy as of the example's Friday, shows the flags and problems it found, then runs
``sheetsync report`` with the outbox transport (no SMTP account needed) and says where the
workbook, the email (.eml) and its HTML preview are.

Every command it runs is printed exactly as it ran (``$ .venv/bin/python -m sheetsync
...``, the environment it sets printed once above), and what follows a command is that
command's own output; the one table is introduced as a table made from the printed
``--json`` command's output, so typing a printed command gives what the demo shows.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

EXAMPLE = Path("examples/acme-rollout.xlsx")
OUT = Path("demo-output")
AS_OF = "2026-11-27"  # the example project's Friday: every flag is raised on this day
SETTINGS = {"SHEETSYNC_OUTBOX": str(OUT / "outbox"), "SHEETSYNC_STATE_DIR": str(OUT / "state"),
            "SHEETSYNC_FROM": "Studio Projects <projects@studio.example>"}


def _python() -> str:
    """This interpreter as a person would type it here: relative when under this folder."""
    path = Path(sys.executable)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def command_line(args: list[str]) -> str:
    """The exact command the demo runs, as one line a shell runs the same way."""
    return shlex.join([_python(), "-m", "sheetsync", *args])


def _sheetsync(console: Console, *args: str, env: dict[str, str],
               show_output: bool = True) -> subprocess.CompletedProcess[str]:
    console.print(f"\n[dim]$ {escape(command_line(list(args)))}[/dim]", soft_wrap=True)
    done = subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True,
                          text=True, env=env, check=False)
    if show_output:
        console.print(escape(done.stdout.rstrip("\n")), highlight=False, soft_wrap=True)
    if done.returncode != 0:
        console.print(escape(done.stderr.rstrip("\n")), style="red", highlight=False,
                      soft_wrap=True)
    return done


def main() -> int:
    console = Console()
    if not EXAMPLE.exists():
        console.print(f"[red]{EXAMPLE} is missing; run 'make templates' to generate it.[/red]")
        return 1
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    workbook = OUT / EXAMPLE.name
    shutil.copy2(EXAMPLE, workbook)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env |= SETTINGS
    console.print("[dim]The commands below run with these settings (no SMTP: emails go to "
                  "the outbox folder):[/dim]")
    for name, value in SETTINGS.items():
        console.print(f"[dim]$ export {escape(shlex.join([f'{name}={value}']))}[/dim]",
                      soft_wrap=True)

    checked = _sheetsync(console, "check", str(workbook), "--as-of", AS_OF, env=env)
    if checked.returncode != 0:
        return checked.returncode
    shown = _sheetsync(console, "check", str(workbook), "--as-of", AS_OF, "--dry-run",
                       "--json", env=env, show_output=False)
    if shown.returncode != 0:
        return shown.returncode
    project = json.loads(shown.stdout)["projects"][0]
    console.print("[dim](its JSON, shown as a table)[/dim]")
    table = Table(title=f"{escape(project['project'])}: flags as of {AS_OF}")
    for column in ("ID", "Milestone", "Owner", "Due", "Status", "Flags"):
        table.add_column(column)
    for m in project["milestones"]:
        table.add_row(*(escape(str(v)) for v in (
            m["id"], m["title"], m["owner"], m["due"] or "?", m["status"],
            ", ".join(m["flags"]) or "-")))
    console.print(table)
    for p in project["problems"]:
        console.print(f"[yellow]Problem[/yellow] {escape(p['tab'])}!{p['cell']} "
                      f"({escape(repr(p['value']))}): {escape(p['problem'].rstrip('.'))}. "
                      f"{escape(p['how_to_fix'])}")

    sent = _sheetsync(console, "report", str(workbook), "--as-of", AS_OF, env=env)
    if sent.returncode != 0:
        return sent.returncode
    emails = sorted((OUT / "outbox").glob("*.eml"))
    previews = sorted((OUT / "outbox").glob("*.html"))
    console.print("\nWhere things are:")
    console.print(f"  workbook with Flag columns and a Problems tab: {workbook}")
    for path in emails + previews:
        console.print(f"  {'email' if path.suffix == '.eml' else 'preview'}: {path}")
    console.print("\nOpen the preview in a browser to see what the client receives.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
