"""A Google Sheet as a project workbook, through unmodified gspread 6.

Requests per job (see docs/google-sheets.md):

- ``read()``: one metadata GET (title, time zone, locale, tabs and grid sizes) and one
  ``values:batchGet`` of every tab ``schema.canonical_tab`` knows.
- ``apply(plan)``: nothing for an empty plan; else at most one ``spreadsheets:batchUpdate``
  (only to create Problems/Log or to grow a grid), one ``values:batchGet`` of the ID column
  just before writing (only when there are keyed flag cells), and one ``values:batchUpdate``
  with ``valueInputOption=RAW``, so text is stored as text, never as a formula.
- ``sheetsync init`` (``gsheets_template``): one metadata GET with grid data
  (``grid_metadata``), one ``spreadsheets:batchUpdate`` (``batch_update``) and one RAW
  ``values:batchUpdate`` (``write_raw``).

Values are read with ``valueRenderOption=UNFORMATTED_VALUE`` and
``dateTimeRenderOption=FORMATTED_STRING``: numbers stay numbers, and a date comes as the
string the sheet shows (in the spreadsheet's locale), so it is never mistaken for a number.

Every HTTP request goes through ``gsheets_http.SheetsHTTPClient``: gspread's own client,
pointed at the configured endpoint, counting requests, and retrying 429 and 5xx answers with
bounded exponential backoff and jitter; the key file is read there too. This module owns the
rest: the source address (``spreadsheet_id``), ``GoogleSheet`` (read, apply, init's three
requests, doctor) and the A1 and value conversions. ``GoogleSheet._call`` turns what the
retries could not fix into sheetsync's errors, each one sentence that says what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import gspread
import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError

from sheetsync.backends.gsheets_http import (
    RetryPolicy,
    SheetsHTTPClient,
    key_path,
    load_credentials,
    sheets_endpoint,
)
from sheetsync.core import schema, sources
from sheetsync.core.writeplan import remap
from sheetsync.errors import (
    AccessDenied,
    BackendError,
    ConfigError,
    QuotaExceeded,
    SheetsyncError,
    SourceError,
)
from sheetsync.model import (
    CellValue,
    CellWrite,
    RawTab,
    RawWorkbook,
    Unreadable,
    WritePlan,
    blank,
    cell_text,
    column_letter,
)
from sheetsync.model import a1 as cell_a1

# How values are read, everywhere (the ID column re-read included).
RENDER: dict[str, str] = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "FORMATTED_STRING",
    "majorDimension": "ROWS",
}
META_FIELDS = ("properties(title,locale,timeZone),"
               "sheets.properties(sheetId,title,index,sheetType,gridProperties)")
# What a formula that failed (or has not finished) shows instead of a value.
FORMULA_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                            "#N/A", "#ERROR!", "#SPILL!", "#CALC!", "Loading..."})
NEW_TAB_ROWS, NEW_TAB_COLS = 1000, 26  # Google's own default grid for a new tab

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


@dataclass
class _Writes:
    """The pieces of one apply: structural requests, then value ranges."""

    structure: list[dict[str, Any]] = field(default_factory=list)
    new_tabs: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)


class GoogleSheet:
    """One Google Sheet: ``read()`` in two requests, ``apply(plan)`` in at most three."""

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

    @classmethod
    def open(cls, source: str, credentials: Path | None = None, endpoint: str | None = None,
             *, retry: RetryPolicy | None = None,
             sleep: Callable[[float], None] | None = None) -> GoogleSheet:
        """Check the source and the key file; no request is sent yet."""
        key = spreadsheet_id(source)
        path = key_path(credentials)
        creds = load_credentials(path)
        client = gspread.Client(auth=creds, http_client=SheetsHTTPClient)
        http = cast(SheetsHTTPClient, client.http_client)
        http.endpoint = sheets_endpoint(endpoint)
        http.retry = retry or RetryPolicy()
        if sleep is not None:
            http.sleep = sleep
        return cls(source, key, client, creds.service_account_email, path, http.endpoint)

    @property
    def api_requests(self) -> int:
        return self.http.api_requests

    @api_requests.setter
    def api_requests(self, value: int) -> None:
        self.http.api_requests = value

    # ------------------------------------------------------------------ read
    def read(self) -> RawWorkbook:
        """Every known tab as values, in two requests: metadata, then one batchGet."""
        meta = self._metadata()
        titles = [t for t in self._known_tabs() if t in self.tabs]
        tabs: list[RawTab] = []
        if titles:
            answer = self._call(lambda: self.http.values_batch_get(
                self.id, [quote_sheet(t) for t in titles], params=dict(RENDER)))
            for title, value_range in zip(titles, answer.get("valueRanges") or [], strict=False):
                rows = raw_rows(value_range)
                self.tabs[title].height = len(rows)
                self.tabs[title].width = max((len(r) for r in rows), default=0)
                tabs.append(RawTab(title, rows))
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
        return dict(meta)

    def _known_tabs(self) -> list[str]:
        return [title for title in self.tabs if schema.canonical_tab(title)]

    def _find(self, title: str) -> _Tab | None:
        """The tab a plan names, matched as staff names are (case and spaces ignored)."""
        if title in self.tabs:
            return self.tabs[title]
        wanted = schema.norm(title)
        return next((t for t in self.tabs.values() if schema.norm(t.title) == wanted), None)

    # ------------------------------------------------------------------ apply
    def apply(self, plan: WritePlan) -> None:
        """Write a plan: at most one structural batchUpdate, one ID GET, one values write."""
        if plan.empty:
            return
        try:
            self._apply(plan)
        except BaseException:
            self._tabs = None  # what is on the sheet now is unsure: ask again next time
            raise

    def _apply(self, plan: WritePlan) -> None:
        writes = _Writes()
        flags = self._find(plan.flags_tab) if plan.flag_cells else None
        if plan.flag_cells and flags is None:
            raise SourceError(f"The tab {plan.flags_tab!r} is gone from {self.source}: "
                              "run the job again.")
        if flags is not None:
            self._grow(writes, flags, 0, max(c.col for c in plan.flag_cells))
        problems = self._plan_problems(plan, writes)
        log = self._plan_log_tab(plan, writes)
        self._structure(writes)

        cells = plan.flag_cells
        log_height = None if log is None else log.height
        keyed = flags is not None and any(c.key for c in cells)
        reread_log = log is not None and log.title not in writes.new_tabs and (
            keyed or log_height is None)
        if keyed or reread_log:
            ids, fresh = self._reread(plan, flags if keyed else None,
                                      log if reread_log else None)
            cells = remap(cells, ids) if keyed else cells
            log_height = fresh if reread_log else log_height
        if flags is not None:
            writes.data.extend(flag_ranges(flags.title, cells))
        if problems is not None and plan.problems_rows is not None:
            writes.data.extend(self._problem_ranges(problems, plan))
        if log is not None and plan.log_rows:
            writes.data.extend(self._log_ranges(log, plan, log_height or 0))
        if writes.data:
            body = {"valueInputOption": "RAW", "data": writes.data}
            self._call(lambda: self.http.values_batch_update(self.id, body))

    def _grow(self, writes: _Writes, tab: _Tab, rows: int, cols: int) -> None:
        """Add appendDimension requests so that ``tab`` has at least rows x cols."""
        for dimension, have, need in (("ROWS", tab.rows, rows), ("COLUMNS", tab.cols, cols)):
            if need > have:
                writes.structure.append({"appendDimension": {
                    "sheetId": tab.sheet_id, "dimension": dimension, "length": need - have}})
                if dimension == "ROWS":
                    tab.rows = need
                else:
                    tab.cols = need

    def _ensure_tab(self, writes: _Writes, title: str, rows: int, cols: int) -> _Tab:
        tab = self._find(title)
        if tab is not None:
            self._grow(writes, tab, rows, cols)
            return tab
        tab = _Tab(title, -1, max(rows, NEW_TAB_ROWS), max(cols, NEW_TAB_COLS), 0, 0)
        writes.structure.append({"addSheet": {"properties": {
            "title": title, "gridProperties": {"rowCount": tab.rows, "columnCount": tab.cols,
                                               "frozenRowCount": 1}}}})
        writes.new_tabs.append(title)
        self.tabs[title] = tab
        return tab

    def _plan_problems(self, plan: WritePlan, writes: _Writes) -> _Tab | None:
        if plan.problems_rows is None:
            return None
        existing = self._find(plan.problems_tab)
        old_height = max(plan.problems_old_height, (existing.height or 0) if existing else 0)
        width = max([len(r) for r in plan.problems_rows] + [existing.width if existing else 0])
        rows = max(len(plan.problems_rows), old_height)
        return self._ensure_tab(writes, plan.problems_tab, rows, width)

    def _plan_log_tab(self, plan: WritePlan, writes: _Writes) -> _Tab | None:
        if not plan.log_rows:
            return None
        existing = self._find(plan.log_tab)
        height = existing.height if existing else 0
        width = max(len(r) for r in (plan.log_header, *plan.log_rows))
        start = (height or 0) + 1 + (1 if not height and plan.log_header else 0)
        return self._ensure_tab(writes, plan.log_tab, start + len(plan.log_rows) - 1, width)

    def _structure(self, writes: _Writes) -> None:
        """Send the one structural batchUpdate, if anything needs creating or growing."""
        if not writes.structure:
            return
        body = {"requests": writes.structure}
        answer = self._call(lambda: self.http.batch_update(self.id, body))
        for reply in answer.get("replies") or []:
            props = (reply.get("addSheet") or {}).get("properties")
            if props and props.get("title") in self.tabs:
                self.tabs[props["title"]].sheet_id = int(props["sheetId"])

    def _reread(self, plan: WritePlan, flags: _Tab | None,
                log: _Tab | None) -> tuple[dict[int, str], int | None]:
        """One batchGet, just before writing: the ID column, and the Log if it helps."""
        ranges: list[str] = []
        if flags is not None:
            letter = column_letter(plan.id_col)
            ranges.append(f"{quote_sheet(flags.title)}!{letter}:{letter}")
        if log is not None:
            width = max(len(plan.log_header), max(len(r) for r in plan.log_rows), log.width, 1)
            ranges.append(f"{quote_sheet(log.title)}!A:{column_letter(width)}")
        answer = self._call(lambda: self.http.values_batch_get(self.id, ranges,
                                                               params=dict(RENDER)))
        value_ranges = answer.get("valueRanges") or []
        ids: dict[int, str] = {}
        if flags is not None:
            for row, cells in enumerate(raw_rows(value_ranges[0]), start=1):
                if cells and not blank(cells[0]):
                    ids[row] = cell_text(cells[0]).strip()
        log_height = None
        if log is not None:
            log_height = len(raw_rows(value_ranges[-1])) if value_ranges else 0
        return ids, log_height

    def _problem_ranges(self, tab: _Tab, plan: WritePlan) -> list[dict[str, Any]]:
        """The whole Problems tab: new rows, then "" over whatever the old ones held."""
        assert plan.problems_rows is not None
        rows = [list(r) for r in plan.problems_rows]
        old_height = max(plan.problems_old_height, tab.height or 0)
        width = max([len(r) for r in rows] + [tab.width, 1])
        height = max(len(rows), old_height)
        tab.height, tab.width = len(rows), max((len(r) for r in rows), default=0)
        if not height:
            return []
        padded = [r + [""] * (width - len(r)) for r in rows]
        padded += [[""] * width for _ in range(height - len(rows))]
        where = f"{quote_sheet(tab.title)}!A1:{cell_a1(height, width)}"
        return [{"range": where, "values": padded}]

    def _log_ranges(self, tab: _Tab, plan: WritePlan, height: int) -> list[dict[str, Any]]:
        """The new Log rows after the last row; the header first on an empty tab."""
        rows = [list(r) for r in plan.log_rows]
        if height == 0 and plan.log_header:
            rows.insert(0, list(plan.log_header))
        start, end = height + 1, height + len(rows)
        width = max(len(r) for r in rows)
        if end > tab.rows:  # someone else appended since the read: grow first
            grow = _Writes()
            self._grow(grow, tab, end, width)
            self._structure(grow)
        tab.height, tab.width = end, max(tab.width, width)
        where = f"{quote_sheet(tab.title)}!A{start}:{cell_a1(end, width)}"
        return [{"range": where, "values": rows}]

    # ------------------------------------------------------------------ errors
    def _call(self, send: Callable[[], T]) -> T:
        """Send through gspread; turn what retries could not fix into a sheetsync error."""
        try:
            return send()
        except APIError as err:
            raise self._api_error(err) from None
        except RefreshError as err:
            raise self._token_error(err) from None
        except TransportError as err:
            raise BackendError(f"Could not reach Google's sign-in service for {self.email} "
                               f"({err}): check the network and try again.") from None
        except (requests.ConnectionError, requests.Timeout) as err:
            raise BackendError(f"Could not reach {self.endpoint} after {self.http.tries} "
                               f"tries ({type(err).__name__}): check the network or "
                               "SHEETSYNC_SHEETS_ENDPOINT and try again.") from None

    def _api_error(self, err: APIError) -> SheetsyncError:
        status = err.response.status_code
        message = str(err.error.get("message", "")).strip()
        tries = f"after {self.http.tries} tries over {self.http.waited:.0f}s"
        if status == 403 and "protected" in message.lower():
            return AccessDenied(f"Google refused to write {self.source} because some cells "
                                f"sheetsync writes are protected: let {self.email} edit the "
                                "Flag columns and the Problems and Log tabs.")
        if status == 403:
            return AccessDenied(f"The service account {self.email} may not open or edit "
                                f"{self.source}: share the sheet with {self.email} as an "
                                "Editor.")
        if status == 404:
            return SourceError(f"There is no spreadsheet with id {self.id} — check the URL.")
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
        return BackendError(f"Google Sheets refused a request for {self.source} (HTTP {status}: "
                            f"{message[:200]}): please report this as a sheetsync bug.")

    def _token_error(self, err: RefreshError) -> SheetsyncError:
        detail = err.args[0] if err.args else str(err)
        if getattr(err, "retryable", False):
            return BackendError(f"Google's sign-in service failed for {self.email} ({detail}): "
                                "try again later.")
        return ConfigError(f"Google refused the service-account key {self.key_file} "
                           f"({detail}): check the account still exists and the key is not "
                           "revoked, or download a new key.")

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
        answer = self._call(lambda: self.http.batch_update(self.id, {"requests": list(requests)}))
        return dict(answer)

    def write_raw(self, data: Sequence[Mapping[str, Any]]) -> None:
        """One ``values:batchUpdate`` with ``valueInputOption=RAW`` (text stays text)."""
        if data:
            body = {"valueInputOption": "RAW", "data": list(data)}
            self._call(lambda: self.http.values_batch_update(self.id, body))

    # ------------------------------------------------------------------ doctor


# =========================================================================== values


def quote_sheet(title: str) -> str:
    """A sheet name for an A1 range, always quoted: ``'It''s'``."""
    return "'" + title.replace("'", "''") + "'"


def raw_value(value: Any) -> CellValue:
    """One value as the API sent it, as a raw cell: "" is blank, #REF! is unreadable."""
    if value == "" or value is None:
        return None
    if isinstance(value, str) and value in FORMULA_ERRORS:
        return Unreadable("the formula has no value", value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def raw_rows(value_range: Mapping[str, Any]) -> tuple[tuple[CellValue, ...], ...]:
    """A ValueRange's rows; no ``values`` key means an empty range."""
    return tuple(tuple(raw_value(v) for v in row) for row in value_range.get("values") or [])


def flag_ranges(title: str, cells: Iterable[CellWrite]) -> list[dict[str, Any]]:
    """Flag cells as value ranges, side-by-side cells of one row merged into one range."""
    ordered = sorted({(c.row, c.col): c for c in cells}.values(), key=lambda c: (c.row, c.col))
    runs: list[list[CellWrite]] = []
    for cell in ordered:
        last = runs[-1][-1] if runs else None
        if last is not None and last.row == cell.row and last.col + 1 == cell.col:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return [_run_range(title, run) for run in runs]


def _run_range(title: str, run: Sequence[CellWrite]) -> dict[str, Any]:
    first, last = run[0], run[-1]
    where = cell_a1(first.row, first.col)
    if len(run) > 1:
        where += ":" + cell_a1(last.row, last.col)
    return {"range": f"{quote_sheet(title)}!{where}", "values": [[c.value for c in run]]}
