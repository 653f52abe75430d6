"""``report --dry-run``'s preview folder: what would go, as files a person can open.

Each dry-run email is written twice: the whole message as ``.eml`` (what a mail client
shows) and its HTML part as ``.html`` (what a browser shows), named by project, job and
period. Nothing is sent and nothing is written to the sheet.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from sheetsync.errors import ConfigError
from sheetsync.mail.mime import build_mime, mime_bytes
from sheetsync.model import Message
from sheetsync.shell.drafts import Sent


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60] or "project"


def write_preview(message: Message, folder: Path, job: str, period: str,
                  now: datetime, *, source: str = "") -> tuple[Path, Path]:
    """Write ``<project>-<job>-<period>.eml`` and ``.html``; returns (eml, html). With
    ``source``, the project's name is followed by a mark of the source (two copies of one
    template share a name, and a preview must not overwrite another project's)."""
    mark = f"-{hashlib.sha256(source.encode()).hexdigest()[:8]}" if source else ""
    stem = f"{_slug(message.project)}{mark}-{job}-{period}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        eml, html = folder / f"{stem}.eml", folder / f"{stem}.html"
        eml.write_bytes(mime_bytes(build_mime(message, now)))
        html.write_text(message.html, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"the preview folder {folder} cannot be written ({exc.strerror or exc}"
                          "); pass --preview-dir with a folder this user can write.") from exc
    return eml.resolve(), html.resolve()


class Pages:
    """A dry run's pages, by SOURCE: ``keep`` writes one for each outcome that is a dry run."""

    def __init__(self, folder: Path, job: str, now: datetime) -> None:
        self.folder, self.job, self.now = folder, job, now
        self.by_source: dict[str, str] = {}
        self._names: dict[str, str] = {}  # project name -> the source first given it

    def keep(self, sent: Sent) -> Sent:
        if sent.result == "dry-run" and sent.message is not None:
            first = self._names.setdefault(sent.message.project, sent.source)
            page = write_preview(sent.message, self.folder, self.job, sent.period, self.now,
                                 source="" if first == sent.source else sent.source)[1]
            self.by_source[sent.source] = str(page)
        return sent
