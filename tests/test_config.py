"""The effective settings: ``sheetsync.toml``, then the environment over it (CONTRACT §5).

``config.load`` is driven with an explicit ``env`` mapping; the ``sheetsync config``
command in-process through CliRunner and, for the exit code a cron host sees, as a real
subprocess.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetsync.cli import main as cli
from sheetsync.errors import ConfigError
from sheetsync.host import config
from tests.fixtures_env import SHEETSYNC, child_environ

SECRET = "s3cret-app-password"

FILE = """
from = "Studio Projects <projects@studio.example>"
state_dir = "/var/lib/sheetsync"
admin_email = "ops@studio.example"
credentials = "/etc/sheetsync/credentials.json"
every_minutes = 10
json_logs = true

[smtp]
host = "smtp.gmail.com"
port = 587
security = "starttls"
user = "projects@studio.example"

[[projects]]
name = "Acme website rollout"
source = "projects/acme.xlsx"

[[projects]]
source = "gsheet:1AbCdEf"
"""


pytestmark = pytest.mark.usefixtures("clean_env")  # no SHEETSYNC_*, a folder of our own


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_alone(tmp_path: Path) -> None:
    cfg = config.load(str(write(tmp_path / "conf.toml", FILE)), env={})
    assert cfg.sender == "Studio Projects <projects@studio.example>"
    assert cfg.state_dir == "/var/lib/sheetsync"
    assert cfg.admin_email == "ops@studio.example"
    assert cfg.every_minutes == 10 and cfg.json_logs is True
    assert (cfg.smtp.host, cfg.smtp.port, cfg.smtp.security, cfg.smtp.user) == (
        "smtp.gmail.com", 587, "starttls", "projects@studio.example")
    assert cfg.smtp.password == ""
    # A relative source is relative to the config file, not to the working directory.
    assert [(p.name, p.source) for p in cfg.projects] == [
        ("Acme website rollout", str(tmp_path / "projects" / "acme.xlsx")),
        ("", "gsheet:1AbCdEf")]
    assert not cfg.uses_outbox


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {
        "SHEETSYNC_SMTP_HOST": "127.0.0.1",
        "SHEETSYNC_SMTP_PORT": "2525",
        "SHEETSYNC_SMTP_SECURITY": " NONE ",
        "SHEETSYNC_SMTP_USER": "robot@studio.example",
        "SHEETSYNC_SMTP_PASSWORD": SECRET,
        "SHEETSYNC_FROM": "robot@studio.example",
        "SHEETSYNC_STATE_DIR": str(tmp_path / "state"),
        "SHEETSYNC_ADMIN_EMAIL": "oncall@studio.example",
        "SHEETSYNC_CREDENTIALS": "/keys/sa.json",
        "SHEETSYNC_SHEETS_ENDPOINT": "http://127.0.0.1:8089",
    }
    cfg = config.load(str(write(tmp_path / "conf.toml", FILE)), env=env)
    assert (cfg.smtp.host, cfg.smtp.port, cfg.smtp.security) == ("127.0.0.1", 2525, "none")
    assert (cfg.smtp.user, cfg.smtp.password) == ("robot@studio.example", SECRET)
    assert cfg.sender == "robot@studio.example"
    assert cfg.state_dir == str(tmp_path / "state")
    assert cfg.admin_email == "oncall@studio.example"
    assert cfg.credentials == "/keys/sa.json"
    assert cfg.sheets_endpoint == "http://127.0.0.1:8089"
    assert cfg.every_minutes == 10  # not in the environment: the file's value stays
    assert len(cfg.projects) == 2


def test_an_empty_user_means_no_login_and_no_password(tmp_path: Path) -> None:
    cfg = config.load(str(write(tmp_path / "conf.toml", FILE)),
                      env={"SHEETSYNC_SMTP_USER": "", "SHEETSYNC_SMTP_PASSWORD": SECRET})
    assert (cfg.smtp.user, cfg.smtp.password) == ("", "")


def test_sheetsync_toml_in_the_working_directory_is_read(tmp_path: Path) -> None:
    write(tmp_path / "sheetsync.toml", FILE)
    assert config.load(env={}).path == "sheetsync.toml"


def test_no_file_at_all_means_defaults_and_the_outbox(tmp_path: Path) -> None:
    cfg = config.load(env={})
    assert cfg.path == "" and cfg.projects == ()
    assert cfg.uses_outbox and cfg.every_minutes == 15
    assert cfg.state_dir == str(tmp_path / ".state-home" / "sheetsync")  # XDG_STATE_HOME


def test_the_default_state_dir_is_absolute_and_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand run from another folder must find the scheduled runs' journal (issue 11)."""
    seen = set()
    for folder in (tmp_path / "a", tmp_path / "b"):
        folder.mkdir()
        monkeypatch.chdir(folder)
        seen.add(config.load(env={}).state_dir)
    [state_dir] = seen
    assert Path(state_dir).is_absolute()


