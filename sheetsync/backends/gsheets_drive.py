"""The one Drive API request sheetsync makes: a file's ``modifiedTime``.

``GET https://www.googleapis.com/drive/v3/files/<id>?fields=modifiedTime&supportsAllDrives=true``
answers ``{"modifiedTime": "2026-11-25T23:40:38.123Z"}`` (RFC 3339, UTC). It costs the Drive
API's quota, not the Sheets API's 60 reads a minute, so ``run`` asks it before reading a sheet
whose due jobs are all done (docs/google-sheets.md, "Idle runs"). It needs the
``drive.metadata.readonly`` scope (``gsheets_http.SCOPES``), which reads names and times, never
content. ``SHEETSYNC_SHEETS_ENDPOINT`` replaces the Drive host as it does the Sheets host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gspread.exceptions import APIError

from sheetsync.backends.gsheets_http import DRIVE_URL
from sheetsync.errors import BackendError, SheetsyncError

if TYPE_CHECKING:
    from sheetsync.backends.gsheets import GoogleSheet

FILES = f"{DRIVE_URL}/drive/v3/files"
PARAMS: dict[str, str | int | bool | float | list[str] | None] = {
    "fields": "modifiedTime", "supportsAllDrives": "true"}


class DriveUnavailable(BackendError):
    """The Drive API cannot tell this file's modifiedTime; sheetsync reads the sheet instead."""


def modified_time(sheet: GoogleSheet) -> str:
    """The sheet's Drive ``modifiedTime``, as Google spells it; ``DriveUnavailable`` if not."""

    def send() -> Any:
        try:
            return sheet.http.request("get", f"{FILES}/{sheet.id}", params=dict(PARAMS))
        except APIError as err:
            raise DriveUnavailable(_refusal(sheet, err)) from None

    try:
        response = sheet.call(send)
    except DriveUnavailable:
        raise
    except SheetsyncError as err:  # the network, the sign-in: reading will say it again
        raise DriveUnavailable(str(err)) from None
    try:
        stamp = response.json().get("modifiedTime")
    except (ValueError, AttributeError):
        stamp = None
    if not isinstance(stamp, str) or not stamp:
        raise DriveUnavailable(f"the Drive API gave no modifiedTime for {sheet.source}")
    return stamp


def _refusal(sheet: GoogleSheet, err: APIError) -> str:
    status = err.response.status_code
    message = " ".join(str(err.error.get("message", "")).split())[:200]
    low = message.lower()
    if status == 403 and "scope" in low:
        return (f"the key of {sheet.email} was not granted the drive.metadata.readonly "
                "scope")
    if status == 403 and ("has not been used" in low or "disabled" in low):
        return "the Google Drive API is not enabled in the key's Google Cloud project"
    if status == 404:
        return f"Drive shows no file {sheet.id} to {sheet.email}"
    return f"Drive answered HTTP {status}: {message or 'no message'}"


def why_not(sheet: GoogleSheet) -> str:
    """``doctor``: "" when ``run`` can skip unchanged reads of this sheet, else one sentence."""
    try:
        modified_time(sheet)
    except DriveUnavailable as err:
        return (f"run reads every sheet of {sheet.email} on each run, changed or not: the "
                f"Drive API cannot tell when it changed ({err}). Enable the Google Drive "
                f"API for the key's Cloud project and let {sheet.email} use the "
                "drive.metadata.readonly scope, or set skip_unchanged = false in sheetsync.toml.")
    return ""
