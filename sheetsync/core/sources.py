"""What a SOURCE names (CONTRACT section 4): an .xlsx path, a Google Sheet URL, or
``gsheet:<spreadsheet id>``. The one place that reads a SOURCE's spelling: which kind it is
(``kind_of``), its one canonical spelling (``canonical``), a Google Sheet's ID. What each
kind *does* (open, diagnose, lay out a template) is the registry in ``sheetsync.backends``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sheetsync.errors import ConfigError

GSHEET, XLSX = "gsheet", "xlsx"  # the kinds of SOURCE, as the backend registry names them

_ID = re.compile(r"[A-Za-z0-9_-]+")
_URL_ID = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")


def is_google(source: str) -> bool:
    """Whether a SOURCE means a Google Sheet (well-formed or not)."""
    return source.startswith("gsheet:") or "docs.google.com/spreadsheets/" in source


def _is_web(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def kind_of(source: str) -> str:
    """``GSHEET`` or ``XLSX``; a web address that is no Google Sheet is a ConfigError."""
    if is_google(source):
        return GSHEET
    if _is_web(source):
        raise ConfigError(
            f"{source} is not a Google Sheet address; give a docs.google.com/spreadsheets URL, "
            "gsheet:<spreadsheet id>, or the path of an .xlsx file."
        )
    return XLSX


def google_id(source: str) -> str | None:
    """The spreadsheet ID of ``gsheet:<id>`` or a docs.google.com URL; None if there is none."""
    if source.startswith("gsheet:"):
        key = source[len("gsheet:"):].strip()
        return key if _ID.fullmatch(key) else None
    match = _URL_ID.search(source)
    return match.group(1) if match else None


def canonical(source: str) -> str:
    """One spelling per project: ``gsheet:<id>`` for a Sheet, an absolute path for a file.

    ``a.xlsx``, ``./a.xlsx`` and ``/srv/p/a.xlsx`` are one project, and so are a Sheet's
    URL and its ``gsheet:`` id: they share one lock and one journal. (A file's spelling
    is resolved against the working folder and its symlinks.) A malformed SOURCE keeps its
    own spelling; opening it says what is wrong.
    """
    if is_google(source):
        key = google_id(source)
        return f"gsheet:{key}" if key else source
    if _is_web(source):
        return source
    return str(Path(source).expanduser().resolve())


def shard_of(source: str, shards: int) -> int:
    """Which of ``shards`` shards (1-based) a SOURCE belongs to, for ``run --shard I/N``.

    The first 8 bytes of the SHA-256 of its canonical spelling, modulo N: the same on every
    host, process and Python version (unlike ``hash()``), so N hosts given one project list
    and shards 1/N .. N/N each take their own projects and no project twice. An .xlsx path is
    canonical as an absolute path: give the hosts the same path.
    """
    digest = hashlib.sha256(canonical(source).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards + 1
