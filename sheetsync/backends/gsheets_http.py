"""How sheetsync talks HTTP to Google Sheets, and signs in to do so.

Owns ``SheetsHTTPClient`` (gspread 6's own HTTP client, pointed at the configured endpoint,
counting every request and retrying 429, 5xx and dropped connections under a ``RetryPolicy``
of bounded exponential backoff with jitter), where the endpoint and the key file come from
(``sheets_endpoint``, ``key_path``), and ``load_credentials``: a service-account key file
read, checked and cached once per process, for the spreadsheets scope only.

It knows nothing of workbooks, tabs or plans: ``gsheets.GoogleSheet`` sends its requests
through this client and turns what retries could not fix into sheetsync's errors.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import requests
from google.auth.credentials import Credentials as BaseCredentials
from google.auth.exceptions import GoogleAuthError
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient, ParamsType

from sheetsync.errors import ConfigError

SHEETS_URL = "https://sheets.googleapis.com"
DRIVE_URL = "https://www.googleapis.com"  # the Drive API: only files.get?fields=modifiedTime
# drive.metadata.readonly lets ``run`` ask a file's modifiedTime (one Drive request, a far
# larger quota) instead of reading an unchanged sheet; it reads no content (docs/google-sheets.md)
SCOPES = ["https://www.googleapis.com/auth/spreadsheets",
          "https://www.googleapis.com/auth/drive.metadata.readonly"]


# =========================================================================== HTTP


@dataclass(frozen=True)
class RetryPolicy:
    """Timeouts, and bounded exponential backoff with jitter for 429 and 5xx answers.

    Every try waits at most ``connect_timeout`` seconds to connect and ``read_timeout``
    seconds for each part of the answer. The n-th retry waits
    ``min(base * 2**(n-1) + uniform(0, base), max_delay)`` seconds (at least what a
    ``Retry-After`` header asks). A request is given up after ``max_tries`` attempts, when
    the waits would pass ``max_total_wait``, or when its tries and waits together would pass
    ``budget`` seconds: one request never takes longer than ``budget`` (plus one connect
    timeout at most), whatever the server does.
    """

    max_tries: int = 8
    max_total_wait: float = 120.0
    base_delay: float = 1.0
    max_delay: float = 32.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    budget: float = 180.0

    def delay(self, retry: int, rng: random.Random, retry_after: float = 0.0) -> float:
        wait: float = self.base_delay * 2 ** (retry - 1) + rng.uniform(0, self.base_delay)
        return max(min(wait, self.max_delay), retry_after)


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class KeySwitch(Protocol):
    """Several service accounts for one sheet (``gsheets_keys.KeyRing``)."""

    def refused(self, response: requests.Response) -> bool:
        """Shown every 403/404 answer: True when it has put another account's key in place
        (the refused request did nothing, so it is sent again with that key)."""
        ...

    def answered(self) -> None:
        """A request succeeded with the key in place now."""
        ...


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client pointed at ``endpoint``, counting and retrying requests.

    Pass the class as ``gspread.Client(..., http_client=SheetsHTTPClient)``, then set
    ``endpoint``, ``retry`` and ``sleep`` on the instance. ``api_requests`` counts every
    HTTP request sent to the Sheets API, retries included (token requests are not counted).
    After the last try the error is re-raised as gspread raised it (``APIError``), with
    ``tries`` and ``waited`` telling how hard it tried.
    """

    def __init__(self, auth: BaseCredentials, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.endpoint = SHEETS_URL
        self.retry = RetryPolicy()
        self.sleep: Callable[[float], None] = time.sleep
        self.clock: Callable[[], float] = time.monotonic
        self.rng = random.Random()
        self.api_requests = 0
        self.drive_requests = 0  # Drive API requests (another quota), not in api_requests
        # pace("read" | "write") waits for the host's quota bucket (host.pacing) before each
        # Sheets request and returns the seconds waited; None: no pacing
        self.pace: Callable[[str], float] | None = None
        self.waited_total = 0.0  # seconds waited so far, for pacing and for backoff
        self.keys: KeySwitch | None = None  # None: one key file, nothing to switch to
        self.tries = 0
        self.waited = 0.0
        self.elapsed = 0.0

    def url(self, endpoint: str) -> str:
        """The configured endpoint replaces both Google hosts (CONTRACT §5)."""
        for google in (SHEETS_URL, DRIVE_URL):
            if endpoint.startswith(google):
                return self.endpoint.rstrip("/") + endpoint[len(google):]
        return endpoint

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        url = self.url(endpoint)
        drive = endpoint.startswith(DRIVE_URL)
        start = self.clock()
        self.tries, self.waited, self.elapsed = 0, 0.0, 0.0
        idempotent = resendable(method, url, json)
        while True:
            if self.pace is not None and not drive:
                paced = self.pace("read" if method.upper() == "GET" else "write")
                self.waited_total += paced
                start += paced  # waiting for the quota is not the server's time
            self.tries += 1
            if drive:
                self.drive_requests += 1
            else:
                self.api_requests += 1
            left = self.retry.budget - (self.clock() - start)
            timeout = (min(self.retry.connect_timeout, max(left, 0.1)),
                       min(self.retry.read_timeout, max(left, 0.1)))
            try:
                response = self.session.request(method=method, url=url, json=json,
                                                params=params, data=data, files=files,
                                                headers=headers, timeout=timeout)
                if response.ok:
                    if self.keys is not None:
                        self.keys.answered()
                    return response
                raise APIError(response)
            except APIError as err:
                if (err.response.status_code in (403, 404) and self.keys is not None
                        and self.keys.refused(err.response)):
                    continue
                if err.response.status_code not in RETRY_STATUSES:
                    raise
                pause = self._pause(start, _retry_after(err.response))
                if pause is None:
                    raise
            except (requests.ConnectionError, requests.Timeout) as err:
                sent = not isinstance(err, requests.ConnectTimeout)
                pause = None if sent and not idempotent else self._pause(start, 0.0)
                if pause is None:
                    self.elapsed = self.clock() - start
                    raise
            self.sleep(pause)
            self.waited += pause
            self.waited_total += pause

    def _pause(self, start: float, retry_after: float) -> float | None:
        """How long to wait before the next try, or None to give up."""
        self.elapsed = self.clock() - start
        if self.tries >= self.retry.max_tries:
            return None
        pause = self.retry.delay(self.tries, self.rng, retry_after)
        if self.waited + pause > self.retry.max_total_wait:
            return None
        if self.elapsed + pause >= self.retry.budget:
            return None
        return pause


# the requests of a spreadsheets:batchUpdate that write the same cells when sent twice
SAME_TWICE = frozenset({"updateCells", "repeatCell"})


def resendable(method: str, url: str, body: Mapping[str, Any] | None) -> bool:
    """Whether a request that may have reached Google can be sent again after a timeout.

    Only when sending it twice does no harm: a GET, a ``values:batchUpdate``, and a
    ``spreadsheets:batchUpdate`` that only writes given cells (``updateCells``). One that
    appends (``appendCells``: twice would be two rows), adds a tab or grows a grid, and a
    ``values:append``, is tried again only when it surely never arrived (connecting failed).
    """
    if method.upper() == "GET" or url.endswith("values:batchUpdate"):
        return True
    if url.endswith(":batchUpdate") and body is not None:
        requests_ = body.get("requests") or []
        return bool(requests_) and all(
            isinstance(r, Mapping) and set(r) <= SAME_TWICE for r in requests_)
    return False


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", 0)))
    except ValueError:
        return 0.0


# =========================================================================== endpoint & key


def key_path(credentials: Path | str | None = None) -> Path:
    """The service-account key file, as the settings give it (``host.config`` reads
    SHEETSYNC_CREDENTIALS and knows the default; this edge reads no environment)."""
    if not credentials:
        raise ConfigError(f"no service-account key file was given; {_HOW_TO_GET_A_KEY}.")
    return Path(credentials)


def sheets_endpoint(endpoint: str | None = None) -> str:
    """The Sheets API address: the configured one (SHEETSYNC_SHEETS_ENDPOINT), else Google's."""
    return (endpoint or SHEETS_URL).rstrip("/")


_HOW_TO_GET_A_KEY = ("download a JSON key for a service account (Google Cloud console, IAM, "
                     "Service accounts, Keys) and point SHEETSYNC_CREDENTIALS at it")


_CACHE: dict[tuple[str, int, int], Credentials] = {}
_CACHE_SIZE = 32  # key files: one a service account (several keys: gsheets_keys)


def load_credentials(path: Path) -> Credentials:
    """The service account of a key file, for the spreadsheets scope only.

    One key file gives one Credentials object per process (while the file is unchanged), so
    a run over many projects signs in once and reuses the token until it expires.
    """
    try:
        stat = path.stat()
        cache_key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        cache_key = None
    if cache_key is not None and cache_key in _CACHE:
        return _CACHE[cache_key]
    creds = _read_key_file(path)
    if cache_key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[cache_key] = creds
    return creds


def _read_key_file(path: Path) -> Credentials:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"There is no Google service-account key at {path}: "
                          f"{_HOW_TO_GET_A_KEY}.") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path} is not a readable JSON key file ({exc}): "
                          f"{_HOW_TO_GET_A_KEY}.") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigError(f"{path} is not a service-account key (its type is "
                          f"{info.get('type') if isinstance(info, dict) else 'unknown'!r}): "
                          f"{_HOW_TO_GET_A_KEY}.")
    if "PASTE-THE-KEY" in str(info.get("private_key", "")):  # credentials.example.json
        raise ConfigError(f"{path} is still the example key file; put your service account's "
                          f"key here ({_HOW_TO_GET_A_KEY}).")
    try:
        made = Credentials.from_service_account_info(  # type: ignore[no-untyped-call,unused-ignore]
            info, scopes=SCOPES)
        return cast(Credentials, made)
    except (ValueError, KeyError, TypeError, GoogleAuthError) as exc:
        raise ConfigError(f"The service-account key {path} is damaged ({exc}): "
                          f"{_HOW_TO_GET_A_KEY}.") from None
