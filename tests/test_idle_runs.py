"""Issue 16, item 1: an idle ``run`` costs no Sheets request.

Real parts: the CLI's ``run --json`` in-process, unmodified gspread and google-auth against
the loopback emulator, whose Drive ``files.get`` answers ``modifiedTime`` as Google documents
(403 without a Drive scope, 404 for a file not shared with the account).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials

from sheetsync.cli.main import main
from sheetsync.host.facts import Facts, settings_from_json, settings_to_json
from sheetsync.model import Settings
from tests.fixtures_env import GOOGLE, scrub
from tests.sheets_emulator import SPREADSHEETS_SCOPE, SheetsEmulator
from tests.test_backends_agree import GSHEET, SID, google_copy

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture
def idle_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gsheets_env: SheetsEmulator,
             service_account_key: Path) -> SheetsEmulator:
    scrub(monkeypatch, tmp_path, keep=GOOGLE)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    google_copy(gsheets_env, "en_GB", service_account_key)
    return gsheets_env


def run(now: str, *extra: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, [*extra, "run", GSHEET, "--now", now, "--json"],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    project: dict[str, Any] = json.loads(out.stdout)["projects"][0]
    return project


def sheets_requests(emulator: SheetsEmulator) -> int:
    return emulator.count()


def test_an_unchanged_sheet_with_nothing_due_is_not_read(idle_env: SheetsEmulator) -> None:
    first = run("2026-11-25T07:00+00:00")  # Wednesday: the day's check is due
    assert first["read"] and "check" in [a["job"] for a in first["actions"]]
    assert first["drive_requests"] == 1  # the stamp after its own write
    before = sheets_requests(idle_env)

    idle = run("2026-11-25T07:15+00:00")
    assert idle == {**idle, "read": False, "actions": [], "api_requests": 0,
                    "drive_requests": 1, "project": first["project"]}
    assert sheets_requests(idle_env) == before  # not one Sheets request
    assert len(idle_env.drive_requests) == 2

    idle_env.set_values(SID, "Milestones", "J2", [["staff note"]])  # a staff edit
    edited = run("2026-11-25T07:30+00:00")
    assert edited["read"] and edited["actions"] == [] and edited["api_requests"] == 1

    again = run("2026-11-25T07:45+00:00")
    assert not again["read"] and again["api_requests"] == 0

    next_day = run("2026-11-26T07:00+00:00")  # the daily check reads, changed or not
    assert next_day["read"] and "check" in [a["job"] for a in next_day["actions"]]


def test_the_option_off_reads_every_time(idle_env: SheetsEmulator, tmp_path: Path) -> None:
    (tmp_path / "off.toml").write_text("skip_unchanged = false\n", encoding="utf-8")
    run("2026-11-25T07:00+00:00", "--config", "off.toml")
    again = run("2026-11-25T07:15+00:00", "--config", "off.toml")
    assert again["read"] and again["api_requests"] == 1 and again["drive_requests"] == 0
    assert idle_env.drive_requests == []


def test_without_the_drive_api_runs_read_as_before(idle_env: SheetsEmulator) -> None:
    idle_env.disable_drive()
    run("2026-11-25T07:00+00:00")
    again = run("2026-11-25T07:15+00:00")
    assert again["read"] and again["api_requests"] == 1 and not again.get("error")
    assert {r.status for r in idle_env.drive_requests} == {403}


def test_a_remembered_report_day_makes_the_report_read(idle_env: SheetsEmulator) -> None:
    run("2026-11-27T07:00+00:00")  # Friday, the example's report day: the check
    team = run("2026-11-27T09:05+00:00")  # the nudge time: read once for the team jobs
    assert team["read"] and team["actions"] == []
    mid = run("2026-11-27T15:45+00:00")
    assert not mid["read"], mid
    report = run("2026-11-27T16:05+00:00")  # its Report time: 16:00 London
    assert report["read"] and [a["job"] for a in report["actions"]] == ["report"]
    assert report["actions"][0]["result"] == "sent"
    assert not run("2026-11-27T16:20+00:00")["read"]


# --------------------------------------------------------------------------- the emulator


def drive_get(emulator: SheetsEmulator, key: Path, scopes: list[str],
              file_id: str = SID) -> requests.Response:
    creds = Credentials.from_service_account_file(str(key), scopes=scopes)
    return AuthorizedSession(creds).get(f"{emulator.url}/drive/v3/files/{file_id}",
                                        params={"fields": "modifiedTime"})


def test_files_get_answers_as_drive_documents(idle_env: SheetsEmulator,
                                              service_account_key: Path) -> None:
    drive = "https://www.googleapis.com/auth/drive.metadata.readonly"
    ok = drive_get(idle_env, service_account_key, [SPREADSHEETS_SCOPE, drive])
    assert ok.status_code == 200 and list(ok.json()) == ["modifiedTime"]
    assert STAMP.fullmatch(ok.json()["modifiedTime"])
    assert drive_get(idle_env, service_account_key, [drive]).json() == ok.json()

    no_scope = drive_get(idle_env, service_account_key, [SPREADSHEETS_SCOPE])
    error = no_scope.json()["error"]
    assert no_scope.status_code == 403 and error["code"] == 403
    assert error["errors"][0]["reason"] == "insufficientPermissions"

    missing = drive_get(idle_env, service_account_key, [drive], "nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["errors"][0] == {
        "domain": "global", "reason": "notFound", "message": "File not found: nope.",
        "locationType": "parameter", "location": "fileId"}
    idle_env.unshare(SID, "sheetsync-bot@sheetsync-test.iam.gserviceaccount.com")
    assert drive_get(idle_env, service_account_key, [drive]).status_code == 404


def test_modified_time_moves_only_when_the_sheet_changes(idle_env: SheetsEmulator,
                                                         service_account_key: Path) -> None:
    scopes = ["https://www.googleapis.com/auth/drive.metadata.readonly"]
    one = drive_get(idle_env, service_account_key, scopes).json()["modifiedTime"]
    assert drive_get(idle_env, service_account_key, scopes).json()["modifiedTime"] == one
    idle_env.set_values(SID, "Milestones", "J2", [["edited"]])
    two = drive_get(idle_env, service_account_key, scopes).json()["modifiedTime"]
    assert two > one



@pytest.mark.parametrize("by_writes", [False, True])
def test_modified_time_worked_out_after_writes_answers_the_same(
        idle_env: SheetsEmulator, service_account_key: Path, by_writes: bool) -> None:
    # the benchmarks' shortcut (the content mark worked out again only after a write or
    # set_values) moves modifiedTime exactly when the full comparison does
    idle_env.set_modified_by_writes(by_writes)
    scopes = [SPREADSHEETS_SCOPE, "https://www.googleapis.com/auth/drive.metadata.readonly"]
    session = AuthorizedSession(Credentials.from_service_account_file(
        str(service_account_key), scopes=scopes))

    def stamp() -> str:
        answer: str = drive_get(idle_env, service_account_key, scopes).json()["modifiedTime"]
        return answer

    def write(value: str) -> None:
        body = {"valueInputOption": "RAW",
                "data": [{"range": "Milestones!J3", "values": [[value]]}]}
        assert session.post(f"{idle_env.url}/v4/spreadsheets/{SID}/values:batchUpdate",
                            json=body).status_code == 200

    seen = [stamp()]
    for step in (lambda: None, lambda: write("api edit"), lambda: write("api edit"),
                 lambda: idle_env.set_values(SID, "Milestones", "J2", [["staff edit"]]),
                 lambda: None):
        step()
        seen.append(stamp())
    moved = [b > a for a, b in itertools.pairwise(seen)]
    assert moved == [False, True, False, True, False]


def test_settings_survive_the_state_file(tmp_path: Path) -> None:
    from datetime import datetime, time

    settings = Settings("Acme", client_emails=("a@x.com", "b@x.com"), time_zone="Asia/Tokyo",
                        report_day=0, report_time=time(9, 30), reports_paused=True,
                        date_order="DMY")
    assert settings_from_json(json.loads(json.dumps(settings_to_json(settings)))) == settings
    facts = Facts(tmp_path)
    facts.put("gsheet:abc", settings, "2026-11-25T07:00:00.000Z", datetime(2026, 11, 25))
    remembered = facts.get("gsheet:abc")
    assert remembered is not None and remembered.settings == settings
    facts.path("gsheet:abc").write_text("{not json", encoding="utf-8")
    assert facts.get("gsheet:abc") is None


def test_doctor_says_once_when_drive_cannot_be_used(idle_env: SheetsEmulator) -> None:
    idle_env.disable_drive()
    out = CliRunner().invoke(main, ["doctor", GSHEET, GSHEET], catch_exceptions=False)
    said = [line for line in out.output.splitlines() if "Drive API" in line]
    assert len(said) == 1 and said[0].startswith("OK"), out.output
    assert "not enabled" in said[0] and "skip_unchanged = false" in said[0]


def test_an_idle_run_counts_the_problems_its_last_read_found(idle_env: SheetsEmulator) -> None:
    def summary(now: str) -> dict[str, Any]:
        out = CliRunner().invoke(main, ["run", GSHEET, "--now", now, "--log-json"],
                                 catch_exceptions=False)
        assert out.exit_code == 0, out.output
        event: dict[str, Any] = json.loads(out.stdout)
        return event

    read = summary("2026-11-25T07:00+00:00")
    assert read["checks"] == 1 and read["problems"] > 0
    before = sheets_requests(idle_env)
    idle = summary("2026-11-25T07:15+00:00")
    assert sheets_requests(idle_env) == before  # not read: the count comes from the facts
    assert idle == {**read, "now": "2026-11-25T07:15:00+00:00", "checks": 0, "sent": 0}
