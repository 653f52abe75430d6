"""Eight weeks of a project, end to end, on both backends: ``sheetsync run --now`` every
morning (and on Friday afternoons for the report) while this script edits the sheet as
staff would: marking work Done, moving a date, approving a change request, picking Delay
reasons, confirming. The History and Board tabs and the ``retro`` figures at the end are
compared with a hand calculation written out below.

The project (UTC, reports on Friday at 16:00), from Monday 5 Jan 2026:

    M1 Kick-off   Team    due 9 Jan   done 8 Jan, confirmed 12 Jan           on time
    M2 Design     Team    due 23 Jan  moved to 30 Jan on 19 Jan; done 3 Feb  11 days, Team capacity
                                       (confirmed 6 Feb)
    M3 Content    Client  due 30 Jan  done 6 Feb                             7 days, Client late
    M4 Build      Team    due 13 Feb  CR-1 approved 2 Feb: 20 Feb; done 24 Feb
                                                                             11 days, Scope change
    M5 Launch     Team    due 27 Feb  In progress from 9 Feb, open           0 days
    M6 Printing   Team    due 6 Feb   Cancelled on 20 Jan                    left out
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from sheetsync.backends.xlsx_template import write_template
from sheetsync.blueprint import layout as blueprint
from sheetsync.blueprint.example import Content
from sheetsync.cli.main import main
from sheetsync.model import ChangeStatus, Owner, Status, a1
from tests.fixtures_env import GOOGLE, scrub
from tests.sheets_emulator import Fmt, SheetsEmulator
from tests.test_backends_agree import seed_rows

START, END = date(2026, 1, 5), date(2026, 2, 27)  # a Monday; the Friday eight weeks on
SID = "1RetroSimulation_0123456789abcdef"
GSHEET = f"gsheet:{SID}"


def _m(ident: str, title: str, owner: Owner, due: date) -> dict[str, Any]:
    return {"id": ident, "title": title, "owner": owner, "status": Status.NOT_STARTED,
            "due": due}


PROJECT = Content(
    title="Sim",
    settings={"name": "Sim rollout", "client": "Sim Co", "client_emails": "ann@sim.example",
              "pm_name": "Pat", "pm_email": "pat@studio.example", "time_zone": "UTC",
              "language": "en", "report_day": 4, "report_time": "16:00",
              "date_order": "YMD"},
    milestones=(
        _m("M1", "Kick-off", Owner.TEAM, date(2026, 1, 9)),
        _m("M2", "Design", Owner.TEAM, date(2026, 1, 23)),
        _m("M3", "Content", Owner.CLIENT, date(2026, 1, 30)),
        {**_m("M4", "Build", Owner.TEAM, date(2026, 2, 13)), "depends_on": "M2"},
        _m("M5", "Launch", Owner.TEAM, date(2026, 2, 27)),
        _m("M6", "Printing", Owner.TEAM, date(2026, 2, 6)),
    ),
)

# What staff type, by the morning they type it (before that morning's run).
Edit = tuple[str, str, Any]  # (ID, column header, value) on Milestones
EDITS: dict[date, list[Edit]] = {
    date(2026, 1, 8): [("M1", "Status", "Done"), ("M1", "Done on", date(2026, 1, 8))],
    date(2026, 1, 12): [("M1", "Client confirmed", "Yes"),
                        ("M1", "Confirmed on", date(2026, 1, 12))],
    date(2026, 1, 19): [("M2", "Due", date(2026, 1, 30))],
    date(2026, 1, 20): [("M6", "Status", "Cancelled")],
    date(2026, 2, 2): [("M4", "Due", date(2026, 2, 20))],  # as CR-1 (below) approved
    date(2026, 2, 3): [("M2", "Status", "Done"), ("M2", "Done on", date(2026, 2, 3)),
                       ("M2", "Delay reason", "Team capacity"),
                       ("M4", "Delay reason", "Scope change")],  # as Problems suggested
    date(2026, 2, 6): [("M3", "Status", "Done"), ("M3", "Done on", date(2026, 2, 6)),
                       ("M3", "Delay reason", "Client late"),
                       ("M2", "Client confirmed", "Yes"), ("M2", "Confirmed on",
                                                           date(2026, 2, 6))],
    date(2026, 2, 9): [("M5", "Status", "In progress")],
    date(2026, 2, 24): [("M4", "Status", "Done"), ("M4", "Done on", date(2026, 2, 24))],
}
CR1 = ["CR-1", date(2026, 2, 2), "Ann", "Add a shop", "+1 week", "M4", date(2026, 2, 13),
       date(2026, 2, 20), ChangeStatus.APPROVED.value, "Yes"]

# The History rows other than Flag, by hand: the first check records every milestone's
# baseline, status and owner; after that, one row per field staff changed.
FIRST = [(f"M{i}", field, "", to) for i, (due, owner) in enumerate(
    (("2026-01-09", "Team"), ("2026-01-23", "Team"), ("2026-01-30", "Client"),
     ("2026-02-13", "Team"), ("2026-02-27", "Team"), ("2026-02-06", "Team")), start=1)
    for field, to in (("Baseline due", due), ("Status", "Not started"), ("Owner", owner))]
CHANGES = [
    ("2026-01-08", "M1", "Status", "Not started", "Done"),
    ("2026-01-08", "M1", "Done on", "", "2026-01-08"),
    ("2026-01-12", "M1", "Client confirmed", "", "Yes"),
    ("2026-01-19", "M2", "Due", "2026-01-23", "2026-01-30"),
    ("2026-01-20", "M6", "Status", "Not started", "Cancelled"),
    ("2026-02-02", "M4", "Due", "2026-02-13", "2026-02-20"),
    ("2026-02-03", "M2", "Status", "Not started", "Done"),
    ("2026-02-03", "M2", "Done on", "", "2026-02-03"),
    ("2026-02-06", "M2", "Client confirmed", "", "Yes"),
    ("2026-02-06", "M3", "Status", "Not started", "Done"),
    ("2026-02-06", "M3", "Done on", "", "2026-02-06"),
    ("2026-02-09", "M5", "Status", "Not started", "In progress"),
    ("2026-02-24", "M4", "Status", "Not started", "Done"),
    ("2026-02-24", "M4", "Done on", "", "2026-02-24"),
]
# M1's flags, by hand: due soon from the first morning (9 Jan is within 7 days), awaiting
# the client's confirmation once done, nothing once confirmed.
M1_FLAGS = [("2026-01-05", "", "DUE_SOON"), ("2026-01-08", "DUE_SOON", "AWAITING_CONFIRMATION"),
            ("2026-01-12", "AWAITING_CONFIRMATION", "")]


class Sheet:
    """The project as staff see it, on one backend: read a tab, type into Milestones."""

    source: str
    values: Callable[[str], list[list[Any]]]
    put: Callable[[str, int, int, Any], None]

    def type(self, ident: str, header: str, value: Any) -> None:
        rows = self.values("Milestones")
        col = rows[0].index(header) + 1
        row = next(i for i, r in enumerate(rows, start=1) if r and r[0] == ident)
        self.put("Milestones", row, col, value)


class XlsxSheet(Sheet):
    def __init__(self, path: Path) -> None:
        write_template(path, blueprint.build(PROJECT, "en"))
        self.source, self.path = str(path), path

    def values(self, tab: str) -> list[list[Any]]:  # type: ignore[override]
        ws = openpyxl.load_workbook(self.path)[tab]
        return [[c.value for c in row] for row in ws.iter_rows()]

    def put(self, tab: str, row: int, col: int, value: Any) -> None:  # type: ignore[override]
        book = openpyxl.load_workbook(self.path)  # staff save in Excel
        book[tab].cell(row, col).value = value
        book.save(self.path)


class GoogleSheetCopy(Sheet):
    def __init__(self, emulator: SheetsEmulator) -> None:
        tabs = {t.title: seed_rows(t, "iso") for t in blueprint.build(PROJECT, "en").tabs}
        emulator.create_spreadsheet(SID, "Sim", tabs, locale="en_GB", time_zone="UTC")
        self.source, self.emulator = GSHEET, emulator

    def values(self, tab: str) -> list[list[Any]]:  # type: ignore[override]
        return self.emulator.values(SID, tab)

    def put(self, tab: str, row: int, col: int, value: Any) -> None:  # type: ignore[override]
        if isinstance(value, date):  # picked from the date picker of a yyyy-mm-dd column
            value = Fmt(value, "yyyy-mm-dd", "DATE")
        self.emulator.set_values(SID, tab, a1(row, col), [[value]])


def run(source: str, moment: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, ["run", source, "--now", moment, "--json"],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.output)
    return data


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def simulate(sheet: Sheet) -> None:
    day = START
    while day <= END:
        for ident, header, value in EDITS.get(day, []):
            sheet.type(ident, header, value)
        if day == date(2026, 2, 2):
            sheet.put("Changes", 2, 1, None)  # the tab's sample row is blank: CR-1 goes there
            for col, value in enumerate(CR1, start=1):
                sheet.put("Changes", 2, col, value)
        run(sheet.source, f"{day.isoformat()}T08:00+00:00")
        if day == date(2026, 1, 19):  # the slip is asked about until a reason is picked
            problems = [text(v) for row in sheet.values("Problems") for v in row]
            assert ("M2 slipped 7 days; pick a Delay reason so the retrospective can count "
                    "it.") in problems
        if day == date(2026, 2, 2):  # CR-1 moved M4: Problems suggests Scope change
            problems = [text(v) for row in sheet.values("Problems") for v in row]
            assert ("M4 slipped 7 days after the approved change CR-1 moved its date; pick a "
                    "Delay reason so the retrospective can count it.") in problems
            assert any("Choose Scope change in the Delay reason column of M4" in p
                       for p in problems)
        if day.weekday() == 4:
            run(sheet.source, f"{day.isoformat()}T16:05+00:00")  # the weekly report
        day += timedelta(days=1)


def check_outcome(sheet: Sheet) -> None:
    history = [tuple(text(v) for v in row[:5]) + ("",) * (5 - len(row[:5]))
               for row in sheet.values("History")]
    assert history[0] == ("Date", "ID", "Field", "From", "To")
    rows = history[1:]
    fields = [r for r in rows if r[2] != "Flag"]
    assert fields == [("2026-01-05", *r) for r in FIRST] + CHANGES
    flags = {}
    for r in rows:
        if r[2] == "Flag":
            flags.setdefault(r[1], []).append((r[0], r[3], r[4]))
    assert flags["M1"] == M1_FLAGS
    for chain in flags.values():  # each Flag row starts where the one before ended
        assert all(a[2] == b[1] for a, b in itertools.pairwise(chain))
    milestones = sheet.values("Milestones")
    flag_col = milestones[0].index("Flag")
    now = {r[0]: text(r[flag_col]) if len(r) > flag_col else "" for r in milestones[1:] if r}
    assert {k: v[-1][2] for k, v in flags.items()} == {k: now[k] for k in flags}
    assert len(rows) < 80  # eight weeks of six milestones: a few rows a week

    board = [[text(v) for v in row] for row in sheet.values("Board")]
    assert board[0][:5] == ["Not started (0)", "In progress (1)", "Waiting on client (1)",
                            "Blocked (0)", "Done (3)"]
    assert board[1][:5] == ["", "M5 Launch · due 27 Feb", "M4 Build · done 24 Feb", "",
                            "M1 Kick-off · done 8 Jan"]
    assert [r[4] for r in board[2:4]] == ["M2 Design · done 3 Feb", "M3 Content · done 6 Feb"]

    out = CliRunner().invoke(main, ["retro", sheet.source, "--as-of", END.isoformat(),
                                    "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    m = json.loads(out.output)["metrics"]
    assert (m["milestones"], m["done"], m["on_time"], m["on_time_rate"]) == (5, 4, 1, 0.25)
    assert m["slip_days"] == 11 + 7 + 11 + 0
    assert m["slip_days_by_reason"] == {"Scope change": 11, "Team capacity": 11,
                                        "Client late": 7}
    assert (m["client_items"], m["client_items_late"], m["client_days_late"]) == (1, 1, 7)
    assert m["confirmation_days_median"] == 3.5  # M1 4 days, M2 3 days
    assert m["changes"] == {"count": 1, "approved": 1, "declined": 0, "proposed": 0,
                            "days_added": 7}
    # eight Fridays, and on the first morning the report of Friday 2 Jan, missed by under
    # three days (CONTRACT section 4); no run was at a time reminders go out
    assert (m["reports"], m["reminders"]) == (9, 0)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scrub(monkeypatch, tmp_path, keep=GOOGLE)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("SHEETSYNC_FROM", "Studio <projects@studio.example>")
    return tmp_path


def test_eight_weeks_on_an_xlsx_file(env: Path) -> None:
    sheet = XlsxSheet(env / "sim.xlsx")
    simulate(sheet)
    check_outcome(sheet)


def test_eight_weeks_on_a_google_sheet(env: Path, gsheets_env: SheetsEmulator) -> None:
    sheet = GoogleSheetCopy(gsheets_env)
    simulate(sheet)
    check_outcome(sheet)
