"""docs/reference.md is true: it is held to the program itself.

- every command of the click group has a section, and every section a command; each
  section holds the command's help sentence and each option ``--help`` lists, with that
  option's help text, and no option the command does not have;
- the global options of ``sheetsync --help`` are in the global table;
- every exit code an error class or a usage error gives is in the exit code table;
- every ``SHEETSYNC_*`` variable the package reads or names is in the environment table, and
  the table names none it does not;
- every config file key is listed;
- the JSON each ``--json`` command prints, run for real on a copy of the example project,
  has exactly the keys of the shape documented for it (keys that appear only when something
  failed are listed below).

A new command, option, JSON key or variable without an entry in docs/reference.md fails
here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from sheetsync import errors
from sheetsync.cli import main as cli
from sheetsync.host import config
from tests.fixtures_env import child_environ

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
ONLY_ON_FAILURE = {"check": {"projects[].error"}, "run": {"projects[].error"},
                   "retro": {"sent", "sent.result", "sent.recipients", "sent.detail"},  # --send
                   # doctor: keys are shown only with a Google Sheet or several key files
                   "doctor": {"keys[]." + k for k in (
                       "key_file", "email", "problem", "projects", "sources", "reads_a_day",
                       "writes_a_day", "busiest_run", "busiest_run.at", "busiest_run.reads",
                       "busiest_run.writes", "busiest_run.minutes", "room",
                       "default_settings")}}


def section(heading: str) -> str:
    """The text under the heading that starts with ``heading``, to the next heading."""
    lines = REFERENCE.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    assert start is not None, f"docs/reference.md has no heading {heading!r}"
    level = len(heading) - len(heading.lstrip("#"))
    end = next((j for j in range(start + 1, len(lines))
                if re.match(rf"#{{1,{level}}} ", lines[j])), len(lines))
    return "\n".join(lines[start:end])


def help_options(args: list[str]) -> set[str]:
    """The long options ``sheetsync ARGS --help`` lists, --help itself left out."""
    out = CliRunner().invoke(cli.main, [*args, "--help"])
    assert out.exit_code == 0, out.output
    found = set(re.findall(r"^\s+(?:-\w, )?(--[a-z][\w-]*)", out.output, re.M))
    return found - {"--help"}


COMMANDS = sorted(cli.main.commands)


def test_every_command_has_a_section_and_every_section_a_command() -> None:
    documented = set(re.findall(r"^### `sheetsync ([a-z-]+)", REFERENCE, re.M))
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_commands_section_matches_its_help(name: str) -> None:
    command = cli.main.commands[name]
    text = section(f"### `sheetsync {name}")
    assert (command.help or "").strip().splitlines()[0] in text
    options = help_options([name])
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            long = max(param.opts, key=len)
            assert f"`{long}" in text, f"{name}: {long} is not documented"
            assert param.help in text, f"{name} {long}: its help text differs from --help"
    documented = set(re.findall(r"`(--[a-z][\w-]*)", text.split("\n", 1)[1]))
    # a section may name another command's option in passing (`--json`...) only if its own
    assert {d for d in documented if d not in options} <= {"--every", "--debug"}, documented
    assert options <= documented


def test_the_global_options_are_documented() -> None:
    text = section("## Global options")
    for param in cli.main.params:
        if isinstance(param, click.Option) and param.help:
            assert f"`{max(param.opts, key=len)}" in text
            assert param.help in text
    assert help_options([]) <= set(re.findall(r"`(--[a-z][\w-]*)", text))


def test_every_exit_code_is_documented() -> None:
    text = section("## Exit codes")
    codes = {0, 2}  # done; click's usage errors

    def walk(cls: type[errors.SheetsyncError]) -> None:
        codes.add(cls.exit_code)
        for sub in cls.__subclasses__():
            walk(sub)

    walk(errors.SheetsyncError)
    assert {int(c) for c in re.findall(r"^\| (\d) \|", text, re.M)} == codes


def test_every_environment_variable_is_documented() -> None:
    named = set()
    for folder in ("sheetsync", "jobs"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")  # a prefix ("SHEETSYNC_IMAP_") is no variable
            named |= set(re.findall(r"SHEETSYNC_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_])", text))
    text = section("## Environment variables")
    documented = set(re.findall(r"^\| `(SHEETSYNC_[A-Z0-9_]+)`", text, re.M))
    assert named == documented


def test_every_config_key_is_documented() -> None:
    text = section("## Config file keys")
    for key in (*config.TOP_KEYS, *config.SMTP_KEYS, *config.PROJECT_KEYS):
        assert f"`{key}`" in text, key


# --------------------------------------------------------------------------- JSON shapes


def paths(value: Any, at: str = "") -> set[str]:
    """Every key of a JSON value as a path: "projects[].milestones[].id"."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            here = f"{at}.{key}" if at else key
            out |= {here} | paths(inner, here)
    elif isinstance(value, list):
        for inner in value:
            out |= paths(inner, f"{at}[]")
    return out


def documented_json(name: str) -> Any:
    found = re.search(rf"```json {name}\n(.*?)\n```", REFERENCE, re.S)
    assert found, f"docs/reference.md shows no JSON for {name} (a ```json {name} block)"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What each --json command prints on a copy of the example project."""
    tmp = tmp_path_factory.mktemp("reference")
    shutil.copy2(ROOT / "examples" / "acme-rollout.xlsx", tmp / "acme.xlsx")
    (tmp / "sheetsync.toml").write_text(
        '[[projects]]\nname = "Acme website rollout"\nsource = "acme.xlsx"\n', encoding="utf-8")
    env = child_environ()
    env |= {"SHEETSYNC_OUTBOX": str(tmp / "outbox"), "SHEETSYNC_STATE_DIR": str(tmp / "state"),
            "SHEETSYNC_FROM": "Studio Projects <projects@studio.example>"}
    runs = {"check": ["check", "--as-of", "2026-11-27", "--json"],
            "report": ["report", "--as-of", "2026-11-27", "--json"],
            "remind": ["remind", "--as-of", "2026-11-30", "--json"],
            "run": ["run", "--now", "2026-11-27T17:00+00:00", "--json"],
            "config": ["config", "--json"],
            "retro": ["retro", "acme.xlsx", "--as-of", "2026-11-27", "--json"],
            "doctor": ["doctor", "--json"]}
    out = {}
    for name, args in runs.items():
        done = subprocess.run([sys.executable, "-m", "sheetsync", *args], cwd=tmp, env=env,
                              capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 0, done.stderr
        out[name] = json.loads(done.stdout)
    return out


def test_every_json_command_is_shown() -> None:
    with_json = {n for n in COMMANDS if "--json" in help_options([n])}
    assert with_json == set(re.findall(r"```json ([a-z-]+)", REFERENCE))


@pytest.mark.parametrize("name", ["check", "report", "remind", "run", "config", "retro",
                                  "doctor"])
def test_the_json_printed_has_the_documented_shape(printed: dict[str, Any], name: str) -> None:
    actual, documented = paths(printed[name]), paths(documented_json(name))
    assert actual - documented == set(), f"{name} --json prints keys the reference lacks"
    assert documented - actual <= ONLY_ON_FAILURE.get(name, set()), (
        f"{name}: the reference shows keys the command does not print")


def test_the_docs_stand_alone_in_a_clone() -> None:
    for path in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))):
        assert "../shared" not in path.read_text(encoding="utf-8"), path.name
    assert "docs/reference.md" in (ROOT / "README.md").read_text(encoding="utf-8")
