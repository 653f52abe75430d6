"""The emulator, held to what Google's servers answered in gspread's recorded cassettes.

Each cassette in tests/reference/sheets-api-recorded/ (a copy of the shared reference) is
replayed against a fresh emulator seeded with the spreadsheet the recording started from:
every recorded Sheets request is sent as it was (method, path, query, body) and the answer
is compared with the recorded one, status and JSON body, after mapping the random sheetIds
of new tabs. Then the emulator's own rules (types, locales, errors, faults, quota) and
unmodified gspread flows."""

from __future__ import annotations

import base64
import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.transport.requests import Request
from google.oauth2.service_account import Credentials

from tests.sheets_emulator import (
    GOOGLE_TOKEN_URI,
    AcceleratedClock,
    Fmt,
    Formula,
    SheetsEmulator,
    make_service_account_key,
)

CASSETTES = Path(__file__).parent / "reference" / "sheets-api-recorded"
# The shared reference, when this clone sits beside it (``../shared``); else that test skips.
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "sheets-api-recorded"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
GOOGLE = "https://sheets.googleapis.com"

REPLAYED = [
    "ClientTest.test_access_non_existing_spreadsheet.json",
    "ClientTest.test_open_by_key_has_metadata.json",
    "SpreadsheetTest.test_add_del_worksheet.json",
    "SpreadsheetTest.test_bad_json_api_error.json",
    "SpreadsheetTest.test_timezone_and_locale.json",
    "SpreadsheetTest.test_values_batch_get.json",
    "SpreadsheetTest.test_values_get.json",
    "WorksheetTest.test_add_validation.json",
    "WorksheetTest.test_append_row.json",
    "WorksheetTest.test_batch_update.json",
    "WorksheetTest.test_format.json",
    "WorksheetTest.test_get_all_records_numericise_unformatted.json",
    "WorksheetTest.test_get_all_values.json",
    "WorksheetTest.test_get_all_values_date_time_render_options.json",
    "WorksheetTest.test_insert_row.json",
    "WorksheetTest.test_update_cell_unicode.json",
    "WorksheetTest.test_update_cells.json",
]


# =========================================================================== replay


def recorded_runs(name: str) -> list[list[dict[str, Any]]]:
    """A cassette's Sheets API exchanges, one list per recorded run (Drive calls left out).

    gspread's tests create a spreadsheet through Drive, use it, and delete it through Drive;
    most cassettes hold two such runs.
    """
    data = json.loads((CASSETTES / name).read_text(encoding="utf-8"))
    runs: list[list[dict[str, Any]]] = [[]]
    for item in data["interactions"]:
        request = item["request"]
        if "/drive/v3/" in request["uri"]:
            if request["method"] == "DELETE":
                runs.append([])
            continue
        runs[-1].append(item)
    return [run for run in runs if run]


def seed_from_metadata(emulator: SheetsEmulator, body: dict[str, Any]) -> None:
    props = body["properties"]
    tabs = {s["properties"]["title"]: [] for s in body["sheets"]}
    grid = {s["properties"]["title"]: (s["properties"]["gridProperties"]["rowCount"],
                                       s["properties"]["gridProperties"]["columnCount"])
            for s in body["sheets"]}
    emulator.create_spreadsheet(body["spreadsheetId"], props["title"], tabs, grid=grid,
                                time_zone=props["timeZone"], locale=props["locale"])


def bearer_token(key_file: Path) -> str:
    """A token from the emulator's token endpoint, through google-auth's real JWT grant."""
    creds = Credentials.from_service_account_file(str(key_file), scopes=SCOPES)
    creds.refresh(Request())
    return str(creds.token)


