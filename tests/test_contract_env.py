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
