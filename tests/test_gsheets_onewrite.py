"""One write per apply on Google: every cell a plan writes goes in one
``spreadsheets:batchUpdate`` (issue 16 item 2), History and Log rows as ``appendCells``.

Real parts: unmodified gspread and sheetsync's HTTP client against the loopback emulator,
whose ``appendCells`` and ``includeSpreadsheetInResponse`` follow Google's documentation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gspread
import pytest

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_http import RetryPolicy, resendable
from sheetsync.errors import BackendError, SourceError
from sheetsync.model import CellWrite, RawTab, TabWrite, WritePlan
from tests.sheets_emulator import SheetsEmulator

SID = "1OneWriteSheet_0123456789abcdef"
SOURCE = f"gsheet:{SID}"
Opener = Callable[..., GoogleSheet]


def sheet_with_log(emulator: SheetsEmulator, **tabs: list[list[Any]]) -> None:
    content: dict[str, list[list[Any]]] = {
        "Milestones": [["ID", "Flag"], ["M1"], ["M2"]],
        "Log": [["Time", "Job", "Result"], ["t1", "check", "done"]],
    }
    content.update(tabs)
    emulator.create_spreadsheet(SID, "One write", content)


def log_plan(*rows: tuple[str, ...], **extra: Any) -> WritePlan:
    return WritePlan(flags_tab="Milestones", id_col=1, header_row=1, flag_col=2,
                     problems_tab="Problems", log_tab="Log", log_rows=rows, **extra)


# =========================================================================== the emulator


def test_append_cells_goes_after_the_last_row_with_data(sheets_emulator: SheetsEmulator,
                                                       gspread_client: gspread.Client) -> None:
    sheets_emulator.create_spreadsheet(SID, "Emu", {"Log": [["Time"], ["t1"], [], ["t3"]]},
                                       grid={"Log": (4, 3)})
    book = gspread_client.open_by_key(SID)
    log_id = book.worksheet("Log").id
    answer = book.batch_update({"requests": [{"appendCells": {
        "sheetId": log_id, "fields": "userEnteredValue",
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "=1+1"}}]},
                 {"values": [{"userEnteredValue": {"stringValue": "t5"}}, {}]}]}}]})
    assert answer == {"spreadsheetId": SID, "replies": [{}]}  # no updatedSpreadsheet unasked
    assert sheets_emulator.values(SID, "Log") == [["Time"], ["t1"], [], ["t3"], ["=1+1"],
                                                  ["t5"]]
    assert sheets_emulator.grid_size(SID, "Log") == (6, 3)  # rows inserted as needed
    cell = sheets_emulator.cell(SID, "Log", "A5")
    assert cell is not None and cell.formula is None  # a stringValue is text
    with pytest.raises(gspread.exceptions.APIError, match="At least one field"):
        book.batch_update({"requests": [{"appendCells": {"sheetId": log_id, "rows": []}}]})


def test_a_batch_update_answer_carries_the_ranges_asked(sheets_emulator: SheetsEmulator,
                                                        gspread_client: gspread.Client) -> None:
    sheets_emulator.create_spreadsheet(SID, "Emu", {"Milestones": [["ID"], ["M1"]],
                                                    "Log": [["Time", "n"], ["t1", 2]]})
    book = gspread_client.open_by_key(SID)
    log_id = book.worksheet("Log").id
    append = {"appendCells": {"sheetId": log_id, "fields": "userEnteredValue",
                              "rows": [{"values": [{"userEnteredValue": {"stringValue": "t2"}}]}]}}
    answer = book.batch_update({"requests": [append], "includeSpreadsheetInResponse": True,
                                "responseRanges": ["'Log'"], "responseIncludeGridData": True})
    (log,) = answer["updatedSpreadsheet"]["sheets"]  # only the tab of the ranges
    assert log["properties"]["title"] == "Log"
    rows = log["data"][0]["rowData"]
    assert [c["effectiveValue"] for c in rows[1]["values"]] == [{"stringValue": "t1"},
                                                                {"numberValue": 2}]
    assert rows[2]["values"][0]["formattedValue"] == "t2"  # the update is in it
    no_grid = book.batch_update({"requests": [], "includeSpreadsheetInResponse": True,
                                 "responseRanges": ["'Log'"]})
    assert "data" not in no_grid["updatedSpreadsheet"]["sheets"][0]
    # a field mask: it says what comes, grid data included, and trims the whole answer
    masked = gspread_client.http_client.request(
        "post", f"https://sheets.googleapis.com/v4/spreadsheets/{SID}:batchUpdate",
        json={"requests": [], "includeSpreadsheetInResponse": True,
              "responseRanges": ["'Log'"]},
        params={"fields": "replies,updatedSpreadsheet(sheets(properties(title),"
                          "data(rowData(values(effectiveValue)))))"}).json()
    assert masked == {"replies": [], "updatedSpreadsheet": {"sheets": [{
        "properties": {"title": "Log"}, "data": [{"rowData": [
            {"values": [{"effectiveValue": {"stringValue": "Time"}},
                        {"effectiveValue": {"stringValue": "n"}}]},
            {"values": [{"effectiveValue": {"stringValue": "t1"}},
                        {"effectiveValue": {"numberValue": 2}}]},
            {"values": [{"effectiveValue": {"stringValue": "t2"}}]}]}]}]}}


# =========================================================================== one write


def test_flags_problems_history_and_log_are_one_request(sheets_emulator: SheetsEmulator,
                                                        open_sheet: Opener) -> None:
    sheet_with_log(sheets_emulator, History=[["Week", "Done"], ["W46", "3"]],
                   Problems=[["Tab", "Cell", "Value", "Problem", "How to fix", "PM note"],
                             ["Milestones", "A9", "", "old", "fix", "keep me"]])
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.reset_log()
    sheet.apply(log_plan(("t2", "report", "sending"),
                         flag_cells=(CellWrite(2, 2, "OVERDUE", "M1"),),
                         problems_rows=(("Tab", "Cell", "Value", "Problem", "How to fix"),),
                         problems_old_height=2,
                         tabs=(TabWrite("History", (("W47", "5"),), append=True,
                                        header=("Week", "Done")),)))
    assert [(r.method, r.path.rpartition("/")[2]) for r in sheets_emulator.requests] == [
        ("POST", f"{SID}:batchUpdate")]  # the read is fresh: the flags tab is not read again
    assert sheets_emulator.values(SID, "Milestones")[1] == ["M1", "OVERDUE"]
    assert sheets_emulator.values(SID, "Problems") == [
        ["Tab", "Cell", "Value", "Problem", "How to fix", "PM note"],
        [None, None, None, None, None, "keep me"]]  # the staff's column stays
    assert sheets_emulator.values(SID, "History") == [["Week", "Done"], ["W46", "3"],
                                                      ["W47", "5"]]
    assert sheets_emulator.values(SID, "Log")[-1] == ["t2", "report", "sending"]


def test_two_runs_never_write_over_each_others_rows(sheets_emulator: SheetsEmulator,
                                                    open_sheet: Opener) -> None:
    """Both read the same Log and History; each appends after what is there when Google
    applies it, not after what its read saw."""
    sheet_with_log(sheets_emulator, History=[["Week"], ["W46"]])
    first, second = open_sheet(SOURCE), open_sheet(SOURCE)
    first.read()
    second.read()
    history = (TabWrite("History", (("W47 first",),), append=True, header=("Week",)),)
    first.apply(log_plan(("t2", "report", "first"), tabs=history))
    second.apply(log_plan(("t3", "report", "second"),
                          tabs=(TabWrite("History", (("W47 second",),), append=True),)))
    assert sheets_emulator.values(SID, "Log") == [
        ["Time", "Job", "Result"], ["t1", "check", "done"], ["t2", "report", "first"],
        ["t3", "report", "second"]]
    assert sheets_emulator.values(SID, "History") == [["Week"], ["W46"], ["W47 first"],
                                                      ["W47 second"]]


def test_the_log_comes_back_in_the_answer_of_the_write(sheets_emulator: SheetsEmulator,
                                                       open_sheet: Opener) -> None:
    sheet_with_log(sheets_emulator)
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.set_values(SID, "Log", "A3", [["t2", "report", "sending", 7]])  # another run
    sheets_emulator.reset_log()
    log = sheet.apply(log_plan(("t3", "report", "sending"), echo_log=True))
    assert len(sheets_emulator.requests) == 1  # the write; no read of its own
    assert log == RawTab("Log", (("Time", "Job", "Result"), ("t1", "check", "done"),
                                 ("t2", "report", "sending", 7), ("t3", "report", "sending")))
    assert sheet.apply(log_plan(("t4", "report", "sent"))) is None  # not asked: not sent


# =========================================================================== not twice


def slow_write(emulator: SheetsEmulator, seconds: float) -> None:
    """The next batchUpdate reaches the sheet and is applied, but its answer comes late."""
    emulator.before(lambda e: time.sleep(seconds), method="POST", path_contains=":batchUpdate")


def test_a_timed_out_write_with_appended_rows_is_not_sent_again(
        sheets_emulator: SheetsEmulator, open_sheet: Opener) -> None:
    sheet_with_log(sheets_emulator)
    sheet = open_sheet(SOURCE, retry=RetryPolicy(max_tries=4, read_timeout=0.3, budget=30))
    sheet.read()
    slow_write(sheets_emulator, 1.0)
    with pytest.raises(BackendError, match="did not answer"):
        sheet.apply(log_plan(("t2", "report", "sent")))
    time.sleep(1.2)  # the emulator finishes the one request it got
    assert sheets_emulator.count("POST", ":batchUpdate") == 1  # an append twice is two rows
    assert sheets_emulator.values(SID, "Log")[2:] == [["t2", "report", "sent"]]


def test_a_timed_out_write_of_cells_only_is_sent_again(sheets_emulator: SheetsEmulator,
                                                       open_sheet: Opener) -> None:
    sheet_with_log(sheets_emulator)
    sheet = open_sheet(SOURCE, retry=RetryPolicy(max_tries=4, read_timeout=0.3, budget=30))
    sheet.read()
    slow_write(sheets_emulator, 1.0)
    sheet.apply(log_plan(flag_cells=(CellWrite(2, 2, "OVERDUE", "M1"),)))  # updateCells only
    time.sleep(1.2)
    assert sheets_emulator.count("POST", ":batchUpdate") == 2  # the same cells twice: no harm
    assert sheets_emulator.values(SID, "Milestones")[1] == ["M1", "OVERDUE"]


def test_which_requests_may_be_sent_twice() -> None:
    url = "https://sheets.googleapis.com/v4/spreadsheets/x"
    cells = {"updateCells": {}}
    assert resendable("GET", url, None)
    assert resendable("POST", url + "/values:batchUpdate", {"data": []})
    assert resendable("POST", url + ":batchUpdate", {"requests": [cells, cells]})
    for other in ("appendCells", "addSheet", "appendDimension"):
        assert not resendable("POST", url + ":batchUpdate", {"requests": [cells, {other: {}}]})
    assert not resendable("POST", url + "/values/'Log'!A:C:append", {"values": []})


def test_a_tab_gone_between_parts_of_a_split_write_is_not_sent_again(
        sheets_emulator: SheetsEmulator, open_sheet: Opener,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A write too big for one request goes in parts; when a later part finds its tab
    deleted, the earlier parts are in already, so the write is not sent again whole."""
    from sheetsync.backends import gsheets_write

    monkeypatch.setattr(gsheets_write, "MAX_REQUEST_BYTES", 3_000)
    sheet_with_log(sheets_emulator, Problems=[["Tab", "Cell", "Value", "Problem", "How to fix"]])
    sheet = open_sheet(SOURCE)
    sheet.read()
    sheets_emulator.reset_log()

    def delete_log(emulator: SheetsEmulator) -> None:
        book = emulator.spreadsheets[SID]
        book.remove_sheet(emulator._sheet(SID, "Log"))

    sheets_emulator.before(delete_log, method="POST", path_contains=":batchUpdate", skip=1)
    rows = (("Tab", "Cell", "Value", "Problem", "How to fix"),
            *(("Milestones", f"A{i}", "x" * 100, "bad", "fix") for i in range(2, 20)))
    with pytest.raises(SourceError, match="renamed or deleted"):
        sheet.apply(log_plan(("t2", "report", "sent"), problems_rows=rows))
    assert sheets_emulator.count("POST", ":batchUpdate") == 2  # the Problems part, once
    assert len(sheets_emulator.values(SID, "Problems")) == 19
