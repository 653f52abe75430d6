"""GoogleSheet against the loopback emulator: real google-auth JWT signing, unmodified gspread.

Request counts are part of the contract (docs/google-sheets.md): a read is 1 request, an
apply with nothing new is 0, a flags-only apply is one values write, plus the flags-tab GET
when the read is older than ``gsheets_write.REREAD_AFTER_S``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import google.auth._exponential_backoff
import pytest

from sheetsync.backends import Access, kind
from sheetsync.backends.gsheets import GoogleSheet, quote_sheet, spreadsheet_id
from sheetsync.backends.gsheets_http import RetryPolicy
from sheetsync.backends.gsheets_values import GRID_FIELDS
from sheetsync.backends.gsheets_write import REREAD_AFTER_S
from sheetsync.core.findings import Finding
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import (
    AccessDenied,
    BackendError,
    ConfigError,
    QuotaExceeded,
    SourceError,
)
from sheetsync.host import config
from sheetsync.model import FORMULA_ERROR, CellWrite, Unreadable, WritePlan
from sheetsync.shell.pipeline import opener
from tests.sheets_emulator import Fmt, Formula, SheetsEmulator, format_datetime, to_serial

SID = "1AcmeRolloutSheet_0123456789"
SOURCE = f"gsheet:{SID}"
Opener = Callable[..., GoogleSheet]


def acme(emulator: SheetsEmulator, *, locale: str = "en_US", **tabs: list[list[Any]]) -> None:
    """A small project sheet, plus an unknown tab sheetsync must leave alone."""
    content: dict[str, list[list[Any]]] = {
        "Project": [["Field", "Value"], ["Project", "Acme rollout"],
                    ["Client emails", "ops@client.example"]],
        "Milestones": [
            ["ID", "Milestone", "Owner", "Due", "Status", "Notes"],
            ["M1", "Kick-off", "Team", date(2026, 11, 2), "Done", None],
            ["M2", "Build", "Team", date(2026, 11, 20), "In progress", 3],
            [],
            ["M3", "Sign-off", "Client", date(2026, 12, 4), None, Formula("=1/0", "#DIV/0!")],
        ],
        "Staff notes": [["private", "stuff"]],
    }
    content.update(tabs)
    emulator.create_spreadsheet(SID, "Acme rollout", content, locale=locale,
                                time_zone="Europe/London")


def flags_plan(*cells: CellWrite, **extra: Any) -> WritePlan:
    """A plan for the Flag and Flag detail columns, where the first cell's column is Flag."""
    flag_col = min((c.col for c in cells), default=0)
    extra = {"header_row": 1, "flag_col": flag_col, "detail_col": flag_col + 1, **extra}
    return WritePlan(flags_tab="Milestones", id_col=1, flag_cells=cells, problems_tab="Problems",
                     log_tab="Log", **extra)


# =========================================================================== read


def test_read_returns_known_tabs_as_values(sheets_emulator: SheetsEmulator,
                                          open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheet = open_sheet(SOURCE)
    raw = sheet.read()
    assert (raw.title, raw.time_zone, raw.locale) == ("Acme rollout", "Europe/London", "en_US")
    assert [t.name for t in raw.tabs] == ["Project", "Milestones"]
    milestones = raw.tabs[1].rows
    assert milestones[0] == ("ID", "Milestone", "Owner", "Due", "Status", "Notes")
    # a date cell comes as its serial number, whatever its format shows
    assert milestones[1] == ("M1", "Kick-off", "Team", 46328, "Done")
    assert milestones[2] == ("M2", "Build", "Team", 46346, "In progress", 3)
    assert milestones[3] == ()
    assert milestones[4][:5] == ("M3", "Sign-off", "Client", 46360, None)
    assert milestones[4][5] == Unreadable(FORMULA_ERROR, "#DIV/0!")
    assert sheet.api_requests == 1  # one spreadsheets.get with grid data
    (grid,) = sheets_emulator.requests
    assert (grid.method, grid.path) == ("GET", f"/v4/spreadsheets/{SID}")
    assert grid.query["fields"] == [GRID_FIELDS] and "ranges" not in grid.query
    # the read before it, in two requests, gives the same workbook
    sheets_emulator.reset_log()
    assert sheet.read_values() == raw
    meta, values = sheets_emulator.requests
    assert (meta.method, meta.path) == ("GET", f"/v4/spreadsheets/{SID}")
    assert values.path == f"/v4/spreadsheets/{SID}/values:batchGet"
    assert values.query["ranges"] == ["'Project'", "'Milestones'"]
    assert values.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert values.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]


