"""Acceptance cases of CONTRACT section 5 (the environment over the config file) that
``test_config`` does not already hold, driven as a user would: the installed command as a
process, a real .xlsx file, the outbox read back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures_env import SHEETSYNC, child_environ

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme-rollout.xlsx"


def sheetsync(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    done = subprocess.run([*SHEETSYNC, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_path_may_follow_the_command(tmp_path: Path, where: str) -> None:
    """``--config PATH`` names the config file wherever it stands on the line, before the
    command (``sheetsync --config F report``) or among its options (``sheetsync report
    --config F``); the environment still wins over it."""
    etc, work = tmp_path / "etc", tmp_path / "work"
    etc.mkdir()
    work.mkdir()
    shutil.copy(EXAMPLE, etc / "acme.xlsx")
    conf = etc / "agency.toml"
    conf.write_text(f'outbox = "{tmp_path / "from-file"}"\n[[projects]]\nsource = "acme.xlsx"\n',
                    encoding="utf-8")
    env = child_environ(SHEETSYNC_STATE_DIR=str(tmp_path / "state"))

    def line(*args: str) -> tuple[str, ...]:
        given = ("--config", str(conf))
        return (*given, *args) if where == "before" else (*args, *given)

    code, out, err = sheetsync(work, env, *line("report", "--as-of", "2026-11-27", "--json"))
    assert code == 0, err
    [project] = json.loads(out)["projects"]
    assert project["result"] == "sent" and project["source"] == str(etc / "acme.xlsx")
    assert len(list((tmp_path / "from-file").glob("*.eml"))) == 1
    env["SHEETSYNC_OUTBOX"] = str(tmp_path / "from-env")
    code, out, err = sheetsync(work, env, *line("report", "--as-of", "2026-11-27", "--force"))
    assert code == 0, err
    assert len(list((tmp_path / "from-env").glob("*.eml"))) == 1


def test_relative_paths_in_the_config_file_are_read_beside_it(tmp_path: Path) -> None:
    """A relative ``outbox``, ``credentials`` or ``state_dir`` in the file is read from the
    file's folder, as a project's source is: a run started elsewhere (cron's working folder)
    finds the same files. The variables stay relative to the working folder."""
    etc, work = tmp_path / "etc", tmp_path / "work"
    etc.mkdir()
    work.mkdir()
    shutil.copy(EXAMPLE, etc / "acme.xlsx")
    conf = etc / "sheetsync.toml"
    conf.write_text('outbox = "mail"\nstate_dir = "state"\ncredentials = "keys/bot.json"\n'
                    '[[projects]]\nsource = "acme.xlsx"\n', encoding="utf-8")
    env = child_environ()
    env.pop("SHEETSYNC_STATE_DIR", None)

    code, out, err = sheetsync(work, env, "--config", str(conf), "report", "--as-of",
                               "2026-11-27", "--json")

    assert code == 0, err
    assert len(list((etc / "mail").glob("*.eml"))) == 1
    assert not (work / "mail").exists() and (etc / "state").is_dir()
    code, out, err = sheetsync(work, env, "--config", str(conf), "config")
    assert code == 0, err
    assert str(etc / "keys" / "bot.json") in out

    env["SHEETSYNC_OUTBOX"] = "here"
    code, out, err = sheetsync(work, env, "--config", str(conf), "report", "--as-of",
                               "2026-11-27", "--force")
    assert code == 0, err
    assert len(list((work / "here").glob("*.eml"))) == 1
