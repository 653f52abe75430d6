"""The one exception hierarchy of sheetsync.

Every message is one plain sentence that says what is wrong and what to do about it; the
CLI prints it as it is (no traceback unless ``--debug``). ``exit_code`` is what the CLI
returns when the error ends the whole command (CONTRACT section 4): 2 for usage and
configuration errors, 1 for a failure of one project.
"""

from __future__ import annotations


class SheetsyncError(Exception):
    """Base of every error sheetsync raises on purpose. ``detail`` is what a library said
    (a network error's long text): never in the sentence, shown only with ``--debug``."""

    exit_code = 1
    detail = ""

    def with_detail(self, detail: str) -> SheetsyncError:
        self.detail = detail
        return self


class ConfigError(SheetsyncError):
    """The configuration, environment, command line or a key file is wrong (exit 2)."""

    exit_code = 2


class SourceError(SheetsyncError):
    """A project source cannot be opened or read (missing file, not a workbook, no access)."""


class NotNew(SourceError):
    """``init`` was given a path that cannot be a new workbook (it exists, or is no .xlsx
    path): a usage error, exit 2, like a wrong option; nothing is touched."""

    exit_code = 2


class AccessDenied(SourceError):
    """The service account may not open the sheet: it must be shared with it."""


class WriteRefused(SheetsyncError):
    """sheetsync will not write to this source, because writing would lose something."""


class BackendError(SheetsyncError):
    """The spreadsheet service failed and retries did not help."""


class QuotaExceeded(BackendError):
    """Google's request quota was exceeded for longer than the retries allow."""


class LockBusy(SheetsyncError):
    """Another sheetsync process holds the lock for this project."""


class DeliveryError(SheetsyncError):
    """An email could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """The mail server answered 4xx or dropped the connection: worth another try."""


class PermanentDeliveryError(DeliveryError):
    """The mail server refused for good (5xx, bad login, every recipient rejected)."""


class InboxError(SheetsyncError):
    """The sheetsync mailbox cannot be read over IMAP (login, folder, connection)."""