@pytest.mark.parametrize(("locale", "due"), [("en_US", date(2026, 11, 2)),
                                             ("en_GB", date(2026, 11, 2)),
                                             ("zh_CN", date(2026, 11, 2))])
def test_dates_parse_in_the_sheet_locale(sheets_emulator: SheetsEmulator, open_sheet: Opener,
                                         locale: str, due: date) -> None:
    acme(sheets_emulator, locale=locale)
    project = parse_workbook(open_sheet(SOURCE).read(), SOURCE)
    assert project.milestones[0].due == due
    assert project.milestones[1].due == date(2026, 11, 20)
    assert not [p for p in project.problems if p.tab == "Milestones" and "date" in p.problem]


def test_an_empty_tab_and_odd_tab_names(sheets_emulator: SheetsEmulator,
                                        open_sheet: Opener) -> None:
    sheets_emulator.create_spreadsheet(SID, "Odd", {"Sheet1": [["x"]], " milestones ": [],
                                                    "Project": [["Field", "Value"]]})
    raw = open_sheet(SOURCE).read()
    assert [(t.name, t.rows) for t in raw.tabs] == [(" milestones ", ()),
                                                    ("Project", (("Field", "Value"),))]
    assert quote_sheet("It's") == "'It''s'"


def test_sources_and_environment(sheets_emulator: SheetsEmulator,
                                 gsheets_env: SheetsEmulator) -> None:
    acme(sheets_emulator)
    url = f"https://docs.google.com/spreadsheets/d/{SID}/edit#gid=0"
    assert spreadsheet_id(url) == SID
    backend = opener(config.load())(url)  # the environment reaches a backend via the config
    assert isinstance(backend, GoogleSheet)
    assert backend.read().title == "Acme rollout"
    with pytest.raises(ConfigError, match="not a Google Sheet address"):
        spreadsheet_id("gsheet:")


# =========================================================================== apply


def test_an_empty_plan_sends_nothing(sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheet.apply(WritePlan())
    sheet.apply(flags_plan(problems_rows=None))
    assert sheet.api_requests == 1


class Clock:
    """A monotonic clock the test moves: ``GoogleSheet.clock``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fake_clock(sheet: GoogleSheet) -> Clock:
    """The sheet's read clock, moved by the test (a read happens at its ``now``)."""
    clock = Clock()
    sheet.clock = clock
    return clock


def test_a_write_right_after_the_read_places_flags_by_the_read(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    acme(sheets_emulator, Milestones=[["ID", "Flag"], ["M1"], ["M2"]])
    sheet = open_sheet(SOURCE)
    clock = fake_clock(sheet)
    sheet.read()
    clock.now += REREAD_AFTER_S - 0.1
    sheets_emulator.reset_log()
    sheet.apply(flags_plan(CellWrite(3, 2, "OVERDUE", "M2")))
    (write,) = sheets_emulator.requests  # no re-read of the flags tab
    assert write.path == f"/v4/spreadsheets/{SID}:batchUpdate"
    assert sheets_emulator.values(SID, "Milestones") == [["ID", "Flag"], ["M1"],
                                                        ["M2", "OVERDUE"]]
    # the rows read are the sheet's no more once sheetsync wrote: the next write reads again
    sheets_emulator.reset_log()
    sheet.apply(flags_plan(CellWrite(2, 2, "DUE_SOON", "M1")))
    get, _ = sheets_emulator.requests
    assert get.path.endswith("/values:batchGet") and get.query["ranges"] == ["'Milestones'"]
    assert sheets_emulator.values(SID, "Milestones")[1] == ["M1", "DUE_SOON"]


def test_flags_only_apply_is_one_tab_get_and_one_write(sheets_emulator: SheetsEmulator,
                                                      open_sheet: Opener) -> None:
    acme(sheets_emulator, Milestones=[["ID", "Due", "Flag", "Flag detail"],
                                      ["M1", date(2026, 11, 2)], ["M2", date(2026, 11, 20)]])
    sheet = open_sheet(SOURCE)
    clock = fake_clock(sheet)
    sheet.read()
    clock.now += REREAD_AFTER_S  # the read is this old now: the flags tab is read again
    sheets_emulator.reset_log()
    sheet.apply(flags_plan(CellWrite(3, 3, "OVERDUE", "M2"), CellWrite(3, 4, "Overdue by 7 days",
                                                                       "M2")))
    assert sheet.api_requests == 3
    get, write = sheets_emulator.requests
    # the whole tab: its header row and its ID column come in the same answer
    assert (get.method, get.query["ranges"]) == ("GET", ["'Milestones'"])
    assert write.path == f"/v4/spreadsheets/{SID}:batchUpdate"
    milestones = sheets_emulator._sheet(SID, "Milestones").sheet_id
    assert write.json == {"requests": [{"updateCells": {
        "start": {"sheetId": milestones, "rowIndex": 2, "columnIndex": 2},
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "OVERDUE"}},
                             {"userEnteredValue": {"stringValue": "Overdue by 7 days"}}]}],
        "fields": "userEnteredValue"}}]}  # text only: the cells keep their look and notes
    assert sheets_emulator.values(SID, "Milestones")[2] == [
        "M2", date(2026, 11, 20), "OVERDUE", "Overdue by 7 days"]


