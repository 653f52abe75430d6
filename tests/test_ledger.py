"""The state dir (``sheetsync.host.ledger``): the journal that makes "at most once" true, and the
per-project locks that make it true side by side. Real files, real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from filelock import FileLock

from sheetsync.errors import ConfigError, LockBusy
from sheetsync.host.ledger import Ledger, canonical_source, project_key

NOW = datetime(2026, 11, 27, 16, 5, tzinfo=UTC)
SOURCE = "/srv/projects/acme.xlsx"
MID = "<sheetsync.report.2026-11-27.k.n1@studio.example>"


def journal(ledger: Ledger, source: str = SOURCE) -> Path:
    return ledger.root / project_key(source) / "journal.jsonl"


# --------------------------------------------------------------------------- states


def test_intent_then_outcome(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    assert ledger.status(SOURCE, "report", "2026-11-27").state == "none"
    ledger.intend(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID,
                  recipients=("a@acme.example",), subject="Weekly report")
    unknown = ledger.status(SOURCE, "report", "2026-11-27")
    assert (unknown.state, unknown.message_id) == ("unknown", MID)
    ledger.outcome(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID, result="sent")
    sent = ledger.status(SOURCE, "report", "2026-11-27")
    assert (sent.state, sent.message_id) == ("sent", MID)
    # Other periods and jobs are their own business.
    assert ledger.status(SOURCE, "report", "2026-11-20").state == "none"
    assert ledger.status(SOURCE, "remind", "2026-11-27").state == "none"
    assert ledger.status("/srv/projects/other.xlsx", "report", "2026-11-27").state == "none"


def test_failed_then_retried_and_sent(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.intend(SOURCE, "report", "p", at=NOW, message_id="<1@x>", recipients=(), subject="")
    ledger.outcome(SOURCE, "report", "p", at=NOW, message_id="<1@x>", result="failed",
                   detail="451 try later")
    failed = ledger.status(SOURCE, "report", "p")
    assert (failed.state, failed.detail) == ("failed", "451 try later")
    ledger.intend(SOURCE, "report", "p", at=NOW, message_id="<2@x>", recipients=(), subject="")
    assert ledger.status(SOURCE, "report", "p").state == "unknown"
    ledger.outcome(SOURCE, "report", "p", at=NOW, message_id="<2@x>", result="sent")
    assert ledger.status(SOURCE, "report", "p").state == "sent"
    # "sent" beats a later unknown: an email that went out is never "maybe" again.
    ledger.intend(SOURCE, "report", "p", at=NOW, message_id="<3@x>", recipients=(), subject="")
    assert ledger.status(SOURCE, "report", "p").state == "sent"


def test_done_skipped_and_unknown_records(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.done(SOURCE, "check", "2026-11-27", at=NOW, detail="13 milestones")
    assert ledger.status(SOURCE, "check", "2026-11-27").state == "done"
    ledger.done(SOURCE, "report", "2026-11-20", at=NOW, result="skipped", detail="too late")
    skipped = ledger.status(SOURCE, "report", "2026-11-20")
    assert (skipped.state, skipped.detail) == ("skipped", "too late")
    # An intent without outcome stays unknown even once reported (the done record).
    ledger.intend(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID, recipients=(),
                  subject="")
    ledger.done(SOURCE, "report", "2026-11-27", at=NOW, result="unknown", detail="told")
    status = ledger.status(SOURCE, "report", "2026-11-27")
    assert status.state == "unknown"
    assert [r.kind for r in status.records] == ["intent", "done"]


def test_sent_items_of_reminders(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    for day, items, result in (("2026-11-23", ("M5",), "sent"), ("2026-11-24", ("CR-2",), "failed"),
                               ("2026-11-26", ("M5", "CR-2"), "sent")):
        ledger.intend(SOURCE, "remind", day, at=NOW, message_id=f"<{day}@x>", recipients=(),
                      subject="", items=items)
        ledger.outcome(SOURCE, "remind", day, at=NOW, message_id=f"<{day}@x>", result=result,
                       items=items)
    assert ledger.sent_items(SOURCE, "remind") == (
        (date(2026, 11, 23), ("M5",)), (date(2026, 11, 26), ("M5", "CR-2")))


def test_the_journal_is_one_json_object_a_line(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.intend(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID,
                  recipients=("a@acme.example", "b@acme.example"), subject="Rapport — 周报")
    ledger.outcome(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID, result="sent")
    lines = journal(ledger).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["kind"] for r in records] == ["intent", "outcome"]
    assert records[0]["recipients"] == ["a@acme.example", "b@acme.example"]
    assert records[0]["subject"] == "Rapport — 周报"
    assert records[0]["at"] == NOW.isoformat()


def test_a_line_cut_short_by_a_crash_loses_nothing_else(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.done(SOURCE, "check", "2026-11-26", at=NOW)
    with journal(ledger).open("a", encoding="utf-8") as fh:
        fh.write('{"kind": "outcome", "job": "rep')  # the process died mid-write
    ledger.outcome(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID, result="sent")
    assert ledger.status(SOURCE, "check", "2026-11-26").state == "done"
    assert ledger.status(SOURCE, "report", "2026-11-27").state == "sent"


def test_one_project_whatever_its_spelling(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "acme.xlsx")
    assert canonical_source("acme.xlsx") == absolute
    assert project_key("acme.xlsx") == project_key("./acme.xlsx") == project_key(absolute)
    assert project_key("gsheet:1AbC-d_E") == project_key(
        "https://docs.google.com/spreadsheets/d/1AbC-d_E/edit#gid=0")
    assert project_key("gsheet:1AbC-d_E") != project_key("gsheet:1AbC-d_F")
    key = project_key(absolute)
    assert key.startswith("acme-") and "/" not in key


def test_an_unwritable_state_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ledger = Ledger(blocker / "state")
    with pytest.raises(ConfigError, match="SHEETSYNC_STATE_DIR"):
        ledger.status(SOURCE, "report", "p")
    with pytest.raises(ConfigError, match="SHEETSYNC_STATE_DIR"):
        ledger.first_alert_today("k", date(2026, 11, 27))
    with pytest.raises(ConfigError, match="SHEETSYNC_STATE_DIR"), ledger.lock(SOURCE):
        pass


def test_an_unusable_journal_is_a_config_error_not_a_crash(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    journal(ledger).parent.mkdir(parents=True)
    journal(ledger).mkdir()  # e.g. a file the cron user may not read
    with pytest.raises(ConfigError, match="journal.jsonl"):
        ledger.status(SOURCE, "report", "p")
    with pytest.raises(ConfigError, match="same user"):
        ledger.done(SOURCE, "check", "p", at=NOW)


# --------------------------------------------------------------------------- admin alerts


def test_an_alert_is_told_once_a_day_and_retried_when_not_sent(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    day = date(2026, 11, 27)
    assert ledger.first_alert_today("k1", day)
    assert not ledger.first_alert_today("k1", day)
    assert ledger.first_alert_today("k2", day)
    assert ledger.first_alert_today("k1", date(2026, 11, 28))
    ledger.forget_alert("k1", day)  # the alert email could not be sent
    assert ledger.first_alert_today("k1", day)
    assert not ledger.first_alert_today("k2", day)


# --------------------------------------------------------------------------- locks


def test_the_lock_is_re_entrant_within_one_ledger(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    with ledger.lock(SOURCE, wait=0.1):
        with ledger.lock(SOURCE, wait=0.1):  # delivery locks again inside run's lock
            pass
        with ledger.lock("/srv/projects/acme.xlsx/../acme.xlsx", wait=0.1):  # same project
            pass
        # Still held by the outer block: another ledger (another run) cannot have it.
        with pytest.raises(LockBusy), Ledger(tmp_path).lock(SOURCE, wait=0.1):
            pass
    with Ledger(tmp_path).lock(SOURCE, wait=0.1):
        pass


def test_a_lock_is_per_project(tmp_path: Path) -> None:
    with Ledger(tmp_path).lock(SOURCE, wait=0.1), Ledger(tmp_path).lock("/srv/other.xlsx",
                                                                        wait=0.1):
        pass


HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def hold(lock_file: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock_file), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def lock_file(ledger: Ledger, source: str = SOURCE) -> Path:
    folder = ledger.root / project_key(source)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "lock"


def test_a_lock_held_by_another_process_is_busy(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    proc = hold(lock_file(ledger), 60)
    try:
        started = time.monotonic()
        with pytest.raises(LockBusy, match="another sheetsync process") as caught, \
                ledger.lock(SOURCE, wait=0.3):
            pass
        assert 0.25 <= time.monotonic() - started < 5
        assert "next run will pick it up" in str(caught.value)
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_a_lock_released_by_its_holder_is_had_after_waiting(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    proc = hold(lock_file(ledger), 0.5)
    try:
        with ledger.lock(SOURCE, wait=10):
            assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_a_process_killed_holding_the_lock_leaves_no_stale_lock(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    path = lock_file(ledger)
    proc = hold(path, 300)
    os.kill(proc.pid, signal.SIGKILL)  # no finally, no atexit: only the OS cleans up
    proc.wait(timeout=10)
    assert path.exists()  # the file stays; the flock on it died with the process
    started = time.monotonic()
    with ledger.lock(SOURCE, wait=2):
        pass
    assert time.monotonic() - started < 1


def test_threads_of_one_process_with_two_ledgers_exclude_each_other(tmp_path: Path) -> None:
    inside: list[int] = []
    overlap: list[bool] = []

    def work() -> None:
        with Ledger(tmp_path).lock(SOURCE, wait=10):
            inside.append(1)
            overlap.append(len(inside) > 1)
            time.sleep(0.05)
            inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert overlap == [False] * 4


def test_the_lock_file_is_an_ordinary_filelock(tmp_path: Path) -> None:
    """An admin script can take the same lock with filelock to keep sheetsync off a sheet."""
    ledger = Ledger(tmp_path)
    with FileLock(str(lock_file(ledger))), pytest.raises(LockBusy), \
            ledger.lock(SOURCE, wait=0.1):
        pass


# --------------------------------------------------------------------------- privacy


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_state_dir_is_0700_and_its_files_0600_whatever_the_umask(
    tmp_path: Path, umask: int
) -> None:
    """The journal holds client addresses (issue 11 item 6)."""
    root = tmp_path / "state"
    old = os.umask(umask)
    try:
        ledger = Ledger(root)
        with ledger.lock(SOURCE):
            ledger.intend(SOURCE, "report", "2026-11-27", at=NOW, message_id=MID,
                          recipients=("a@acme.example",), subject="Weekly report")
        assert ledger.first_alert_today("smtp", NOW.date())
        ledger.forget_alert("smtp", NOW.date())
    finally:
        os.umask(old)
    modes = {p.relative_to(root).as_posix(): p.stat().st_mode & 0o777
             for p in [root, *root.rglob("*")]}
    folders = {name for name in modes if (root / name).is_dir()}
    assert folders == {".", project_key(SOURCE)}
    assert {modes[name] for name in folders} == {0o700}
    assert {modes[name] for name in modes if name not in folders} == {0o600}
    assert len(modes) >= 6  # the journal, the project lock, alerts and their lock


def test_an_existing_open_state_dir_is_made_private(tmp_path: Path) -> None:
    root = tmp_path / "state"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    Ledger(root).done(SOURCE, "check", "2026-11-27", at=NOW)
    assert root.stat().st_mode & 0o777 == 0o700
    assert journal(Ledger(root)).stat().st_mode & 0o777 == 0o600
