"""What a SOURCE names (CONTRACT section 4): an .xlsx path, a Google Sheet URL, or
``gsheet:<spreadsheet id>``. Pure: the one place that knows how a Google Sheet is written.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[A-Za-z0-9_-]+")
_URL_ID = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")


def is_google(source: str) -> bool:
    """Whether a SOURCE means a Google Sheet (well-formed or not)."""
    return source.startswith("gsheet:") or "docs.google.com/spreadsheets/" in source


def google_id(source: str) -> str | None:
    """The spreadsheet ID of ``gsheet:<id>`` or a docs.google.com URL; None if there is none."""
    if source.startswith("gsheet:"):
        key = source[len("gsheet:"):].strip()
        return key if _ID.fullmatch(key) else None
    match = _URL_ID.search(source)
    return match.group(1) if match else None
