"""Issue 16, item 5: several service accounts, each sheet opened with the key it is shared with.

Real parts: unmodified gspread and google-auth against the loopback emulator with three
generated service-account keys (real RSA keys, real signed JWTs), sheets shared with only
one of them; the CLI in-process; the state dir on disk.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_http import RetryPolicy
from sheetsync.cli.main import main
from sheetsync.core import quota
from sheetsync.errors import AccessDenied, ConfigError
from sheetsync.host import config
from sheetsync.host.keychoice import KeyChoices
from sheetsync.model import Settings
from tests.fixtures_env import scrub
from tests.sheets_emulator import SheetsEmulator

EMAILS = [f"bot-{c}@agency-{c}.iam.gserviceaccount.com" for c in "abc"]


def project(title: str) -> dict[str, list[list[Any]]]:
    return {
        "Project": [["Field", "Value"], ["Project", title],
                    ["Client emails", "client@acme.example"], ["Time zone", "Europe/London"]],
        "Milestones": [["ID", "Milestone", "Owner", "Due", "Status"],
                       ["M1", "Kick-off", "Team", date(2026, 11, 2), "In progress"],
                       ["M2", "Design", "Team", date(2026, 12, 20), "Not started"]],
    }


@pytest.fixture
def keys(sheets_emulator: SheetsEmulator, tmp_path: Path) -> list[Path]:
    paths = []
    for i, email in enumerate(EMAILS):
        path = tmp_path / f"key-{'abc'[i]}.json"
        sheets_emulator.make_service_account_key(path, email)
        paths.append(path)
    return paths


@pytest.fixture
def three(sheets_emulator: SheetsEmulator, keys: list[Path], tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> SheetsEmulator:
    """Sheets s-a, s-b, s-c, each shared with one account only; SHEETSYNC_CREDENTIALS holds
    the three keys separated by os.pathsep."""
    scrub(monkeypatch, tmp_path)
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", os.pathsep.join(str(k) for k in keys))
    monkeypatch.setenv("SHEETSYNC_SHEETS_ENDPOINT", sheets_emulator.url)
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    for letter, email in zip("abc", EMAILS, strict=True):
        sheets_emulator.create_spreadsheet(f"s-{letter}", f"Project {letter}",
                                           project(f"Project {letter}"), shared_with=[email])
    return sheets_emulator


SOURCES = ["gsheet:s-a", "gsheet:s-b", "gsheet:s-c"]


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def by_account(emulator: SheetsEmulator, sheet: str) -> list[tuple[str | None, int]]:
    """(account, status) of every Sheets and Drive request about ``sheet``, in order."""
    return [(r.user, r.status) for r in [*emulator.requests, *emulator.drive_requests]
            if f"/{sheet}" in r.path]


# =========================================================================== settings


def test_credentials_may_list_several_key_files(tmp_path: Path) -> None:
    file = tmp_path / "sheetsync.toml"
    file.write_text('credentials = ["/k/a.json", "/k/b.json", "/k/a.json"]\n', encoding="utf-8")
    cfg = config.load(str(file), env={})
    assert cfg.keys == ("/k/a.json", "/k/b.json")  # in order, once each
    assert cfg.credentials == "/k/a.json"
    file.write_text('credentials = "/k/one.json"\n', encoding="utf-8")  # one, as before
    assert config.load(str(file), env={}).keys == ("/k/one.json",)
    assert config.load(str(file), env={}).redacted()["key_files"] == ["/k/one.json"]
    for bad in ("credentials = []", "credentials = [1]", "credentials = 3"):
        file.write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="credentials in .* a list of them"):
            config.load(str(file), env={})


def test_the_environment_separates_key_files_with_pathsep(tmp_path: Path) -> None:
    env = {"SHEETSYNC_CREDENTIALS": os.pathsep.join(["/k/a.json", "/k/b.json", ""])}
    cfg = config.load(None, env=env)
    assert cfg.keys == ("/k/a.json", "/k/b.json") and cfg.credentials == "/k/a.json"
    single = config.load(None, env={"SHEETSYNC_CREDENTIALS": "/k/only.json"})
    assert single.keys == ("/k/only.json",) and single.credentials == "/k/only.json"
    file = tmp_path / "sheetsync.toml"  # the environment wins over the file, as always
    file.write_text('credentials = ["/k/x.json", "/k/y.json"]\n', encoding="utf-8")
    assert config.load(str(file), env={"SHEETSYNC_CREDENTIALS": "/k/z.json"}).keys == (
        "/k/z.json",)


# =========================================================================== choosing a key


def test_each_sheet_is_opened_with_the_key_it_is_shared_with_and_remembered(
        three: SheetsEmulator, tmp_path: Path) -> None:
    out = cli("check", *SOURCES, "--as-of", "2026-11-27", "--json")
    assert out.exit_code == 0, out.output
    assert [p["project"] for p in json.loads(out.stdout)["projects"]] == [
        "Project a", "Project b", "Project c"]
    # first use: the keys in order, once, until one is let in
    assert by_account(three, "s-c")[:3] == [(EMAILS[0], 403), (EMAILS[1], 403),
                                            (EMAILS[2], 200)]
    assert {user for user, status in by_account(three, "s-c")[2:]} == {EMAILS[2]}
    assert three.spreadsheets["s-c"].sheets  # written back: flags and Problems
    assert three.cell("s-c", "Milestones", "F2") is not None

    memory = KeyChoices(tmp_path / "state")
    assert memory.chosen() == {"s-a": EMAILS[0], "s-b": EMAILS[1], "s-c": EMAILS[2]}
    kept = memory.path("s-c")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert json.loads(kept.read_text())["key_file"] == str(tmp_path / "key-c.json")

    three.reset_log()
    again = cli("check", *SOURCES, "--as-of", "2026-11-28")
    assert again.exit_code == 0, again.output
    for letter, email in zip("abc", EMAILS, strict=True):  # straight to the right key
        seen = by_account(three, f"s-{letter}")
        assert seen and all(user == email and status == 200 for user, status in seen), seen


def test_a_remembered_key_that_is_refused_later_tries_the_others_once(
        three: SheetsEmulator, tmp_path: Path) -> None:
    assert cli("check", "gsheet:s-c", "--as-of", "2026-11-27").exit_code == 0
    three.unshare("s-c", EMAILS[2])  # staff moved the sheet to account a
    three.share("s-c", EMAILS[0])
    three.reset_log()
    out = cli("check", "gsheet:s-c", "--as-of", "2026-11-28")
    assert out.exit_code == 0, out.output
    seen = by_account(three, "s-c")
    assert seen[:2] == [(EMAILS[2], 403), (EMAILS[0], 200)]  # remembered, then a (b untried)
    assert KeyChoices(tmp_path / "state").recall("s-c") == EMAILS[0]


def test_a_sheet_no_key_may_open_names_every_account(three: SheetsEmulator) -> None:
    three.create_spreadsheet("s-none", "Nobody's", project("Nobody's"), shared_with=[])
    out = cli("check", "gsheet:s-none", "--as-of", "2026-11-27")
    assert out.exit_code == 1
    said = " ".join(out.stderr.split())
    assert all(email in said for email in EMAILS), said
    assert "None of the 3 service accounts may open or edit gsheet:s-none" in said
    assert "share the sheet with one of them as an Editor" in said
    assert [status for _, status in by_account(three, "s-none")] == [403, 403, 403]


def test_a_viewer_key_hands_the_write_to_an_editor_key(three: SheetsEmulator,
                                                       tmp_path: Path) -> None:
    three.share("s-b", EMAILS[0], role="reader")  # a may read s-b; b may edit it
    out = cli("check", "gsheet:s-b", "--as-of", "2026-11-27")
    assert out.exit_code == 0, out.output
    writes = [(r.user, r.status) for r in three.requests if r.method != "GET"]
    assert writes[0] == (EMAILS[0], 403) and writes[-1] == (EMAILS[1], 200)
    assert KeyChoices(tmp_path / "state").recall("s-b") == EMAILS[1]


def test_another_refusal_is_that_error_and_tries_no_other_key(
        three: SheetsEmulator, keys: list[Path]) -> None:
    three.share("s-a", EMAILS[1])
    three.fail_next(1, 403, message="You are trying to edit a protected cell or object.")
    sheet = GoogleSheet.open("gsheet:s-a", keys=keys, endpoint=three.url,
                             retry=RetryPolicy(max_tries=2), sleep=lambda s: None)
    with pytest.raises(AccessDenied, match="protected"):
        sheet.read()
    assert [user for user, _ in by_account(three, "s-a")] == [EMAILS[0]]


def test_each_key_has_its_own_quota_bucket(three: SheetsEmulator, tmp_path: Path) -> None:
    assert cli("check", *SOURCES, "--as-of", "2026-11-27").exit_code == 0
    buckets = json.loads((tmp_path / "state" / "pacing.json").read_text())
    assert {name.split()[0] for name in buckets} == set(EMAILS)
    assert {name.split()[1] for name in buckets} == {"read", "write"}


def test_an_idle_run_asks_drive_with_the_remembered_key(three: SheetsEmulator) -> None:
    first = cli("run", "gsheet:s-b", "--now", "2026-11-25T07:00+00:00", "--json")
    assert first.exit_code == 0, first.output
    three.reset_log()
    idle = cli("run", "gsheet:s-b", "--now", "2026-11-25T07:15+00:00", "--json")
    assert json.loads(idle.stdout)["projects"][0]["read"] is False
    assert [(r.user, r.status) for r in three.drive_requests] == [(EMAILS[1], 200)]
    assert three.count() == 0


def test_one_key_remembers_nothing(three: SheetsEmulator, keys: list[Path], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(keys[0]))
    assert cli("check", "gsheet:s-a", "--as-of", "2026-11-27").exit_code == 0
    assert not (tmp_path / "state" / "keys").exists()
    out = cli("check", "gsheet:s-b", "--as-of", "2026-11-27")  # not shared with a
    assert out.exit_code == 1
    assert f"share the sheet with {EMAILS[0]} as an Editor" in " ".join(out.stderr.split())


# =========================================================================== doctor


def test_doctor_lists_each_key_with_its_projects_and_headroom(
        three: SheetsEmulator, keys: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    spare = tmp_path / "key-d.json"
    three.make_service_account_key(spare, "bot-d@agency-d.iam.gserviceaccount.com")
    broken = tmp_path / "key-e.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS",
                       os.pathsep.join(str(k) for k in [*keys, spare, broken]))
    monkeypatch.setenv("SHEETSYNC_FROM", "pm@agency.example")
    three.create_spreadsheet("s-a2", "Project a2", project("Project a2"),
                             shared_with=[EMAILS[0]])
    # a's two sheets were read by run on Tuesday: their settings (London) are remembered
    assert cli("run", "gsheet:s-a", "gsheet:s-a2", "--now",
               "2026-11-24T07:00+00:00").exit_code == 0
    from sheetsync.shell import doctor

    found = doctor.diagnose(None, [*SOURCES, "gsheet:s-a2"],
                            now=datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    lines = {f.text.split(" (")[0]: f for f in found.findings if f.text.startswith("Key ")}
    a = lines[f"Key {keys[0]}"]
    assert a.ok and a.text == (
        f"Key {keys[0]} ({EMAILS[0]}): 2 projects; about 6 Sheets requests a day (4 reads, "
        "3 writes); busiest run Fri 16:00 UTC with 2 reads and 4 writes, 0.1 min at 60 a "
        "minute (runs every 15 min); room for about 448 more projects.")
    c = lines[f"Key {keys[2]}"]  # found by doctor's own opening; settings not read by run yet
    assert c.ok and c.text.startswith(f"Key {keys[2]} ({EMAILS[2]}): 1 project; ")
    assert "(1 not read by run yet, counted with the default settings)" in c.text
    d = lines[f"Key {spare}"]
    assert d.ok and d.text == (f"Key {spare} (bot-d@agency-d.iam.gserviceaccount.com): no "
                               "project uses it yet; room for about 450 projects at the "
                               "current schedule.")
    e = next(f for f in found.findings if f.text.startswith(f"Key {broken}:"))
    assert not e.ok and "is not a readable JSON key file" in e.text
    assert found.exit_code == 1
    summary = next(f for f in found.findings if f.text.startswith("Key files:"))
    assert summary.ok and summary.text.startswith("Key files: 4 of 5 load")


def test_doctor_with_one_key_counts_every_google_sheet(
        three: SheetsEmulator, keys: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(keys[1]))
    from sheetsync.shell import doctor

    found = doctor.diagnose(None, ["gsheet:s-b"], now=datetime(2026, 11, 25, tzinfo=UTC))
    (line,) = [f for f in found.findings if f.text.startswith(f"Key {keys[1]} ")]
    assert line.ok and line.text.startswith(f"Key {keys[1]} ({EMAILS[1]}): 1 project; about ")


def test_the_estimate_at_the_current_schedule() -> None:
    start = date(2026, 11, 25)  # a Wednesday
    one = quota.estimate([Settings("p")], start=start)  # UTC, Friday 16:00
    # a week: 7 checks (1 read + 1 write), 5 team reads (1), 1 report (1 read + 2 writes:
    # its sending row and its outcome row)
    assert (one.reads_a_day * 7, one.writes_a_day * 7) == (13, 9)
    assert (one.busiest_reads, one.busiest_writes) == (1, 2)
    assert one.busiest_at == datetime(2026, 11, 27, 16, tzinfo=UTC)  # the report run
    assert one.room == 900 // 2 - 1  # 450 reports' writes fit in one 15-minute run
    assert quota.estimate([], start=start).room == 450
    mixed = quota.estimate([Settings("a", time_zone="Asia/Shanghai")] * 500
                           + [Settings("b")] * 500, start=start)
    # Saturday 00:00 in Shanghai is Friday 16:00 UTC, the UTC projects' report time
    assert mixed.busiest_at == datetime(2026, 11, 27, 16, tzinfo=UTC)
    assert (mixed.busiest_reads, mixed.busiest_writes) == (500 + 500, 500 + 500 * 2)
    assert mixed.room == 0 and mixed.busiest_minutes == 25  # more than the 15-minute run
    every = quota.estimate([Settings("p")], start=start, skip_unchanged=False)
    assert every.reads_a_day == one.reads_a_day + 95  # every other run reads
    hourly = quota.estimate([Settings("p")], start=start, every_minutes=60)
    assert hourly.room == 3600 // 2 - 1


def test_the_emulator_counts_reads_and_writes_apart_when_asked(
        three: SheetsEmulator, keys: list[Path]) -> None:
    from google.auth.transport.requests import AuthorizedSession

    from sheetsync.backends.gsheets_http import load_credentials

    session = AuthorizedSession(load_credentials(keys[0]))  # type: ignore[no-untyped-call]
    three.set_quota(2, per_kind=True)
    url = f"{three.url}/v4/spreadsheets/s-a"
    assert [session.get(url).status_code for _ in range(3)] == [200, 200, 429]
    write = session.post(f"{url}/values:batchUpdate",
                         json={"valueInputOption": "RAW", "data": [
                             {"range": "Milestones!H1", "values": [["x"]]}]})
    assert write.status_code == 200  # the writes' own 2 a minute
    three.set_quota(2)  # one quota for both, as before
    assert [session.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert session.post(f"{url}/values:batchUpdate", json={"valueInputOption": "RAW", "data": [
        {"range": "Milestones!H1", "values": [["y"]]}]}).status_code == 429


def test_doctor_json_holds_each_keys_figures(three: SheetsEmulator,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_FROM", "pm@agency.example")
    out = cli("doctor", "gsheet:s-a", "gsheet:s-c", "--json")
    printed = json.loads(out.stdout)
    assert out.exit_code == 0 and printed["ok"] is True, out.output
    assert [k["email"] for k in printed["keys"]] == EMAILS
    assert [k["projects"] for k in printed["keys"]] == [1, 0, 1]
    assert [k["sources"] for k in printed["keys"]] == [["gsheet:s-a"], [], ["gsheet:s-c"]]
    a, b = printed["keys"][0], printed["keys"][1]
    assert a["busiest_run"]["writes"] == 2 and a["room"] == 449 and a["default_settings"] == 1
    assert b["busiest_run"] is None and b["room"] == 450
    assert any(f["text"].startswith(f"Key {a['key_file']} ") for f in printed["findings"])


def test_doctor_says_a_single_missing_key_once(three: SheetsEmulator, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(tmp_path / "nowhere.json"))
    from sheetsync.shell import doctor

    found = doctor.diagnose(None, ["gsheet:s-a"])
    about_keys = [f.text for f in found.findings if f.text.startswith("Key")]
    assert len(about_keys) == 1 and about_keys[0].startswith("Key file: There is no"), about_keys