def map_ids(obj: Any, mapping: dict[int, int]) -> Any:
    """Replace the values of ``sheetId`` keys through ``mapping``."""
    if isinstance(obj, dict):
        return {k: (mapping.get(v, v) if k == "sheetId" else map_ids(v, mapping))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [map_ids(v, mapping) for v in obj]
    return obj


def replay(emulator: SheetsEmulator, token: str,
           interactions: list[dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    """Send each recorded request; return (what, recorded, emulated) pairs to compare."""
    first = json.loads(interactions[0]["response"]["body"]["string"])
    seed_from_metadata(emulator, first)
    to_emulator: dict[int, int] = {}
    to_recorded: dict[int, int] = {}
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    pairs = []
    for item in interactions:
        request, response = item["request"], item["response"]
        url = request["uri"].replace(GOOGLE, emulator.url)
        body = request.get("body")
        if body:
            body = json.dumps(map_ids(json.loads(body), to_emulator))
        answer = session.request(request["method"], url, data=body,
                                 headers={"Content-Type": "application/json"})
        recorded_text = response["body"]["string"]
        recorded = json.loads(recorded_text) if recorded_text else None
        emulated = answer.json() if answer.content else None
        for reply in (emulated or {}).get("replies", []):
            new = reply.get("addSheet", {}).get("properties", {}).get("sheetId")
            if new is not None:
                for rec in recorded["replies"]:
                    old = rec.get("addSheet", {}).get("properties", {}).get("sheetId")
                    if old is not None:
                        to_emulator[old], to_recorded[new] = new, old
        what = f"{request['method']} {request['uri'][len(GOOGLE):]}"
        pairs.append((what, (response["status"]["code"], recorded),
                      (answer.status_code, map_ids(emulated, to_recorded))))
    return pairs


@pytest.mark.parametrize("cassette", REPLAYED)
def test_emulator_answers_as_recorded(cassette: str, sheets_emulator: SheetsEmulator,
                                      service_account_key: Path) -> None:
    token = bearer_token(service_account_key)
    runs = recorded_runs(cassette)
    assert runs
    for run in runs:
        pairs = replay(sheets_emulator, token, run)
        assert pairs
        for what, recorded, emulated in pairs:
            assert emulated == recorded, what


def test_every_cassette_is_replayed() -> None:
    on_disk = {p.name for p in CASSETTES.glob("*.json")}
    assert on_disk == set(REPLAYED)


# =========================================================================== the cell model


@pytest.fixture
def token(service_account_key: Path) -> str:
    return bearer_token(service_account_key)


def call(emulator: SheetsEmulator, token: str | None, method: str, path: str,
         body: Any = None, **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, emulator.url + path, params=params, json=body,
                            headers=headers, timeout=10)


@pytest.mark.parametrize(("locale", "shown"), [
    ("en_US", "11/27/2026"), ("en_GB", "27/11/2026"), ("zh_CN", "2026/11/27"),
    ("de_DE", "27.11.2026"), ("ja_JP", "2026/11/27"),
])
def test_dates_render_in_the_spreadsheet_locale(sheets_emulator: SheetsEmulator, token: str,
                                                locale: str, shown: str) -> None:
    sheets_emulator.create_spreadsheet("loc", "Dates", {"Sheet1": [[date(2026, 11, 27)]]},
                                       locale=locale)
    path = "/v4/spreadsheets/loc/values/Sheet1!A1"
    serial = call(sheets_emulator, token, "GET", path, valueRenderOption="UNFORMATTED_VALUE",
                  dateTimeRenderOption="SERIAL_NUMBER").json()
    formatted = call(sheets_emulator, token, "GET", path, valueRenderOption="UNFORMATTED_VALUE",
                     dateTimeRenderOption="FORMATTED_STRING").json()
    shown_value = call(sheets_emulator, token, "GET", path).json()
    assert serial["values"] == [[46353]]
    assert formatted["values"] == [[shown]]
    assert shown_value["values"] == [[shown]]


def test_datetimes_times_patterns_and_numbers(sheets_emulator: SheetsEmulator,
                                              token: str) -> None:
    sheets_emulator.create_spreadsheet("typ", "Types", {"Sheet1": [[
        datetime(2026, 11, 27, 14, 30), Fmt(date(2026, 11, 27), "d mmm yyyy"), 0.5, True,
        Formula("=1/0", None), Fmt(1234.5, "#,##0.00"),
    ]]})
    path = "/v4/spreadsheets/typ/values/Sheet1!A1:F1"
    unformatted = call(sheets_emulator, token, "GET", path, valueRenderOption="UNFORMATTED_VALUE",
                       dateTimeRenderOption="FORMATTED_STRING").json()["values"][0]
    formatted = call(sheets_emulator, token, "GET", path).json()["values"][0]
    assert unformatted[:4] == ["11/27/2026 14:30:00", "27 Nov 2026", 0.5, True]
    assert formatted == ["11/27/2026 14:30:00", "27 Nov 2026", "0.5", "TRUE", "", "1,234.50"]
    formula = call(sheets_emulator, token, "GET", path, valueRenderOption="FORMULA").json()
    assert formula["values"][0][4] == "=1/0"


def test_raw_keeps_text_and_user_entered_types_it(sheets_emulator: SheetsEmulator,
                                                  token: str) -> None:
    sheets_emulator.create_spreadsheet("inp", "Input", {"Sheet1": []})
    for option, row in (("RAW", 1), ("USER_ENTERED", 2)):
        answer = call(sheets_emulator, token, "PUT", f"/v4/spreadsheets/inp/values/A{row}:E{row}",
                      {"values": [["=1+1", "42", "2026-11-27", "TRUE", "'007"]]},
                      valueInputOption=option)
        assert answer.status_code == 200, answer.text
    raw, typed = sheets_emulator.values("inp", "Sheet1")
    assert raw == ["=1+1", "42", "2026-11-27", "TRUE", "'007"]
    assert typed == [Formula("=1+1", 2), 42, date(2026, 11, 27), True, "007"]
    assert sheets_emulator.cell("inp", "Sheet1", "A1").formula is None  # type: ignore[union-attr]


def test_trimming_middle_blank_rows_and_empty_ranges(sheets_emulator: SheetsEmulator,
                                                     token: str) -> None:
    sheets_emulator.create_spreadsheet("trim", "Trim", {"Data": [
        ["a", None, "c", None], [], [None, "b"], [None, None],
    ]}, grid={"Data": (10, 5)})
    whole = call(sheets_emulator, token, "GET", "/v4/spreadsheets/trim/values/Data").json()
    assert whole == {"range": "Data!A1:E10", "majorDimension": "ROWS",
                     "values": [["a", "", "c"], [], ["", "b"]]}
    empty = call(sheets_emulator, token, "GET", "/v4/spreadsheets/trim/values/Data!D1:E9").json()
    assert empty == {"range": "Data!D1:E9", "majorDimension": "ROWS"}
    columns = call(sheets_emulator, token, "GET", "/v4/spreadsheets/trim/values/Data!A1:C3",
                   majorDimension="COLUMNS").json()
    assert columns["values"] == [["a"], ["", "", "b"], ["c"]]


def test_sheet_names_are_quoted_in_echoes_only_when_needed(sheets_emulator: SheetsEmulator,
                                                          token: str) -> None:
    sheets_emulator.create_spreadsheet("q", "Quotes", {"Plain": [["x"]], "Two words": [["y"]],
                                                       "It's": [["z"]], "里程碑": [["w"]]})
    answer = requests.get(sheets_emulator.url + "/v4/spreadsheets/q/values:batchGet",
                          params={"ranges": ["Plain!A:A", "'Two words'!A1", "'It''s'", "里程碑"]},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert [v["range"] for v in answer["valueRanges"]] == [
        "Plain!A1:A1000", "'Two words'!A1", "'It''s'!A1:Z1000", "里程碑!A1:Z1000"]


def test_ranges_beyond_the_grid_are_refused(sheets_emulator: SheetsEmulator, token: str) -> None:
    sheets_emulator.create_spreadsheet("g", "Grid", {"Sheet1": []}, grid={"Sheet1": (5, 3)})
    read = call(sheets_emulator, token, "GET", "/v4/spreadsheets/g/values/Sheet1!A1:D2")
    write = call(sheets_emulator, token, "PUT", "/v4/spreadsheets/g/values/Sheet1!A6",
                 {"values": [["x"]]}, valueInputOption="RAW")
    unknown = call(sheets_emulator, token, "GET", "/v4/spreadsheets/g/values/Nope!A1")
    assert read.status_code == write.status_code == unknown.status_code == 400
    assert read.json()["error"] == {
        "code": 400, "status": "INVALID_ARGUMENT",
        "message": "Range (Sheet1!A1:D2) exceeds grid limits. Max rows: 5, max columns: 3"}
    assert "exceeds grid limits" in write.json()["error"]["message"]
    assert unknown.json()["error"]["message"] == "Unable to parse range: Nope!A1"


def test_append_grows_rows_and_reports_the_table(sheets_emulator: SheetsEmulator,
                                                 token: str) -> None:
    sheets_emulator.create_spreadsheet("ap", "Append", {"Log": [["Time", "Job"], ["t1", "a"]]},
                                       grid={"Log": (2, 4)})
    answer = call(sheets_emulator, token, "POST", "/v4/spreadsheets/ap/values/Log:append",
                  {"values": [["t2", "b"], ["t3", "c"]]}, valueInputOption="RAW").json()
    assert answer["tableRange"] == "Log!A1:B2"
    assert answer["updates"]["updatedRange"] == "Log!A3:B4"
    assert sheets_emulator.grid_size("ap", "Log") == (4, 4)


def test_batch_update_is_atomic_and_stores_formatting(sheets_emulator: SheetsEmulator,
                                                      token: str) -> None:
    sheets_emulator.create_spreadsheet("bu", "Batch", {"Sheet1": [["b"], ["a"], ["c"]]})
    good = {"addSheet": {"properties": {"title": "Problems"}}}
    bad = {"deleteSheet": {"sheetId": 999}}
    failed = call(sheets_emulator, token, "POST", "/v4/spreadsheets/bu:batchUpdate",
                  {"requests": [good, bad]})
    assert failed.status_code == 400
    assert failed.json()["error"]["message"] == \
        "Invalid requests[1].deleteSheet: No grid with id: 999"
    assert sheets_emulator.tab_titles("bu") == ["Sheet1"]
    rule = {"ranges": [{"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1}],
            "booleanRule": {"condition": {"type": "TEXT_CONTAINS",
                                          "values": [{"userEnteredValue": "a"}]},
                            "format": {"backgroundColor": {"red": 1}}}}
    ok = call(sheets_emulator, token, "POST", "/v4/spreadsheets/bu:batchUpdate", {"requests": [
        good,
        {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}},
        {"addConditionalFormatRule": {"rule": rule, "index": 0}},
        {"updateBorders": {"range": {"sheetId": 0, "endRowIndex": 1},
                           "top": {"style": "SOLID"}}},
        {"autoResizeDimensions": {"dimensions": {"sheetId": 0, "dimension": "COLUMNS"}}},
        {"sortRange": {"range": {"sheetId": 0, "endColumnIndex": 1},
                       "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}]}},
    ]})
    assert ok.status_code == 200, ok.text
    replies = ok.json()["replies"]
    assert replies[0]["addSheet"]["properties"]["title"] == "Problems"
    assert replies[1:] == [{}] * 5
    assert sheets_emulator.grid_size("bu", "Sheet1") == (1000, 28)
    assert sheets_emulator.values("bu", "Sheet1") == [["a"], ["b"], ["c"]]
    kinds = [next(iter(r)) for r in sheets_emulator.formatting("bu")]
    assert kinds == ["addConditionalFormatRule", "updateBorders", "autoResizeDimensions"]
    duplicate = call(sheets_emulator, token, "POST", "/v4/spreadsheets/bu:batchUpdate",
                     {"requests": [good]})
    assert "already exists" in duplicate.json()["error"]["message"]


def test_metadata_honours_fields(sheets_emulator: SheetsEmulator, token: str) -> None:
    sheets_emulator.create_spreadsheet("f", "Fields", {"A": [], "B": []}, locale="en_GB",
                                       time_zone="Europe/London")
    answer = call(sheets_emulator, token, "GET", "/v4/spreadsheets/f",
                  fields="properties(title,timeZone,locale),sheets.properties(title,index)")
    assert answer.json() == {
        "properties": {"title": "Fields", "timeZone": "Europe/London", "locale": "en_GB"},
        "sheets": [{"properties": {"title": "A", "index": 0}},
                   {"properties": {"title": "B", "index": 1}}]}


def test_batch_clear_and_major_dimension_writes(sheets_emulator: SheetsEmulator,
                                                token: str) -> None:
    sheets_emulator.create_spreadsheet("c", "Clear", {"S": [["a", "b"], ["c", "d"]]})
    written = call(sheets_emulator, token, "POST", "/v4/spreadsheets/c/values:batchUpdate",
                   {"valueInputOption": "USER_ENTERED",
                    "data": [{"range": "S!C1", "majorDimension": "COLUMNS",
                              "values": [["1", "2"]]}]})
    assert written.json()["totalUpdatedCells"] == 2
    cleared = call(sheets_emulator, token, "POST", "/v4/spreadsheets/c/values:batchClear",
                   {"ranges": ["S!A1:A2"]})
    assert cleared.json()["clearedRanges"] == ["S!A1:A2"]
    assert sheets_emulator.values("c", "S") == [[None, "b", 1], [None, "d", 2]]


# =========================================================================== auth and access


def test_requests_without_a_valid_token_are_unauthenticated(sheets_emulator: SheetsEmulator,
                                                            ) -> None:
    sheets_emulator.create_spreadsheet("a", "Auth", {"Sheet1": []})
    missing = call(sheets_emulator, None, "GET", "/v4/spreadsheets/a")
    wrong = call(sheets_emulator, "ya29.not-a-token", "GET", "/v4/spreadsheets/a")
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.json()["error"]["status"] == "UNAUTHENTICATED"
    assert missing.json()["error"]["message"].startswith(
        "Request is missing required authentication credential.")
    assert wrong.json()["error"]["message"].startswith(
        "Request had invalid authentication credentials.")


def test_sharing_and_unknown_ids(sheets_emulator: SheetsEmulator, token: str) -> None:
    sheets_emulator.create_spreadsheet("s", "Shared", {"Sheet1": []},
                                       shared_with=["someone@else.example"])
    denied = call(sheets_emulator, token, "GET", "/v4/spreadsheets/s")
    missing = call(sheets_emulator, token, "GET", "/v4/spreadsheets/nope")
    assert denied.json() == {"error": {"code": 403, "message": "The caller does not have "
                                       "permission", "status": "PERMISSION_DENIED"}}
    assert missing.json() == {"error": {"code": 404, "message": "Requested entity was not "
                                        "found.", "status": "NOT_FOUND"}}
    email = next(iter(sheets_emulator.accounts))
    sheets_emulator.share("s", email)
    assert call(sheets_emulator, token, "GET", "/v4/spreadsheets/s").status_code == 200
    sheets_emulator.unshare("s", email)
    assert call(sheets_emulator, token, "GET", "/v4/spreadsheets/s").status_code == 403


def _jwt(key_file: Path, **claims: Any) -> str:
    """A JWT-bearer assertion signed with a key file, with claims overridden."""
    from google.auth import crypt, jwt

    info = json.loads(key_file.read_text())
    now = int(time.time())
    payload = {"iss": info["client_email"], "aud": GOOGLE_TOKEN_URI, "scope": SCOPES[0],
               "iat": now, "exp": now + 3600, **claims}
    signer = crypt.RSASigner.from_service_account_info(info)
    return jwt.encode(signer, payload).decode()


def _grant(emulator: SheetsEmulator, assertion: str) -> requests.Response:
    return requests.post(emulator.token_uri, timeout=10, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})


def test_token_endpoint_checks_the_jwt(sheets_emulator: SheetsEmulator,
                                       service_account_key: Path, tmp_path: Path) -> None:
    ok = _grant(sheets_emulator, _jwt(service_account_key)).json()
    assert set(ok) == {"access_token", "expires_in", "token_type"}
    assert ok["token_type"] == "Bearer"
    stranger = tmp_path / "stranger.json"
    make_service_account_key(stranger, sheets_emulator.token_uri,
                             next(iter(sheets_emulator.accounts)))  # same email, other key
    cases = {
        "Invalid JWT Signature.": _jwt(stranger),
        "Invalid grant: account not found": _jwt(service_account_key, iss="who@x.example"),
        "Invalid JWT: Failed audience check.": _jwt(service_account_key,
                                                    aud=sheets_emulator.token_uri),
        "Invalid JWT: Token must be a short-lived": _jwt(service_account_key,
                                                         exp=int(time.time()) - 10),
    }
    for message, assertion in cases.items():
        answer = _grant(sheets_emulator, assertion)
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_grant"
        assert answer.json()["error_description"].startswith(message)
    head, payload, signature = _jwt(service_account_key).split(".")
    tampered = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered["iss"] = tampered["iss"]  # unchanged claims, but re-encoded differently
    forged = base64.urlsafe_b64encode(json.dumps(tampered, indent=1).encode()).decode()
    answer = _grant(sheets_emulator, f"{head}.{forged.rstrip('=')}.{signature}")
    assert answer.json()["error_description"] == "Invalid JWT Signature."


def test_a_token_without_the_spreadsheets_scope_is_refused(sheets_emulator: SheetsEmulator,
                                                           service_account_key: Path) -> None:
    sheets_emulator.create_spreadsheet("sc", "Scope", {"Sheet1": []})
    grant = _grant(sheets_emulator, _jwt(service_account_key,
                                         scope="https://www.googleapis.com/auth/drive.readonly"))
    answer = call(sheets_emulator, grant.json()["access_token"], "GET", "/v4/spreadsheets/sc")
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Request had insufficient authentication scopes."


def test_token_endpoint_faults(sheets_emulator: SheetsEmulator, service_account_key: Path) -> None:
    sheets_emulator.fail_token_endpoint(400, "invalid_grant", "Invalid JWT Signature.", times=1)
    assert _grant(sheets_emulator, _jwt(service_account_key)).status_code == 400
    assert _grant(sheets_emulator, _jwt(service_account_key)).status_code == 200


# =========================================================================== faults and quota


def test_fault_injection_bodies(sheets_emulator: SheetsEmulator, token: str) -> None:
    sheets_emulator.create_spreadsheet("fi", "Faults", {"Sheet1": []})
    sheets_emulator.fail_next(2, 429)
    first = call(sheets_emulator, token, "GET", "/v4/spreadsheets/fi")
    second = call(sheets_emulator, token, "POST", "/v4/spreadsheets/fi:batchUpdate",
                  {"requests": []})
    third = call(sheets_emulator, token, "GET", "/v4/spreadsheets/fi")
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    error = first.json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["message"].startswith("Quota exceeded for quota metric 'Read requests'")
    assert second.json()["error"]["message"].startswith(
        "Quota exceeded for quota metric 'Write requests'")
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    sheets_emulator.fail_always(503)
    assert call(sheets_emulator, token, "GET", "/v4/spreadsheets/fi").json()["error"] == {
        "code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}
    sheets_emulator.clear_faults()
    sheets_emulator.fail_next(1, 502, body="<html><title>Error 502 (Server Error)</title></html>")
    html = call(sheets_emulator, token, "GET", "/v4/spreadsheets/fi")
    assert html.status_code == 502 and html.text.startswith("<html>")
    assert sheets_emulator.count("GET") == 4 and sheets_emulator.count("POST") == 1


class ManualClock(AcceleratedClock):
    def __init__(self) -> None:
        super().__init__(1.0)
        self.t = 0.0

    def now(self) -> float:
        return self.t


def test_quota_is_a_rolling_window_per_user(sheets_emulator: SheetsEmulator, token: str) -> None:
    sheets_emulator.create_spreadsheet("qu", "Quota", {"Sheet1": []})
    clock = ManualClock()
    sheets_emulator.set_quota(3, window=60, clock=clock)
    statuses = []
    for t in (0, 10, 20, 30, 59.9, 60.5, 61):
        clock.t = t
        statuses.append(call(sheets_emulator, token, "GET", "/v4/spreadsheets/qu").status_code)
    assert statuses == [200, 200, 200, 429, 429, 200, 429]
    assert sheets_emulator.quota_rejections == 3


def test_accelerated_clock_scales_sleep() -> None:
    clock = AcceleratedClock(100.0)
    start = time.monotonic()
    before = clock.now()
    clock.sleep(5.0)
    assert time.monotonic() - start < 0.5
    assert clock.now() - before >= 5.0


# =========================================================================== unmodified gspread


def test_gspread_reads_and_writes(sheets_emulator: SheetsEmulator,
                                  gspread_client: gspread.Client) -> None:
    sheets_emulator.create_spreadsheet("gs", "Acme rollout", {
        "Milestones": [["ID", "Due"], ["M1", date(2026, 11, 27)], [], ["M2", "soon"]]})
    book = gspread_client.open_by_key("gs")
    assert (book.title, book.locale, book.timezone) == ("Acme rollout", "en_US", "Etc/GMT")
    sheet = book.worksheet("Milestones")
    assert sheet.get_all_values() == [["ID", "Due"], ["M1", "11/27/2026"], ["", ""],
                                      ["M2", "soon"]]
    sheet.update_cell(2, 3, "=2*21")
    sheet.append_row(["M3", "2026-12-01"], value_input_option="USER_ENTERED")
    assert sheet.acell("C2").value == "42"
    assert sheet.acell("C2", value_render_option="FORMULA").value == "=2*21"
    assert sheets_emulator.values("gs", "Milestones")[2] == ["M3", date(2026, 12, 1)]
    got = book.values_batch_get(["'Milestones'!A:A", "Milestones!B1:B2"])
    assert [r["range"] for r in got["valueRanges"]] == ["Milestones!A1:A1000",
                                                        "Milestones!B1:B2"]
    extra = book.add_worksheet("Problems", rows=10, cols=5)
    assert [w.title for w in book.worksheets()] == ["Milestones", "Problems"]
    book.del_worksheet(extra)
    assert sheets_emulator.tab_titles("gs") == ["Milestones"]


def test_gspread_sees_googles_errors(sheets_emulator: SheetsEmulator,
                                     gspread_client: gspread.Client,
                                     service_account_email: str) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gspread_client.open_by_key("missing")
    sheets_emulator.create_spreadsheet("gone", "Gone", {"Sheet1": []})
    sheets_emulator.unshare("gone", service_account_email)
    with pytest.raises(PermissionError):
        gspread_client.open_by_key("gone")
    sheets_emulator.share("gone", service_account_email)
    sheets_emulator.fail_next(1, 400)
    with pytest.raises(gspread.exceptions.APIError) as caught:
        gspread_client.open_by_key("gone")
    assert caught.value.code == 400


def test_the_copied_recordings_match_the_shared_reference() -> None:
    if not SHARED.is_dir():
        pytest.skip("the shared reference folder is not beside this clone")
    for original in SHARED.glob("*.json"):
        assert (CASSETTES / original.name).read_bytes() == original.read_bytes(), original.name
