"""What a failed Google Sheets request means, as one sentence that says what to do.

``Explainer`` is given what it needs to name things (the source, the service account, the
key file, the endpoint) and the HTTP client (how many tries, how long); ``call`` sends one
request through gspread and turns what the retries could not fix into sheetsync's errors.
A range Google cannot parse (a tab renamed or deleted while sheetsync ran) is
``TabMoved``, which the writer answers by reading the tabs again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError

from sheetsync.backends.gsheets_http import SheetsHTTPClient
from sheetsync.errors import (
    AccessDenied,
    BackendError,
    ConfigError,
    QuotaExceeded,
    SheetsyncError,
    SourceError,
    WriteRefused,
)

T = TypeVar("T")


class TabMoved(SourceError):
    """A tab a request named is not there now: renamed, deleted, or added by another run."""


def not_shared(response: requests.Response) -> bool:
    """A 403 or 404 that means "this sheet is not shared with this service account" (or is
    not there at all): Sheets' PERMISSION_DENIED "The caller does not have permission" (also
    a Viewer's write), Sheets' "Requested entity was not found", Drive's "File not found".
    A protected range, a missing scope, a disabled API or a proxy's page is something else."""
    if response.status_code not in (403, 404):
        return False
    try:
        message = str(response.json()["error"]["message"]).lower()
    except (ValueError, KeyError, TypeError):
        return False
    if response.status_code == 403:
        return "does not have permission" in message
    return "not found" in message and "method not found" not in message


CELL_LIMIT = 10_000_000  # Google's most cells in one spreadsheet: every tab's whole grid


class CellLimit(WriteRefused):
    """Google refused a write (whole: nothing of it applied) because the spreadsheet would
    pass its limit of cells; what is written into existing cells may still fit."""


_CLOCK_WORDS = ("reasonable timeframe", "iat", "exp values", "token must be a short-lived")


