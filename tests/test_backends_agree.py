"""Issue 4 acceptance: `check` and `report` on a gsheet: source pass the same acceptance as
on .xlsx. One workbook content, the Acme example of ``blueprint.example_project()``, is
rendered to .xlsx by ``xlsx_template`` and put in the loopback Sheets API, and the real
command line is run on both.

How the Google copy holds its dates (each a parametrisation):

- ``en_GB``: real date cells in the locale's default format (``02/11/2026`` on screen);
  the API returns their serials, whatever the format.
- ``iso``: real date cells formatted ``yyyy-mm-dd`` in an en_US sheet: ``2026-11-02``.
- ``init``: the sheet laid out by ``sheetsync init``'s own code (``gsheets_template``).
- ``bare``: as ``en_GB`` but without the Problems and Log tabs and the Flag columns, so the
  first check has to create them (the most expensive first write).

What may differ between the two outputs, and why: ``source`` (the SOURCE as given) and
``api_requests`` (requests to a remote service: 0 for a file). Nothing else: dates are
compared as the ISO dates the JSON holds, and the one problem of the example (M12's Due
``31/02/2026``) is a text cell in both, so its ``value`` is the same text. (A problem on a
real date cell would show the date as each backend gives it; the example has none.)
"""

from __future__ import annotations

import json
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.backends import gsheets_write
from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_template import init_sheet
from sheetsync.backends.gsheets_values import GRID_FIELDS
from sheetsync.backends.xlsx_template import write_template
from sheetsync.blueprint import layout as blueprint
from sheetsync.cli.main import main
from sheetsync.model import a1
from tests.fixtures_env import GOOGLE, scrub
from tests.sheets_emulator import Fmt, SheetsEmulator
from tests.xlsx_factory import read_values

SID = "1AcmeWebsiteRollout_0123456789"
GSHEET = f"gsheet:{SID}"
AS_OF = blueprint.EXAMPLE_AS_OF.isoformat()  # 2026-11-27
LAYOUTS = ("en_GB", "iso", "init", "bare")
# Differ by nature, not by content (see the module docstring).
SOURCE_ONLY = ("source", "api_requests")
# The Delay reason cell of M3 (row 4): M3 slipped 6 days past its History baseline
SLIP_CELL = a1(4, blueprint.example_project().tab("Milestones").col("delay_reason"))


# --------------------------------------------------------------------------- set-up


def seed_rows(tab: blueprint.Tab, layout: str) -> list[list[Any]]:
    """A tab's header and example rows as emulator seed values (dates as date cells)."""
    keep = [i for i, c in enumerate(tab.columns) if layout != "bare" or not c.job_owned]
    rows = [list(tab.headers)] + [list(r) for r in tab.rows]
    out = []
    for row in rows:
        cells: list[Any] = [row[i] if i < len(row) else None for i in keep]
        if layout == "iso":
            cells = [Fmt(v, "yyyy-mm-dd", "DATE") if isinstance(v, date) else v for v in cells]
        out.append(cells)
    return out


def google_copy(emulator: SheetsEmulator, layout: str, key: Path) -> None:
    """The Acme example in the emulator, laid out as ``layout`` says."""
    example = blueprint.example_project()
    locale = "en_GB" if layout in ("en_GB", "bare") else "en_US"
    if layout == "init":
        emulator.create_spreadsheet(SID, example.title, locale=locale,
                                    time_zone="Europe/London")
        init_sheet(GoogleSheet.open(GSHEET, credentials=key, endpoint=emulator.url), example)
    else:
        tabs = {t.title: seed_rows(t, layout) for t in example.tabs
                if layout != "bare" or not t.job_owned}
        emulator.create_spreadsheet(SID, example.title, tabs, locale=locale,
                                    time_zone="Europe/London")
    emulator.reset_log()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gsheets_env: SheetsEmulator,
          service_account_key: Path, request: pytest.FixtureRequest) -> SheetsEmulator:
    """acme.xlsx and the Google copy; outbox and state in tmp_path; no SMTP, no config."""
    scrub(monkeypatch, tmp_path, keep=GOOGLE)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    write_template(tmp_path / "acme.xlsx", blueprint.example_project())
    google_copy(gsheets_env, request.param, service_account_key)
    return gsheets_env


def run(*args: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.output)
    return data


def check(source: str) -> dict[str, Any]:
    (project,) = run("check", source, "--as-of", AS_OF, "--json")["projects"]
    assert "error" not in project, project
    return dict(project)


def same_content(project: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in project.items() if k not in SOURCE_ONLY}


def by_header(rows: list[list[Any]], *names: str) -> list[list[Any]]:
    """Some columns of a tab (by header), rows trimmed of trailing blanks."""
    header = rows[0]
    cols = [header.index(n) for n in names]
    out = [[row[c] if c < len(row) else None for c in cols] for row in rows[1:]]
    out = [[v if v not in ("", None) else None for v in row] for row in out]
    while out and not any(out[-1]):  # formatted but empty rows at the end of an .xlsx tab
        out.pop()
    return out


# --------------------------------------------------------------------------- check


