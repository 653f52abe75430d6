"""A Google Sheet as a project workbook, through unmodified gspread 6.

Requests per job (see docs/google-sheets.md):

- ``read()``: one ``spreadsheets.get`` whose field mask (``gsheets_values.GRID_FIELDS``)
  asks for the title, time zone, locale, every tab's properties and grid size, and every
  cell's ``effectiveValue``; the tabs ``schema.canonical_tab`` does not know are dropped.
  It gives the same ``RawWorkbook`` as ``read_values()``, the read before it (a metadata
  GET, then one ``values:batchGet`` with ``UNFORMATTED_VALUE`` of the known tabs), kept as
  the reference it is tested and measured against (``benchmarks/bench_gridread.py``).
  The read's time (``read_at``, monotonic) and rows are kept, so that a write within
  ``gsheets_write.REREAD_AFTER_S`` of it places flags by them without reading again.
- ``apply(plan)``: nothing for an empty plan; else what ``gsheets_write`` says: a re-read
  of the flags tab (only with flag cells) and one ``spreadsheets:batchUpdate`` holding
  every write (new tabs, grown grids, flags, Problems, Board, Timeline, and History and
  Log rows appended), whose answer can carry the Log tab after it (``echo_log``).
- ``sheetsync init`` (``gsheets_template``): one metadata GET with grid data
  (``grid_metadata``), one ``spreadsheets:batchUpdate`` (``batch_update``) and one RAW
  ``values:batchUpdate`` (``write_raw``).

Values are read with ``valueRenderOption=UNFORMATTED_VALUE`` (``gsheets_values.RENDER``).
Every HTTP request goes through ``gsheets_http.SheetsHTTPClient`` (endpoint, timeouts,
bounded retries, the key file); ``gsheets_errors.Explainer`` turns what the retries could
not fix into sheetsync's errors, each one sentence that says what to do. This module owns
the source address (``spreadsheet_id``) and ``GoogleSheet``: read, the tab list, init's
three requests.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import gspread

from sheetsync.backends import KeyMemory
from sheetsync.backends.gsheets_errors import Explainer
from sheetsync.backends.gsheets_http import (
    RetryPolicy,
    SheetsHTTPClient,
    key_path,
    sheets_endpoint,
)
from sheetsync.backends.gsheets_values import (
    GRID_FIELDS,
    META_FIELDS,
    RENDER,
    grid_rows,
    quote_sheet,
    raw_rows,
)
from sheetsync.core import schema, sources
from sheetsync.errors import ConfigError
from sheetsync.model import CellValue, RawTab, RawWorkbook, WritePlan

__all__ = ["GoogleSheet", "quote_sheet", "spreadsheet_id"]

T = TypeVar("T")


# =========================================================================== sources


def spreadsheet_id(source: str) -> str:
    """The spreadsheet ID in ``gsheet:<id>`` or a docs.google.com/spreadsheets/d/<id> URL."""
    key = sources.google_id(source)
    if key:
        return key
    raise ConfigError(f"{source} is not a Google Sheet address; give gsheet:<spreadsheet id> "
                      "or the sheet's docs.google.com/spreadsheets/d/... URL.")


# =========================================================================== the backend


@dataclass
class _Tab:
    """What sheetsync knows about one tab: its grid, and its content's size when read."""

    title: str
    sheet_id: int
    rows: int
    cols: int
    height: int | None = None  # rows holding content, as last read or written
    width: int = 0


