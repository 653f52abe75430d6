"""Which service account opens each Google Sheet, remembered between runs (several keys).

With several key files (``credentials`` as a list), the first run tries them in order for
each sheet; the one that opened it is remembered here so later runs go straight to it
(``backends.KeyMemory``, used by ``backends.gsheets_keys.KeyRing``). One small JSON file a
sheet, ``<state dir>/keys/<spreadsheet id>.json``: ``{"version", "sheet", "email",
"key_file", "at"}``, written atomically (a temporary file renamed over it), 0600 in a 0700
folder. The account is matched by its email, so a key file moved or renamed keeps its
sheets. Deleting a file (or the folder) only makes the next run try the keys again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sheetsync.host.places import private_dir

VERSION = 1
_SAFE = re.compile(r"[A-Za-z0-9_-]{1,128}")


class KeyChoices:
    """The ``keys/`` folder of a state dir."""

    def __init__(self, state_dir: str | os.PathLike[str], *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.root = Path(state_dir) / "keys"
        self.clock = clock

    def path(self, sheet_id: str) -> Path:
        name = sheet_id if _SAFE.fullmatch(sheet_id) else hashlib.sha256(
            sheet_id.encode()).hexdigest()[:32]
        return self.root / f"{name}.json"

    def recall(self, sheet_id: str) -> str | None:
        """The email of the account that last opened the sheet; None when not known (no
        file, a damaged one, or one of another sheet)."""
        try:
            data = json.loads(self.path(sheet_id).read_text(encoding="utf-8"))
            if data.get("version") != VERSION or data.get("sheet") != sheet_id:
                return None
            email = data.get("email")
            return email if isinstance(email, str) and email else None
        except (OSError, ValueError, AttributeError):
            return None

    def remember(self, sheet_id: str, email: str, key_file: str) -> None:
        """Record the account that opened the sheet. A state dir that cannot be written
        costs only a second try of the keys next run, so it does not stop this one."""
        data = {"version": VERSION, "sheet": sheet_id, "email": email, "key_file": key_file,
                "at": self.clock().isoformat(timespec="seconds")}
        try:
            private_dir(self.root)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".keys-", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            Path(tmp).replace(self.path(sheet_id))
        except OSError:
            Path(tmp).unlink(missing_ok=True)

    def chosen(self) -> dict[str, str]:
        """Every remembered choice: spreadsheet id -> email (for ``doctor``)."""
        out: dict[str, str] = {}
        for path in sorted(self.root.glob("*.json")) if self.root.is_dir() else ():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                sheet, email = data.get("sheet"), data.get("email")
            except (OSError, ValueError, AttributeError):
                continue
            if data.get("version") == VERSION and isinstance(sheet, str) and isinstance(
                    email, str) and email:
                out[sheet] = email
        return out