def test_a_row_inserted_after_the_read_moves_the_flag(sheets_emulator: SheetsEmulator,
                                                      open_sheet: Opener) -> None:
    acme(sheets_emulator, Milestones=[["ID", "Flag"], ["M1"], ["M2"], ["M3"]])
    sheet = open_sheet(SOURCE)
    clock = fake_clock(sheet)
    sheet.read()
    clock.now += 60
    sheets_emulator.insert_rows(SID, "Milestones", at=2)
    sheets_emulator.set_values(SID, "Milestones", "A2", [["M0 (new)"]])
    sheets_emulator.delete_rows(SID, "Milestones", at=5)  # M3 is gone
    sheet.apply(flags_plan(CellWrite(3, 2, "OVERDUE", "M2"), CellWrite(4, 2, "DUE_SOON", "M3"),
                           CellWrite(2, 2, "", "M1")))
    assert sheets_emulator.values(SID, "Milestones") == [
        ["ID", "Flag"], ["M0 (new)"], ["M1"], ["M2", "OVERDUE"]]


def test_text_starting_with_equals_stays_text(sheets_emulator: SheetsEmulator,
                                              open_sheet: Opener) -> None:
    acme(sheets_emulator, Milestones=[["ID", "Flag"], ["M1"]])
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheet.apply(flags_plan(CellWrite(2, 2, "=HYPERLINK(\"x\")", "M1"),
                           problems_rows=(("Tab", "Cell"), ("Milestones", "+1 day"),
                                          ("Milestones", "=SUM(A1)"))))
    cell = sheets_emulator.cell(SID, "Milestones", "B2")
    assert cell is not None and cell.formula is None and cell.value == "=HYPERLINK(\"x\")"
    assert sheets_emulator.values(SID, "Problems")[2] == ["Milestones", "=SUM(A1)"]


