"""The same end to end on the Google Sheets backend (the loopback emulator), in English and
Chinese: report with buttons -> reply APPENDed -> inbox -> check -> next report -> one ack."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.blueprint import layout as blueprint
from sheetsync.cli.main import main
from tests.fixtures_env import GOOGLE, scrub
from tests.fixtures_imap import ImapServer, client_reply
from tests.sheets_emulator import SheetsEmulator
from tests.test_backends_agree import seed_rows
from tests.test_inbox_flow import emails, text_of

SID = "1AcmeRepliesOnGoogle_0123456789"
CLIENT = "maria.chen@acme.example"


def run(*args: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return dict(json.loads(out.output)) if "--json" in args else {}


@pytest.mark.parametrize(("language", "label"), [("en", "Confirm"), ("zh", "确认")])
def test_google_report_reply_inbox_check_report_ack(
        language: str, label: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        gsheets_env: SheetsEmulator, imap_server: ImapServer) -> None:
    scrub(monkeypatch, tmp_path, keep=GOOGLE)
    for key, value in {**imap_server.env(), "SHEETSYNC_STATE_DIR": str(tmp_path / "state"),
                       "SHEETSYNC_OUTBOX": str(tmp_path / "outbox"),
                       "SHEETSYNC_FROM": "projects@studio.example",
                       "SHEETSYNC_SECRET": "google-test-secret-0123456789"}.items():
        monkeypatch.setenv(key, value)
    example = blueprint.example_project()
    tabs = {t.title: seed_rows(t, "en_GB") for t in example.tabs}
    if language == "zh":
        project = tabs["Project"]
        for row in project:
            if row[0] == "Language":
                row[1] = "中文"
    gsheets_env.create_spreadsheet(SID, example.title, tabs, locale="en_GB",
                                   time_zone="Europe/London")
    source = f"gsheet:{SID}"
    outbox = tmp_path / "outbox"

    run("report", source, "--as-of", "2026-11-27")
    [report] = emails(outbox)
    text = text_of(report)
    [url] = [u for lab, u in re.findall(r"\[([^\]]+)\] (mailto:\S+)", text)
             if lab == label and "%20M4%20" in u]
    imap_server.append(client_reply(url, CLIENT, "OK", history=text[:800],
                                    prefix="Re: " if language == "en" else "回复："))

    out = run("inbox", source, "--now", "2026-11-28T10:00+00:00", "--json")
    [row] = out["projects"][0]["responses"]
    assert (row["item"], row["action"], row["result"]) == ("M4", "confirm", "applied")
    values = gsheets_env.values(SID, "回复" if language == "zh" else "Responses")
    assert len(values) == 2 and values[1][6] == "applied"

    (checked,) = run("check", source, "--as-of", "2026-11-28", "--json")["projects"]
    assert next(m for m in checked["milestones"] if m["id"] == "M4")["flags"] == []

    run("inbox", source, "--now", "2026-11-28T11:00+00:00", "--json")  # nothing new
    acks = [m for m in emails(outbox) if m["X-Sheetsync-Job"] == "ack"]
    assert len(acks) == 1 and acks[0]["To"] == CLIENT

    run("report", source, "--as-of", "2026-12-04")
    # the report just sent: the one that is not the first (outbox names sort by the second
    # they were written in, then by a hash, so "the last name" is not "the last sent")
    [nxt] = [m for m in emails(outbox) if m["X-Sheetsync-Job"] == "report"
             and m["Message-ID"] != report["Message-ID"]]
    assert "Ann Lee" in text_of(nxt)
