"""What ``run`` remembers of each project between runs, so an idle run need not read it.

Per source, one small JSON file in ``<state dir>/facts/``: the Project tab's settings as last
read (all that the jobs' ``due`` rules need: time zone, report day and time, reminder cadence,
language, whether reports are paused, who the client is) and the workbook's change stamp then
(a Google Sheet's Drive ``modifiedTime``; ``backends.Backend.modified_time``), and how many
problems that read found. ``run`` reads a project again when its stamp has moved, when a job
is due and not done, or when nothing is remembered; a damaged or older file counts as
nothing remembered.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, get_type_hints

from sheetsync.host.ledger import project_key
from sheetsync.model import Settings

VERSION = 1
# the Settings fields that hold dates (holidays, make-up working days)
_DATE_TUPLES = frozenset(name for name, hint in get_type_hints(Settings).items()
                         if hint == tuple[date, ...])


@dataclass(frozen=True)
class Remembered:
    settings: Settings
    stamp: str  # the change stamp just after sheetsync's own last read or write
    read_at: str  # ISO moment of that read, for people looking at the file
    problems: int = 0  # the problems that read found: an idle run reports them again


def settings_to_json(settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, tuple):
            value = [v.isoformat() if isinstance(v, date) else v for v in value]
        elif isinstance(value, time):
            value = value.isoformat(timespec="minutes")
        out[f.name] = value
    return out


def settings_from_json(data: dict[str, Any]) -> Settings:
    """The settings again; a ValueError/TypeError/KeyError when the file is not one of ours."""
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in data:
            continue
        value = data[f.name]
        default = getattr(Settings("x"), f.name)
        if isinstance(default, tuple) and f.name in _DATE_TUPLES:
            value = tuple(date.fromisoformat(v) for v in value)
        elif isinstance(default, tuple):
            value = tuple(str(v) for v in value)
        elif isinstance(default, time):
            value = time.fromisoformat(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError(f.name)
        elif isinstance(default, int) and (not isinstance(value, int) or isinstance(value, bool)):
            raise TypeError(f.name)
        values[f.name] = value
    return Settings(**values)


class Facts:
    """The ``facts/`` folder of a state dir."""

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.root = Path(state_dir) / "facts"

    def path(self, source: str) -> Path:
        return self.root / f"{project_key(source)}.json"

    def get(self, source: str) -> Remembered | None:
        try:
            data = json.loads(self.path(source).read_text(encoding="utf-8"))
            if data.get("version") != VERSION or not data.get("stamp"):
                return None
            return Remembered(settings_from_json(data["settings"]), str(data["stamp"]),
                              str(data.get("read_at", "")), int(data.get("problems", 0)))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, source: str, settings: Settings, stamp: str | None, now: datetime,
            problems: int = 0) -> None:
        """Remember a read (its settings, stamp and number of problems); without a stamp,
        forget (the next run reads)."""
        path = self.path(source)
        if not stamp:
            path.unlink(missing_ok=True)
            return
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {"version": VERSION, "source": source, "stamp": stamp,
                "read_at": now.isoformat(), "problems": problems,
                "settings": settings_to_json(settings)}
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".facts-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
