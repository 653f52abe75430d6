"""``make demo``: the main job on the bundled example project, end to end, with no account.

It copies ``examples/acme-rollout.xlsx`` to ``demo-output/``, runs ``sheetsync check`` on
the copy as of the example's Friday, shows the flags and problems it found, then runs
``sheetsync report`` with the outbox transport (no SMTP account needed) and says where the
workbook, the email (.eml) and its HTML preview are. The commands it runs are printed, so
the demo also shows how to run them by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

EXAMPLE = Path("examples/acme-rollout.xlsx")
OUT = Path("demo-output")
AS_OF = "2026-11-27"  # the example project's Friday: every flag is raised on this day


def _sheetsync(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sheetsync", *args]
    Console(stderr=True).print(f"[dim]$ sheetsync {' '.join(args)}[/dim]")
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


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
    env |= {"SHEETSYNC_OUTBOX": str(OUT / "outbox"), "SHEETSYNC_STATE_DIR": str(OUT / "state"),
            "SHEETSYNC_FROM": "Studio Projects <projects@studio.example>"}

    checked = _sheetsync("check", str(workbook), "--as-of", AS_OF, "--json", env=env)
    if checked.returncode != 0:
        console.print(checked.stderr)
        return checked.returncode
    project = json.loads(checked.stdout)["projects"][0]
    table = Table(title=f"{project['project']}: flags as of {AS_OF}")
    for column in ("ID", "Milestone", "Owner", "Due", "Status", "Flags"):
        table.add_column(column)
    for m in project["milestones"]:
        table.add_row(m["id"], m["title"], m["owner"], m["due"] or "?", m["status"],
                      ", ".join(m["flags"]) or "-")
    console.print(table)
    for p in project["problems"]:
        console.print(f"[yellow]Problem[/yellow] {p['tab']}!{p['cell']} ({p['value']!r}): "
                      f"{p['problem']}. {p['how_to_fix']}")

    sent = _sheetsync("report", str(workbook), "--as-of", AS_OF, "--json", env=env)
    if sent.returncode != 0:
        console.print(sent.stderr)
        return sent.returncode
    result = json.loads(sent.stdout)["projects"][0]
    console.print(f"\nWeekly report: [bold]{result['result']}[/bold] — {result['subject']}")
    console.print(f"  to {', '.join(result['recipients'])}")
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