@pytest.mark.parametrize("world", LAYOUTS, indirect=True)
def test_check_gives_the_same_flags_and_problems(world: SheetsEmulator, tmp_path: Path,
                                                request: pytest.FixtureRequest) -> None:
    on_file = check("acme.xlsx")
    on_google = check(GSHEET)

    bare = request.node.callspec.params["world"] == "bare"
    if bare:  # no History tab: M3's baseline is its Due now, so M3 has not slipped there
        on_file["problems"] = [p for p in on_file["problems"] if p["cell"] != SLIP_CELL]
    assert same_content(on_google) == same_content(on_file)
    flags = {m["id"]: m["flags"] for m in on_google["milestones"]}
    assert flags["M4"] == ["UNCONFIRMED"] and flags["M5"] == ["CLIENT_OVERDUE"]
    assert flags["M9"] == ["AT_RISK", "BLOCKED", "DUE_SOON"] and flags["M12"] == ["INVALID"]
    assert [(p["cell"], p["value"]) for p in on_google["problems"]] == [
        ("E13", "31/02/2026"), *([] if bare else [(SLIP_CELL, "")])]

    # and both wrote the same Flag, Flag detail and Problems
    file_ms, google_ms = read_values(tmp_path / "acme.xlsx", "Milestones"), world.values(
        SID, "Milestones")
    columns = ("ID", "Flag", "Flag detail")
    assert by_header(google_ms, *columns) == by_header(file_ms, *columns)
    problems = ("Tab", "Cell", "Value", "Problem", "How to fix")
    on_disk = by_header(read_values(tmp_path / "acme.xlsx", "Problems"), *problems)
    assert by_header(world.values(SID, "Problems"), *problems) == [
        row for row in on_disk if not (bare and row[1] == SLIP_CELL)]


@pytest.fixture
def fresh_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """However slow the machine, the check's read counts as fresh when it writes flags: the
    counts below are those of a write within ``REREAD_AFTER_S`` of its read."""
    monkeypatch.setattr(gsheets_write, "REREAD_AFTER_S", 600.0)


@pytest.mark.parametrize("world", LAYOUTS, indirect=True)
def test_check_stays_within_the_request_budget(world: SheetsEmulator, fresh_reads: None) -> None:
    first = check(GSHEET)

    assert first["written"] is True
    read, write = world.requests[:1], world.requests[1:]
    assert [(r.method, r.path) for r in read] == [("GET", f"/v4/spreadsheets/{SID}")]
    assert read[0].query["fields"] == [GRID_FIELDS]  # one request: tabs and values
    # no re-read of a fresh read: one write
    assert [(r.method, r.path) for r in write] == [("POST", f"/v4/spreadsheets/{SID}:batchUpdate")]
    assert first["api_requests"] == len(world.requests) == 2
    assert all(r.status == 200 for r in world.requests)

    world.reset_log()
    second = check(GSHEET)

    assert second["written"] is False
    assert second["api_requests"] == 1
    assert [r.method for r in world.requests] == ["GET"]  # a second check writes nothing
    assert same_content(second) == same_content(first) | {"written": False}


def test_the_bare_sheet_gets_its_job_tabs_in_one_structural_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gsheets_env: SheetsEmulator,
        service_account_key: Path, fresh_reads: None) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    google_copy(gsheets_env, "bare", service_account_key)

    first = check(GSHEET)

    writes = [(r.method, r.path.rsplit("/", 1)[-1]) for r in gsheets_env.requests[1:]]
    # the read is fresh: no re-read; one write, new tabs and values
    assert writes == [("POST", f"{SID}:batchUpdate")]
    assert first["api_requests"] == 2
    assert "Problems" in gsheets_env.tab_titles(SID)


# --------------------------------------------------------------------------- report


def eml(folder: Path) -> EmailMessage:
    (path,) = folder.glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def report(source: str, outbox: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(outbox))
    (project,) = run("report", source, "--as-of", AS_OF, "--json")["projects"]
    return dict(project)


@pytest.mark.parametrize("world", ["en_GB", "init"], indirect=True)
def test_report_sends_once_and_logs_in_the_sheet(world: SheetsEmulator, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 fresh_reads: None) -> None:
    sent = report(GSHEET, tmp_path / "outbox-google", monkeypatch)

    assert sent["result"] == "sent", sent
    assert sent["recipients"] == ["maria.chen@acme.example", "ops@acme.example",  # To
                                  "sam.lee@studio.example", "accounts@studio.example"]  # CC
    assert "Acme website rollout" in sent["subject"]
    assert sent["api_requests"] <= 8  # 5, and the guard across hosts: a 'sending' row, a re-read
    log = world.values(SID, "Log")
    assert log[0] == list(blueprint.example_project().tab("Log").headers)
    announced, row = log[1:]  # the 'sending' row before the send, then its outcome
    assert announced[5:7] == ["sending", sent["message_id"]]
    assert row[1:3] == ["report", "Acme website rollout"]
    assert row[5:7] == ["sent", sent["message_id"]]
    message = eml(tmp_path / "outbox-google")
    assert message["Message-ID"] == sent["message_id"]

    world.reset_log()
    again = report(GSHEET, tmp_path / "outbox-google", monkeypatch)

    assert again["result"] == "skipped"
    assert again["detail"] == f"already sent for {AS_OF}"
    assert len(world.values(SID, "Log")) == 3  # header, sending, sent: no further row
    assert [r.method for r in world.requests] == ["GET"]  # read only
    assert len(list((tmp_path / "outbox-google").glob("*.eml"))) == 1

    # the same email as the one the .xlsx copy of the project sends
    on_file = report("acme.xlsx", tmp_path / "outbox-file", monkeypatch)
    assert (on_file["result"], on_file["subject"], on_file["recipients"]) == (
        "sent", sent["subject"], sent["recipients"])
    from_file = eml(tmp_path / "outbox-file")
    for part in ("plain", "html"):
        google_body = message.get_body((part,))
        file_body = from_file.get_body((part,))
        assert google_body is not None and file_body is not None
        assert google_body.get_content() == file_body.get_content()
