"""Where run state lives on this host, and how its folders and files are made private.

- The state dir defaults to the user's state folder (``platformdirs``:
  ``~/.local/state/sheetsync`` on Linux), absolute and the same for every run of a user,
  wherever it was started from; systemd's ``StateDirectory=`` sets ``/var/lib/sheetsync``.
- The journal holds client addresses: the state dir and its folders are 0700, its files
  0600, whatever the umask (``private_dir``, ``open_private``).
- The .xlsx write lock is host-wide, not in the state dir: every run of this host must see
  it, whatever state dir it was given (``host_lock_dir``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

APP = "sheetsync"
LOCK_FOLDER = "sheetsync"


def default_state_dir() -> str:
    """The user's state folder for sheetsync, absolute."""
    return str(Path(platformdirs.user_state_dir(APP, appauthor=False)).absolute())


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing one is made 0700 too.

    Raises OSError as ``mkdir`` and ``chmod`` do.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != 0o700:
        path.chmod(0o700)
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` a file created 0600 whatever the umask (an existing one is set to 0600)."""
    fd = os.open(path, flags | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o777 != 0o600:
            os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    return fd


def host_lock_dir() -> Path:
    """The folder of the host-wide .xlsx write locks: ``/run/lock/sheetsync`` where the
    system has ``/run/lock`` (a tmpfs every process of the host sees, even under systemd's
    ``PrivateTmp=``), else ``sheetsync-locks`` in the temporary folder.

    A lock is named by the workbook's real path, so every run of the host that writes a file
    takes the same lock. The folder is 0777 (no sticky bit, so the kernel's
    ``protected_regular`` does not stop another user from opening a lock file), the lock
    files 0666: they hold nothing, only the ``flock``.
    """
    run_lock = Path("/run/lock")
    if run_lock.is_dir() and os.access(run_lock, os.W_OK | os.X_OK):
        folder = run_lock / LOCK_FOLDER
    else:
        folder = Path(tempfile.gettempdir()) / "sheetsync-locks"
    try:
        folder.mkdir(exist_ok=True)
        if folder.stat().st_uid == os.getuid() and folder.stat().st_mode & 0o7777 != 0o777:
            folder.chmod(0o777)
    except OSError:
        pass  # the backend says what is wrong when it takes the lock
    return folder