def test_new_problems_and_log_tabs_in_one_structural_batch(sheets_emulator: SheetsEmulator,
                                                           open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.reset_log()
    sheet.apply(flags_plan(problems_rows=(("Tab", "Cell", "Value", "Problem", "How to fix"),
                                          ("Milestones", "D7", "31/02", "not a date", "Fix it")),
                           log_header=("Time", "Job", "Project"),
                           log_rows=(("2026-11-27T16:00:00", "report", "Acme rollout"),)))
    (write,) = sheets_emulator.requests  # one write, all or nothing
    assert write.path == f"/v4/spreadsheets/{SID}:batchUpdate"
    assert [next(iter(r)) for r in write.json["requests"]] == [
        "addSheet", "addSheet", "updateCells",  # the Log comes with its header, atomically
        "updateCells", "appendCells"]  # Problems' five columns, the Log's row
    assert write.json["requests"][-1]["appendCells"]["fields"] == "userEnteredValue"
    assert sheets_emulator.tab_titles(SID) == ["Project", "Milestones", "Staff notes",
                                               "Problems", "Log"]
    assert sheets_emulator.values(SID, "Problems")[1] == [
        "Milestones", "D7", "31/02", "not a date", "Fix it"]
    assert sheets_emulator.values(SID, "Log") == [
        ["Time", "Job", "Project"], ["2026-11-27T16:00:00", "report", "Acme rollout"]]
    assert sheets_emulator.values(SID, "Staff notes") == [["private", "stuff"]]


def test_problems_shrink_and_log_appends(sheets_emulator: SheetsEmulator,
                                         open_sheet: Opener) -> None:
    acme(sheets_emulator,
         Problems=[["Tab", "Cell", "Value", "Problem", "How to fix", "old extra"],
                   ["Milestones", "D2", "x", "bad", "fix"],
                   ["Milestones", "D3", "y", "bad", "fix"]],
         Log=[["Time", "Job"], ["t1", "check"], ["t2", "report"]])
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.reset_log()
    sheet.apply(flags_plan(problems_rows=(("Tab", "Cell", "Value", "Problem", "How to fix"),),
                           problems_old_height=3, log_rows=(("t3", "remind"), ("t4", "check"))))
    assert len(sheets_emulator.requests) == 1  # no new tab, no flag: one write
    assert sheets_emulator.values(SID, "Problems") == [  # staff's column F stays
        ["Tab", "Cell", "Value", "Problem", "How to fix", "old extra"]]
    assert sheets_emulator.values(SID, "Log")[3:] == [["t3", "remind"], ["t4", "check"]]
    sheet.apply(flags_plan(log_rows=(("t5", "check"),)))  # the height known from the last write
    assert sheets_emulator.values(SID, "Log")[-2:] == [["t4", "check"], ["t5", "check"]]


def test_grids_grow_in_the_structural_batch(sheets_emulator: SheetsEmulator,
                                            open_sheet: Opener) -> None:
    sheets_emulator.create_spreadsheet(SID, "Tight", {
        "Milestones": [["ID", "Due"], ["M1", date(2026, 11, 2)]],
        "Log": [["Time", "Job"], ["t1", "check"]],
    }, grid={"Milestones": (3, 2), "Log": (2, 2)})
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.reset_log()
    sheet.apply(flags_plan(CellWrite(1, 3, "Flag"), CellWrite(1, 4, "Flag detail"),
                           CellWrite(2, 3, "OVERDUE", "M1"),
                           log_rows=(("t2", "check"), ("t3", "check"))))
    structure = sheets_emulator.requests[0].json["requests"]
    assert [next(iter(r)) for r in structure] == [
        "appendDimension", "updateCells", "updateCells", "appendCells"]
    assert structure[0] == {  # the Log grows by itself: appendCells inserts its rows
        "appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}}
    assert len(sheets_emulator.requests) == 1  # one write (the read is fresh: no re-read)
    assert sheets_emulator.values(SID, "Milestones") == [
        ["ID", "Due", "Flag", "Flag detail"], ["M1", date(2026, 11, 2), "OVERDUE"]]
    assert sheets_emulator.grid_size(SID, "Log") == (4, 2)


def test_rows_appended_to_the_log_since_the_read_are_kept(sheets_emulator: SheetsEmulator,
                                                          open_sheet: Opener) -> None:
    acme(sheets_emulator, Milestones=[["ID", "Flag"], ["M1"]], Log=[["Time"], ["t1"]])
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.set_values(SID, "Log", "A3", [["t2 (another run)"]])
    sheet.apply(flags_plan(CellWrite(2, 2, "OVERDUE", "M1"), log_rows=(("t3",),)))
    assert sheet.api_requests == 2  # read, one write (a fresh read: no re-read)
    assert sheets_emulator.values(SID, "Log") == [["Time"], ["t1"], ["t2 (another run)"], ["t3"]]


def test_apply_without_read_fetches_what_it_needs(sheets_emulator: SheetsEmulator,
                                                  open_sheet: Opener) -> None:
    acme(sheets_emulator, Log=[["Time"], ["t1"]])
    sheet = open_sheet(SOURCE)
    sheet.apply(flags_plan(log_rows=(("t2",),)))
    assert sheets_emulator.values(SID, "Log") == [["Time"], ["t1"], ["t2"]]
    assert sheet.api_requests == 2  # metadata, one write


def test_only_job_owned_cells_are_written(sheets_emulator: SheetsEmulator,
                                          open_sheet: Opener) -> None:
    acme(sheets_emulator)
    before = {t: sheets_emulator.values(SID, t) for t in ("Project", "Staff notes")}
    staff_columns = [(row + [None] * 6)[:6] for row in sheets_emulator.values(SID, "Milestones")]
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheet.apply(flags_plan(CellWrite(1, 7, "Flag"), CellWrite(2, 7, "BLOCKED", "M1"),
                           problems_rows=(("Tab",),), log_header=("Time",), log_rows=(("t",),)))
    after = sheets_emulator.values(SID, "Milestones")
    assert [(row + [None] * 6)[:6] for row in after] == staff_columns
    assert {t: sheets_emulator.values(SID, t) for t in before} == before
    written = [(kind, spec.get("start") or spec["sheetId"], len(spec["rows"][0]["values"]))
               for r in sheets_emulator.requests if r.json and "requests" in r.json
               for q in r.json["requests"] for kind, spec in q.items()
               if kind in ("updateCells", "appendCells")]
    milestones, problems, log = (sheets_emulator._sheet(SID, t).sheet_id
                                 for t in ("Milestones", "Problems", "Log"))
    assert written == [  # Log's header, G1, G2, Problems' five columns, the Log's row
        ("updateCells", {"sheetId": log, "rowIndex": 0, "columnIndex": 0}, 1),
        ("updateCells", {"sheetId": milestones, "rowIndex": 0, "columnIndex": 6}, 1),
        ("updateCells", {"sheetId": milestones, "rowIndex": 1, "columnIndex": 6}, 1),
        ("updateCells", {"sheetId": problems, "rowIndex": 0, "columnIndex": 0}, 5),
        ("appendCells", log, 1)]
    assert sheets_emulator.values(SID, "Log") == [["Time"], ["t"]]


# =========================================================================== failures


def test_quota_bursts_are_retried(sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    acme(sheets_emulator)
    waits: list[float] = []
    sheet = open_sheet(SOURCE, sleep=waits.append)
    sheets_emulator.fail_next(3, 429)
    assert sheet.read().title == "Acme rollout"
    assert sheet.api_requests == 4
    assert len(waits) == 3 and waits[0] < waits[1] < waits[2] <= 32


def test_a_persistent_500_gives_up_after_bounded_tries(sheets_emulator: SheetsEmulator,
                                                       open_sheet: Opener) -> None:
    acme(sheets_emulator)
    waits: list[float] = []
    sheet = open_sheet(SOURCE, sleep=waits.append, retry=RetryPolicy(max_tries=5))
    sheets_emulator.fail_always(500)
    with pytest.raises(BackendError, match=r"HTTP 500\) after 5 tries") as caught:
        sheet.read()
    assert not isinstance(caught.value, QuotaExceeded)
    assert sheet.api_requests == 5 and len(waits) == 4


def test_total_wait_is_bounded_and_quota_errors_say_what_to_do(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    acme(sheets_emulator)
    waits: list[float] = []
    sheet = open_sheet(SOURCE, sleep=waits.append,
                       retry=RetryPolicy(max_tries=20, max_total_wait=10, base_delay=1))
    sheets_emulator.fail_always(429)
    with pytest.raises(QuotaExceeded, match="wait a few minutes"):
        sheet.read()
    assert sum(waits) <= 10 and len(waits) == 3  # ~1 + ~2 + ~4, the next ~8 would pass 10


def test_a_non_json_error_body(sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheets_emulator.fail_always(502, body="<html><body>502. That's an error.</body></html>")
    with pytest.raises(BackendError, match=r"HTTP 502"):
        open_sheet(SOURCE).read()


def test_a_revoked_share_names_the_service_account(sheets_emulator: SheetsEmulator,
                                                   open_sheet: Opener,
                                                   service_account_email: str) -> None:
    acme(sheets_emulator)
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.unshare(SID, service_account_email)
    with pytest.raises(AccessDenied) as caught:
        sheet.apply(flags_plan(CellWrite(2, 7, "OVERDUE", "M1")))
    assert f"share the sheet with {service_account_email}" in str(caught.value)


def test_an_unknown_id(sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    message = "no spreadsheet with id 1NoSuchSheet_xyz — check the URL"
    with pytest.raises(SourceError, match=message):
        open_sheet("gsheet:1NoSuchSheet_xyz").read()


def test_a_refused_key_is_a_config_error(sheets_emulator: SheetsEmulator,
                                         open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheets_emulator.fail_token_endpoint(400, "invalid_grant", "Invalid JWT Signature.")
    with pytest.raises(ConfigError, match="Invalid JWT Signature.*download a new key"):
        open_sheet(SOURCE).read()
    assert sheets_emulator.requests == []


def test_a_failing_token_endpoint_is_a_backend_error(sheets_emulator: SheetsEmulator,
                                                     open_sheet: Opener,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(google.auth._exponential_backoff, "time",
                        SimpleNamespace(sleep=lambda seconds: None))
    acme(sheets_emulator)
    sheets_emulator.fail_token_endpoint(503, "temporarily_unavailable", "Try again later")
    with pytest.raises(BackendError, match="sign-in service failed.*try again later"):
        open_sheet(SOURCE).read()
    assert len(sheets_emulator.token_requests) == 3  # google-auth's own bounded retries


def test_an_unreachable_endpoint(service_account_key: Path) -> None:
    waits: list[float] = []
    sheet = GoogleSheet.open(SOURCE, credentials=service_account_key,
                             endpoint="http://127.0.0.1:9", sleep=waits.append,
                             retry=RetryPolicy(max_tries=3))
    with pytest.raises(BackendError, match="Could not reach http://127.0.0.1:9 after 3 tries"):
        sheet.read()


@pytest.mark.parametrize(("content", "message"), [
    (None, "There is no Google service-account key at"),
    ("{not json", "is not a readable JSON key file"),
    (json.dumps({"installed": {"client_id": "x"}}), "is not a service-account key"),
    (json.dumps({"type": "service_account", "client_email": "a@b", "token_uri": "x",
                 "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}),
     "is damaged"),
])
def test_bad_key_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "credentials.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=message) as caught:
        GoogleSheet.open(SOURCE, credentials=path)
    assert str(path) in str(caught.value)
    assert "service account" in str(caught.value)
    assert caught.value.exit_code == 2


# =========================================================================== doctor


def test_doctor_findings(sheets_emulator: SheetsEmulator, service_account_key: Path,
                         service_account_email: str) -> None:
    """The Google kind's doctor checks: the key, access to the sheet, and its tabs."""
    acme(sheets_emulator)
    google = kind(SOURCE)
    how = Access(service_account_key, sheets_emulator.url)
    key = google.prepare(how, needed=True)
    assert key == Finding(True, f"Key file {service_account_key}: service account "
                                f"{service_account_email} (share each Google Sheet with it as "
                                "an Editor).")
    found = google.diagnose(SOURCE, how)
    assert found[0] == Finding(True, f'{SOURCE}: opens as "Acme rollout" for '
                                     f"{service_account_email}.")
    assert all(f.ok for f in found)
    assert any("tabs found: Project, Milestones" in f.text for f in found)
    assert any("missing; sheetsync creates" in f.text and "Log" in f.text for f in found)
    sheets_emulator.unshare(SID, service_account_email)
    denied = google.diagnose(SOURCE, how)
    assert len(denied) == 1 and not denied[0].ok and service_account_email in denied[0].text
    missing = google.prepare(Access(Path("/nonexistent/key.json")), needed=True)
    assert missing is not None and not missing.ok and "There is no" in missing.text
    assert google.diagnose(SOURCE, how, ready=False) == [
        Finding(False, f"{SOURCE}: not checked; fix the key file first.")]


def test_log_time_is_text(sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    """A Log time written as ISO text is not turned into a date by the sheet (RAW)."""
    acme(sheets_emulator)
    sheet = open_sheet(SOURCE)
    sheet.read()
    stamp = datetime(2026, 11, 27, 16, 0).isoformat()
    sheet.apply(flags_plan(log_header=("Time",), log_rows=((stamp,),)))
    assert sheets_emulator.values(SID, "Log")[1] == [stamp]


def test_a_viewer_share_reads_but_cannot_write(sheets_emulator: SheetsEmulator,
                                               open_sheet: Opener,
                                               service_account_email: str) -> None:
    acme(sheets_emulator)
    sheets_emulator.share(SID, service_account_email, role="reader")
    sheet = open_sheet(SOURCE)
    assert sheet.read().title == "Acme rollout"
    with pytest.raises(AccessDenied, match="as an Editor"):
        sheet.apply(flags_plan(CellWrite(2, 7, "OVERDUE", "M1")))


def test_protected_cells(sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.fail_next(1, 403, methods=["POST"], message=(
        "You are trying to edit a protected cell or object. Please contact the spreadsheet "
        "owner to remove protection if you need to edit."))
    with pytest.raises(AccessDenied, match="protected: let .* edit the Flag columns"):
        sheet.apply(flags_plan(CellWrite(1, 7, "Flag"), CellWrite(2, 7, "OVERDUE", "M1")))
    sheet.apply(flags_plan(CellWrite(1, 7, "Flag"), CellWrite(2, 7, "OVERDUE", "M1")))
    assert sheets_emulator.values(SID, "Milestones")[1][6] == "OVERDUE"


def test_a_date_cell_is_read_from_its_serial_whatever_its_format(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    """An en_GB sheet whose Due column is formatted MM/dd: it shows 11/27, no year, in
    month/day order against the locale's; the serial says 27 Nov 2026, and that is read."""
    acme(sheets_emulator, locale="en_GB", Milestones=[
        ["ID", "Milestone", "Due"],
        ["M1", "Kick-off", Fmt(date(2026, 11, 27), "MM/dd", "DATE")],
        ["M2", "Build", Fmt(date(2026, 3, 4), "MM/dd", "DATE")],
        ["M3", "Typed", "20/11/2026"]])
    project = parse_workbook(open_sheet(SOURCE).read(), SOURCE)
    assert [m.due for m in project.milestones] == [date(2026, 11, 27), date(2026, 3, 4),
                                                   date(2026, 11, 20)]
    assert not [p for p in project.problems if p.tab == "Milestones"]
    shown = format_datetime(to_serial(date(2026, 3, 4)), "DATE", "MM/dd", "en_GB")
    assert shown == "03/04"  # what staff see, and what FORMATTED_STRING would have read


def test_a_clock_skew_says_to_check_the_clock(sheets_emulator: SheetsEmulator,
                                              open_sheet: Opener) -> None:
    acme(sheets_emulator)
    sheets_emulator.fail_token_endpoint(
        400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) "
        "and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
    with pytest.raises(ConfigError, match="host's clock is off.*check the host's clock") as got:
        open_sheet(SOURCE).read()
    assert "revoked" not in str(got.value)


def test_a_400_web_page_is_one_sentence_not_a_bug(sheets_emulator: SheetsEmulator,
                                                  open_sheet: Opener) -> None:
    acme(sheets_emulator)
    page = ("<!DOCTYPE html><html><head><title>Error 400 (Bad Request)!!1</title></head>"
            "<body>" + "x" * 5000 + "</body></html>")
    sheets_emulator.fail_next(1, 400, body=page)
    with pytest.raises(BackendError) as got:
        open_sheet(SOURCE).read()
    message = str(got.value)
    assert "web page" in message and "Error 400 (Bad Request)!!1" in message
    assert "report this" not in message and len(message) < 400 and "\n" not in message


def test_a_protected_log_names_the_tab(sheets_emulator: SheetsEmulator,
                                       open_sheet: Opener) -> None:
    acme(sheets_emulator, Log=[["Time"], ["t1"]])
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.fail_next(1, 403, path_contains=":batchUpdate", message=(
        "You are trying to edit a protected cell or object. Please contact the spreadsheet "
        "owner to remove protection if you need to edit."))
    with pytest.raises(AccessDenied, match="append the send's row to the tab 'Log'.*protected"):
        sheet.apply(flags_plan(log_rows=(("t2",),)))
    assert sheets_emulator.values(SID, "Log") == [["Time"], ["t1"]]