class GoogleSheet:
    """One Google Sheet: ``read()`` in one request, ``apply(plan)`` in at most two."""

    def __init__(self, source: str, key: str, client: gspread.Client, email: str,
                 key_file: Path, endpoint: str) -> None:
        self.source = source
        self.id = key
        self.client = client
        self.http = cast(SheetsHTTPClient, client.http_client)
        self.email = email
        self.key_file = key_file
        self.endpoint = endpoint
        self.title = ""
        self._tabs: dict[str, _Tab] | None = None
        self.explain = Explainer(source, key, email, key_file, endpoint, self.http)
        self.clock: Callable[[], float] = time.monotonic  # when a read happened
        self.read_at: float | None = None  # ``clock()`` at the last read, None after a write
        self.read_rows: dict[str, tuple[tuple[CellValue, ...], ...]] = {}  # by tab title

    @classmethod
    def open(cls, source: str, credentials: Path | None = None, endpoint: str | None = None,
             *, retry: RetryPolicy | None = None,
             sleep: Callable[[float], None] | None = None,
             pace: Callable[[str, str], float] | None = None,
             keys: Sequence[Path] = (), memory: KeyMemory | None = None) -> GoogleSheet:
        """Check the source and the key file; no request is sent yet.

        ``keys``: several key files, tried in order where a sheet is not shared with one
        (``gsheets_keys``); ``memory`` remembers each sheet's. Without it, ``credentials``.
        """
        from sheetsync.backends.gsheets_keys import KeyRing

        key = spreadsheet_id(source)
        ring = KeyRing(key, tuple(keys) or (key_path(credentials),), memory)
        path, creds = ring.first()
        client = gspread.Client(auth=creds, http_client=SheetsHTTPClient)
        http = cast(SheetsHTTPClient, client.http_client)
        http.endpoint = sheets_endpoint(endpoint)
        http.retry = retry or RetryPolicy()  # timeouts: host.config, via source_kinds
        if sleep is not None:
            http.sleep = sleep
        sheet = cls(source, key, client, creds.service_account_email, path, http.endpoint)
        ring.attach(sheet)
        if pace is not None:  # the host's quota bucket of the service account in use
            http.pace = lambda kind: pace(sheet.email, kind)
        return sheet

    @property
    def api_requests(self) -> int:
        return self.http.api_requests

    @api_requests.setter
    def api_requests(self, value: int) -> None:
        self.http.api_requests = value

    @property
    def waited_s(self) -> float:
        """Seconds spent waiting for the quota (pacing) and in backoff."""
        return self.http.waited_total

    @property
    def drive_requests(self) -> int:
        return self.http.drive_requests

    def modified_time(self) -> str | None:
        """The Drive ``modifiedTime`` (one Drive request), None when Drive cannot tell."""
        from sheetsync.backends.gsheets_drive import DriveUnavailable, modified_time

        try:
            return modified_time(self)
        except DriveUnavailable:
            return None

    # ------------------------------------------------------------------ read
    def read(self) -> RawWorkbook:
        """Every known tab as values, in one request: ``spreadsheets.get`` with grid data
        (``GRID_FIELDS``). Unknown tabs come too (a mask cannot name tabs) and are dropped."""
        started = self.clock()
        meta = self._call(lambda: self.http.fetch_sheet_metadata(
            self.id, params={"includeGridData": "true", "fields": GRID_FIELDS}))
        self._remember(meta)
        tabs: list[RawTab] = []
        for sheet in meta.get("sheets") or []:
            title = (sheet.get("properties") or {}).get("title", "")
            if title in self.tabs and schema.canonical_tab(title):
                tabs.append(self._seen(title, grid_rows(sheet.get("data") or [])))
        return self._workbook(meta, tabs, started)

    def read_values(self) -> RawWorkbook:
        """The same workbook in two requests: metadata, then one ``values:batchGet`` of the
        known tabs only (``UNFORMATTED_VALUE``). The read before ``read``; kept as what
        ``read`` is held to in tests and measured against in ``bench_gridread``."""
        started = self.clock()
        meta = self._metadata()
        titles = [t for t in self._known_tabs() if t in self.tabs]
        tabs: list[RawTab] = []
        if titles:
            answer = self._call(lambda: self.http.values_batch_get(
                self.id, [quote_sheet(t) for t in titles], params=dict(RENDER)))
            for title, value_range in zip(titles, answer.get("valueRanges") or [], strict=False):
                tabs.append(self._seen(title, raw_rows(value_range)))
        return self._workbook(meta, tabs, started)

    def _seen(self, title: str, rows: tuple[tuple[CellValue, ...], ...]) -> RawTab:
        """A tab as read; its content's size is remembered for the write after."""
        self.tabs[title].height = len(rows)
        self.tabs[title].width = max((len(r) for r in rows), default=0)
        return RawTab(title, rows)

    def _workbook(self, meta: Mapping[str, Any], tabs: list[RawTab],
                  started: float) -> RawWorkbook:
        self.read_at = started  # when the request left: the rows are at least this fresh
        self.read_rows = {t.name: t.rows for t in tabs}
        props = meta.get("properties") or {}
        return RawWorkbook(title=self.title, tabs=tuple(tabs), time_zone=props.get("timeZone"),
                           locale=props.get("locale"))

    @property
    def tabs(self) -> dict[str, _Tab]:
        if self._tabs is None:
            self._metadata()
        assert self._tabs is not None
        return self._tabs

    def _metadata(self) -> dict[str, Any]:
        meta = self._call(lambda: self.http.fetch_sheet_metadata(
            self.id, params={"includeGridData": "false", "fields": META_FIELDS}))
        self._remember(meta)
        return dict(meta)

    def _remember(self, meta: Mapping[str, Any]) -> None:
        """The title and the tab list (grid tabs: id, grid size) of a metadata answer."""
        self.title = (meta.get("properties") or {}).get("title", "")
        self._tabs = {}
        for sheet in meta.get("sheets") or []:
            props = sheet.get("properties") or {}
            if props.get("sheetType", "GRID") != "GRID":
                continue
            grid = props.get("gridProperties") or {}
            self._tabs[props["title"]] = _Tab(props["title"], int(props.get("sheetId", 0)),
                                              int(grid.get("rowCount", 0)),
                                              int(grid.get("columnCount", 0)))

    def _known_tabs(self) -> list[str]:
        return [title for title in self.tabs if schema.canonical_tab(title)]

    def _find(self, title: str) -> _Tab | None:
        """The tab a plan names, matched as staff names are (case and spaces ignored)."""
        if title in self.tabs:
            return self.tabs[title]
        wanted = schema.norm(title)
        return next((t for t in self.tabs.values() if schema.norm(t.title) == wanted), None)

    def find(self, title: str) -> _Tab | None:
        return self._find(title)

    def tab_state(self) -> dict[str, _Tab]:
        """A copy of what is known of the tabs, for ``restore_tabs`` when Google refuses a
        write whole (a write's requests are built as if they were already done)."""
        return {title: dataclasses.replace(tab) for title, tab in self.tabs.items()}

    def restore_tabs(self, state: dict[str, _Tab]) -> None:
        self._tabs = state

    def forget_tabs(self) -> None:
        """Ask Google for the tab list again (a tab was added or renamed meanwhile)."""
        self._metadata()

    # ------------------------------------------------------------------ apply
    def apply(self, plan: WritePlan) -> RawTab | None:
        """Write a plan (``gsheets_write``); an empty plan sends nothing. Returns the Log
        tab as it stands after the write when the plan asks (``echo_log``)."""
        if plan.empty:
            return None
        from sheetsync.backends.gsheets_write import apply_plan

        try:
            return apply_plan(self, plan)
        except BaseException:
            self._tabs = None  # what is on the sheet now is unsure: ask again next time
            raise
        finally:
            self.read_at = None  # the rows read are not the sheet's any more

    def call(self, send: Callable[[], T], doing: str = "") -> T:
        """One request; what the retries could not fix becomes a sheetsync error."""
        return self.explain.call(send, doing)

    _call = call

    # ------------------------------------------------------------------ init
    def grid_metadata(self, fields: str) -> dict[str, Any]:
        """One metadata GET that includes grid data, trimmed by the ``fields`` mask (init).

        The tab list it holds is remembered as ``read`` would (``tabs``).
        """
        meta = self._call(lambda: self.http.fetch_sheet_metadata(
            self.id, params={"includeGridData": "true", "fields": fields}))
        self.title = (meta.get("properties") or {}).get("title", "")
        self._tabs = None
        return dict(meta)

    def batch_update(self, requests: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """One ``spreadsheets:batchUpdate`` of structural and formatting requests."""
        self._tabs = None  # tabs may be added or renamed: ask again next time
        self.read_at = None
        answer = self._call(lambda: self.http.batch_update(self.id, {"requests": list(requests)}))
        return dict(answer)

    def write_raw(self, data: Sequence[Mapping[str, Any]]) -> None:
        """One ``values:batchUpdate`` with ``valueInputOption=RAW`` (text stays text)."""
        if data:
            self.read_at = None
            body = {"valueInputOption": "RAW", "data": list(data)}
            self._call(lambda: self.http.values_batch_update(self.id, body))
