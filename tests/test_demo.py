"""``make demo`` prints each command exactly as it ran, and under it what that command printed.

A new admin copies a command the demo shows and expects what the demo showed under it. This
runs the demo in a fresh folder, then replays every printed command (with the printed
``export`` settings, from a fresh copy of the example) in a shell and compares each
command's output with what the demo printed under it. The one ``--json`` command is shown
as a table, and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.fixtures_env import child_environ

ROOT = Path(__file__).resolve().parents[1]
# an outbox file name holds the clock and a random Message-ID
VARIES = re.compile(r"\d{8}-\d{6}-[\w.-]+?-[0-9a-f]{8}\.eml")


def _demo(folder: Path) -> str:
    (folder / "examples").mkdir()
    shutil.copy2(ROOT / "examples" / "acme-rollout.xlsx", folder / "examples")
    env = child_environ()
    env |= {"COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "sheetsync.cli.demo"], cwd=folder, env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _blocks(output: str) -> list[tuple[str, list[str]]]:
    """(command, the lines printed under it) for every "$ " line of the demo."""
    blocks: list[tuple[str, list[str]]] = []
    for line in output.splitlines():
        if line.startswith("$ "):
            blocks.append((line[2:], []))
        elif blocks and line.strip():
            blocks[-1][1].append(line)
    return blocks


def test_each_printed_command_gives_what_the_demo_shows_under_it(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    output = _demo(demo)
    blocks = _blocks(output)
    exports = [c for c, _ in blocks if c.startswith("export ")]
    commands = [(c, shown) for c, shown in blocks if not c.startswith("export ")]
    assert [c.split(" -m sheetsync ")[1].split()[0] for c, _ in commands] == [
        "check", "check", "report"]
    assert all(c.startswith(f"{sys.executable} -m sheetsync ") or " -m sheetsync " in c
               for c, _ in commands)

    # replay: a fresh copy of the example, the printed settings, the printed commands
    replay = tmp_path / "replay"
    (replay / "demo-output").mkdir(parents=True)
    shutil.copy2(ROOT / "examples" / "acme-rollout.xlsx", replay / "demo-output")
    script = "\n".join([*exports, *(c for c, _ in commands)])
    for command, shown in commands:
        env = child_environ()
        done = subprocess.run(["bash", "-c", "\n".join([*exports, command])], cwd=replay,
                              env=env, capture_output=True, text=True, check=False,
                              timeout=300)
        assert done.returncode == 0, (script, done.stderr)
        if "--json" in command:  # the one table, introduced as made from this JSON
            assert shown[0] == "(its JSON, shown as a table)"
            assert '"projects"' in done.stdout
            continue
        said = [VARIES.sub("<eml>", line) for line in done.stdout.splitlines() if line.strip()]
        assert said == [VARIES.sub("<eml>", line) for line in shown[:len(said)]], command
        assert said  # every command shown says something