def test_a_relative_state_dir_is_read_from_the_config_file_or_the_start_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "etc").mkdir()
    write(tmp_path / "etc" / "sheetsync.toml", 'state_dir = "state"\n')
    monkeypatch.chdir(tmp_path)
    cfg = config.load(str(tmp_path / "etc" / "sheetsync.toml"), env={})
    assert cfg.state_dir == str(tmp_path / "etc" / "state")
    cfg = config.load(env={"SHEETSYNC_STATE_DIR": "here"})
    assert cfg.state_dir == str(tmp_path / "here")
    assert config.load(env={"SHEETSYNC_OUTBOX": "out", "SHEETSYNC_SMTP_HOST": "x"}).uses_outbox


@pytest.mark.parametrize("text", [
    '[smtp]\nhost = "smtp.gmail.com"\npassword = "hunter2"\n',
    'smtp_password = "hunter2"\n',
])
def test_a_password_in_the_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="SHEETSYNC_SMTP_PASSWORD") as caught:
        config.load(str(write(tmp_path / "conf.toml", text)), env={})
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(("text", "env", "words"), [
    ("", {"SHEETSYNC_SMTP_PORT": "smtp"}, "SHEETSYNC_SMTP_PORT"),
    ("", {"SHEETSYNC_SMTP_PORT": "70000"}, "from 1 to 65535"),
    ("", {"SHEETSYNC_SMTP_SECURITY": "tls"}, "SHEETSYNC_SMTP_SECURITY to ssl, starttls or none"),
    ('[smtp]\nsecurity = "tls"\n', {}, "security in [smtp] of"),
    ('[smtp]\nport = "587"\n', {}, "must be a whole number"),
    ('[smtp]\nport = 0\n', {}, "from 1 to 65535"),
    ("every_minutes = 0\n", {}, "from 1 to 1440"),
    ("projects = 5\n", {}, "[[projects]]"),
    ("[[projects]]\nname = \"no source\"\n", {}, "source"),
    ("from = \n", {}, "not valid TOML"),
])
def test_mistakes_are_one_sentence_naming_the_fix(tmp_path: Path, text: str,
                                                  env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(str(write(tmp_path / "conf.toml", text)), env=env)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(str(tmp_path / "nope.toml"), env={})


# --------------------------------------------------------------------------- the command


def test_config_json_is_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "sheetsync.toml", FILE)
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", SECRET)
    monkeypatch.setenv("SHEETSYNC_SMTP_HOST", "127.0.0.1")
    result = CliRunner().invoke(cli.main, ["config", "--json"])
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    data = json.loads(result.stdout)
    assert data["smtp"]["password"] == "(set)"
    assert data["smtp"]["host"] == "127.0.0.1"  # the environment won
    assert data["smtp"]["port"] == 587  # the file's
    assert data["admin_email"] == "ops@studio.example"
    assert data["email_goes_to"] == "SMTP 127.0.0.1"
    assert [p["source"] for p in data["projects"]][1] == "gsheet:1AbCdEf"

    plain = CliRunner().invoke(cli.main, ["config"])
    assert plain.exit_code == 0
    assert SECRET not in plain.output
    assert "smtp.password: (set)" in plain.stdout
    assert "config file: sheetsync.toml" in plain.stdout

    monkeypatch.delenv("SHEETSYNC_SMTP_PASSWORD")
    data = json.loads(CliRunner().invoke(cli.main, ["config", "--json"]).stdout)
    assert data["smtp"]["password"] == "(not set)"


