"""The outbox: each email as an ``.eml`` file (and its HTML part) instead of a send."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from sheetsync.errors import ConfigError, PermanentDeliveryError
from sheetsync.mail.answers import failed, local_now
from sheetsync.mail.mime import build_mime, mime_bytes, outbox_stem
from sheetsync.model import Delivery, Message

DEFAULT_OUTBOX = Path("outbox")  # the outbox when neither a folder nor an SMTP host is set


class OutboxTransport:
    """Writes each email into ``folder`` instead of sending it (CONTRACT section 5).

    ``<YYYYmmdd-HHMMSS>-<project>-<id>.eml`` holds exactly the bytes SMTP would carry; the
    sibling ``.html`` is the HTML part, to open in a browser. Both are written atomically.
    """

    def __init__(self, folder: Path, clock: Callable[[], datetime] = local_now) -> None:
        self.folder = Path(folder)
        self.connections_opened = 0
        self._clock = clock

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def send(self, msg: Message) -> Delivery:
        """Write ``msg`` as .eml + .html; Delivery detail names the .eml file."""
        when = self._clock()
        try:
            data = mime_bytes(build_mime(msg, when))
        except PermanentDeliveryError as exc:
            return failed(msg, str(exc))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"The outbox folder {self.folder} cannot be created ({exc.strerror}); set "
                f"SHEETSYNC_OUTBOX to a folder sheetsync may write to."
            ) from exc
        eml = self.folder / f"{outbox_stem(msg, when)}.eml"
        try:
            # A BOM makes browsers read the preview as UTF-8 even without a <meta charset>.
            _write_atomic(eml.with_suffix(".html"), "\ufeff".encode() + msg.html.encode())
            _write_atomic(eml, data)
        except OSError as exc:
            return failed(msg, f"The email could not be written to {eml} ({exc.strerror}); "
                                f"free some disk space or set SHEETSYNC_OUTBOX to another folder.")
        return Delivery(message_id=msg.message_id, result="sent", detail=f"written to {eml}")


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
