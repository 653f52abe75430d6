"""Where run state and locks live (``sheetsync.host.places``): the same for every run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from filelock import FileLock, Timeout

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.host import config
from sheetsync.shell.pipeline import access


def test_the_xlsx_write_lock_is_one_per_file_whatever_the_state_dir(tmp_path: Path) -> None:
    """Two runs with different state dirs must not write one workbook at once (issue 11)."""
    book = tmp_path / "acme.xlsx"
    book.write_bytes(b"")
    base = config.load(env={})
    locks = set()
    for state in ("a", "b"):
        how = access(replace(base, state_dir=str(tmp_path / state)))
        assert how.lock_dir is not None and not how.lock_dir.is_relative_to(tmp_path)
        locks.add(XlsxFile(str(book), lock_dir=how.lock_dir)._lock_path())
        # the same file by another path is the same lock
        other = tmp_path / state / ".." / "acme.xlsx"
        locks.add(XlsxFile(str(other), lock_dir=how.lock_dir)._lock_path())
    [lock] = locks
    assert lock.parent.stat().st_mode & 0o777 == 0o777
    with FileLock(str(lock), mode=0o666):
        try:
            FileLock(str(lock)).acquire(timeout=0)
            raise AssertionError("a second run took the write lock while the first held it")
        except Timeout:
            pass