def test_config_with_an_outbox_says_where_email_goes(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "out"))
    data = json.loads(CliRunner().invoke(cli.main, ["config", "--json"]).stdout)
    assert data["email_goes_to"] == f"outbox folder {tmp_path / 'out'}"


@pytest.mark.parametrize(("env", "words"), [
    ({"SHEETSYNC_SMTP_PORT": "five"}, "SHEETSYNC_SMTP_PORT"),
    ({"SHEETSYNC_SMTP_SECURITY": "tls"}, "SHEETSYNC_SMTP_SECURITY"),
])
@pytest.mark.parametrize("command", [["config"], ["run", "x.xlsx"], ["schedule", "x.xlsx"]])
def test_bad_settings_exit_2_with_one_sentence(tmp_path: Path, env: dict[str, str], words: str,
                                               command: list[str]) -> None:
    child = child_environ() | env
    proc = subprocess.run([*SHEETSYNC, *command], cwd=tmp_path, env=child,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sheetsync: ") and words in lines[0]
    assert "Traceback" not in proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_SMTP_PORT", "five")
    result = CliRunner().invoke(cli.main, ["--debug", "config"])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr


# --------------------------------------------------------------------------- unknown keys


@pytest.mark.parametrize("text, said", [
    ("bogus_key = 1\n", "unknown key 'bogus_key' in {path}; the known keys are"),
    ('form = "a@b.example"\n', "unknown key 'form' in {path}; did you mean 'from'?"),
    ('[smtp]\nhots = "x"\n', "unknown key 'hots' in [smtp] of {path}; did you mean 'host'?"),
    ('[smtp]\nsecurty = "ssl"\n', "did you mean 'security'?"),
    ("every_minute = 5\n", "did you mean 'every_minutes'?"),
    ('[[projects]]\nsource = "a.xlsx"\nnmae = "A"\n',
     "unknown key 'nmae' in project 1 ([[projects]]) of {path}; did you mean 'name'?"),
])
def test_an_unknown_key_is_an_error_that_names_the_nearest_known_one(
        tmp_path: Path, text: str, said: str) -> None:
    path = write(tmp_path / "sheetsync.toml", text)
    with pytest.raises(ConfigError) as caught:
        config.load(str(path), env={})
    assert said.format(path=path) in str(caught.value)


def test_unknown_keys_stop_config_with_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "sheetsync.toml", 'bogus_key = 1\n[smtp]\nhots = "x"\n')
    out = CliRunner().invoke(cli.main, ["config"])
    assert out.exit_code == 2
    assert "unknown key 'bogus_key'" in out.stderr and "Traceback" not in out.output


def test_every_key_of_the_example_file_is_known() -> None:
    example = Path(__file__).resolve().parents[1] / "sheetsync.example.toml"
    assert config.load(str(example), env={}).projects  # loads: no key unknown


# --------------------------------------------------------------------------- --config


def test_config_a_folder_means_its_sheetsync_toml(tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    write(folder / "sheetsync.toml", FILE)
    assert config.load(str(folder), env={}).path == str(folder / "sheetsync.toml")


def test_config_a_folder_without_sheetsync_toml_says_so(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli.main, ["--config", str(tmp_path), "config"])
    assert out.exit_code == 2
    assert f"--config {tmp_path} is a folder with no sheetsync.toml in it" in out.stderr
    assert "does not exist" not in out.stderr


# --------------------------------------------------------------------------- config's output


def test_config_says_the_usual_port_not_none(tmp_path: Path) -> None:
    write(tmp_path / "sheetsync.toml", '[smtp]\nhost = "smtp.example"\nsecurity = "ssl"\n')
    out = CliRunner().invoke(cli.main, ["config"])
    assert out.exit_code == 0, out.output
    assert "smtp.port: 465 (the usual port for ssl)" in out.output
    assert "None" not in out.output
