"""doctor's reply checks: which key signs the buttons, and a real IMAP login (pymap)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sheetsync.host import config
from sheetsync.host.inbox_config import signing_key
from sheetsync.shell.doctor_inbox import check_inbox
from tests.fixtures_env import scrub
from tests.fixtures_imap import ImapServer


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> config.Config:
    scrub(monkeypatch, tmp_path)
    return config.Config(state_dir=str(tmp_path / "state"), sender="p@studio.example")


def test_without_a_mailbox_there_are_no_buttons(cfg):
    [finding] = check_inbox(cfg)
    assert finding.ok and "no reply buttons" in finding.text


def test_the_key_file_is_made_600_and_doctor_warns_about_losing_it(cfg, imap_server,
                                                                   monkeypatch):
    for key, value in imap_server.env().items():
        monkeypatch.setenv(key, value)
    first = check_inbox(cfg)
    assert all(f.ok for f in first) and "first run creates" in first[0].text
    made = signing_key(cfg.state_dir)
    assert made is not None and made.created
    mode = stat.S_IMODE(Path(made.where).stat().st_mode)
    assert mode == 0o600
    assert signing_key(cfg.state_dir) == type(made)(made.key, made.where)  # read back, same
    key_line, login = check_inbox(cfg)
    assert "back it up" in key_line.text and made.where in key_line.text
    assert login.ok and "logged in" in login.text
    monkeypatch.setenv("SHEETSYNC_SECRET", "x" * 20)
    assert "SHEETSYNC_SECRET" in check_inbox(cfg)[0].text


def test_a_wrong_password_or_short_secret_is_a_fix(cfg, imap_server: ImapServer, monkeypatch):
    for key, value in imap_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SHEETSYNC_IMAP_PASSWORD", "wrong")
    found = check_inbox(cfg)
    assert not found[-1].ok and "refused the login" in found[-1].text
    monkeypatch.setenv("SHEETSYNC_SECRET", "short")
    [finding] = check_inbox(cfg)
    assert not finding.ok and "16 characters" in finding.text


def test_the_state_dir_the_key_file_makes_is_private_whatever_the_umask(cfg):
    """The key file is the first thing an inbox-only host writes to its state dir: the
    folder it makes is 0700 like every state folder (docs/admin.md), the file 0600."""
    import os

    old = os.umask(0o022)
    try:
        made = signing_key(cfg.state_dir)
    finally:
        os.umask(old)
    assert made is not None and made.created
    assert stat.S_IMODE(Path(cfg.state_dir).stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(made.where).stat().st_mode) == 0o600