@dataclass
class Explainer:
    source: str
    sheet_id: str
    email: str
    key_file: Path
    endpoint: str
    http: SheetsHTTPClient
    # every configured service account (their emails, or a key file that cannot be
    # loaded), when there are several: a sheet none of them may open says so in one go
    accounts: Callable[[], Sequence[str]] | None = None

    def call(self, send: Callable[[], T], doing: str = "") -> T:
        """Send through gspread; turn what retries could not fix into a sheetsync error.

        ``doing`` ("append the send's row to the tab 'Log'") is said in refusals of writes.
        """
        try:
            return send()
        except APIError as err:
            raise self.api_error(err, doing) from None
        except RefreshError as err:
            raise self.token_error(err) from None
        except TransportError as err:
            raise BackendError(f"Could not reach Google's sign-in service for {self.email}: "
                               "check the network and try again (--debug shows the details)."
                               ).with_detail(str(err)) from None
        except requests.Timeout as err:
            raise BackendError(
                f"Google Sheets at {self.endpoint} did not answer ({type(err).__name__} after "
                f"{self.http.tries} tries in {self.http.elapsed:.0f}s): check the network, or "
                "raise SHEETSYNC_SHEETS_READ_TIMEOUT and SHEETSYNC_SHEETS_RETRY_BUDGET, and "
                "run again.") from None
        except requests.RequestException as err:
            raise BackendError(f"Could not reach {self.endpoint} after {self.http.tries} "
                               f"tries ({type(err).__name__}): check the network or "
                               "SHEETSYNC_SHEETS_ENDPOINT and try again."
                               ).with_detail(str(err)) from None

    def api_error(self, err: APIError, doing: str = "") -> SheetsyncError:
        status = err.response.status_code
        message = str(err.error.get("message", "")).strip()
        tries = f"after {self.http.tries} tries over {self.http.elapsed:.0f}s"
        content_type = err.response.headers.get("Content-Type", "")
        what = f"to {doing}" if doing else "a request"
        if "json" not in content_type.lower() and status not in (401, 404, 429) and (
                status < 500):
            return BackendError(
                f"{self.endpoint} answered HTTP {status} with a web page instead of a Sheets "
                f"API answer ({_page_title(message)}): a proxy or firewall between this host "
                "and Google is in the way; check it, or SHEETSYNC_SHEETS_ENDPOINT, and run "
                "again.")
        if self.accounts is not None and not_shared(err.response):
            names = self.accounts()
            if len(names) > 1:
                check = " (or check the URL, if it is no sheet at all)" if status == 404 else ""
                return AccessDenied(
                    f"None of the {len(names)} service accounts may open or edit "
                    f"{self.source} ({', '.join(names)}): share the sheet with one of them "
                    f"as an Editor{check}, and run again.")
        if status == 400 and ("unable to parse range" in message.lower()
                              or "no grid with id" in message.lower()):
            return TabMoved(f"A tab of {self.source} was renamed or deleted while sheetsync "
                            f"wrote to it ({_short(message)}): run again.")
        if status == 400 and "above the limit of" in message.lower():
            return CellLimit(f"Google refused {what} in {self.source}: the spreadsheet would "
                             f"pass Google's limit of {CELL_LIMIT:,} cells (every tab's empty "
                             "rows and columns count too); delete unused tabs, or the empty "
                             "rows and columns at the end of large tabs, and run again.")
        if status == 400 and "already exists" in message.lower():
            return TabMoved(f"Another run created a tab of {self.source} at the same time "
                            f"({_short(message)}): run again.")
        if status == 403 and "protected" in message.lower():
            return AccessDenied(f"Google refused {what} in {self.source} because those cells "
                                f"are protected: let {self.email} edit the Flag columns and the "
                                "Problems and Log tabs, and run again.")
        if status == 403 and doing:
            return AccessDenied(f"Google refused {what} in {self.source}: share the sheet "
                                f"with {self.email} as an Editor (not a Viewer), and run again.")
        if status == 403:
            return AccessDenied(f"The service account {self.email} may not open or edit "
                                f"{self.source}: share the sheet with {self.email} as an "
                                "Editor.")
        if status == 404:
            return SourceError(f"There is no spreadsheet with id {self.sheet_id} — check the "
                               "URL.")
        if status == 401:
            return ConfigError(f"Google did not accept the credentials of {self.email} from "
                               f"{self.key_file}: download a new service-account key.")
        if status == 429:
            return QuotaExceeded(f"Google's Sheets request quota stayed exhausted {tries}: "
                                 "wait a few minutes and run again, or ask for a higher quota "
                                 "in the Google Cloud console.")
        if status >= 500:
            return BackendError(f"Google Sheets kept failing (HTTP {status}) {tries}: "
                                "try again later.")
        return BackendError(f"Google Sheets refused {what} for {self.source} (HTTP {status}: "
                            f"{_short(message)}): please report this as a sheetsync bug.")

    def token_error(self, err: RefreshError) -> SheetsyncError:
        detail = _short(str(err.args[0] if err.args else err))
        if getattr(err, "retryable", False):
            return BackendError(f"Google's sign-in service failed for {self.email} ({detail}): "
                                "try again later.")
        if any(word in detail.lower() for word in _CLOCK_WORDS):
            return ConfigError(f"Google refused the sign-in of {self.email} because this "
                               f"host's clock is off ({detail}): check the host's clock "
                               "(timedatectl, NTP) and run again.")
        return ConfigError(f"Google refused the service-account key {self.key_file} "
                           f"({detail}): check the account still exists and the key is not "
                           "revoked, or download a new key.")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _page_title(body: str) -> str:
    """An HTML page's <title>, or its first words."""
    low = body.lower()
    start, end = low.find("<title>"), low.find("</title>")
    if 0 <= start < end:
        return _short(body[start + 7:end], 80) or "no title"
    return _short(body, 80) or "an empty page"
