"""`sheetsync init` and `sheetsync doctor` against real parts: the loopback Sheets API, real
.xlsx files and a loopback SMTP server (CONTRACT sections 4 and 5, issue 4 section 5)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl.chart import BarChart, Reference

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_http import RetryPolicy
from sheetsync.backends.gsheets_template import GRID_FIELDS, count_dropdowns, init_sheet
from sheetsync.backends.xlsx import XlsxFile
from sheetsync.blueprint import layout as blueprint
from sheetsync.cli.main import main
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import BackendError
from sheetsync.host import config
from sheetsync.model import column_letter
from sheetsync.shell import doctor
from tests.fixtures_sheets import SERVICE_ACCOUNT
from tests.fixtures_smtp import LoopbackSmtpServer, start_smtp_server
from tests.sheets_emulator import SheetsEmulator
from tests.xlsx_factory import build, make_workbook, project_tabs

SID = "1NewProjectSheet_abcdefghij"
SOURCE = f"gsheet:{SID}"
Opener = Callable[..., GoogleSheet]


@pytest.fixture
def env(clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean working folder: no config file, no SMTP, outbox and state under tmp_path."""
    monkeypatch.setenv("SHEETSYNC_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("SHEETSYNC_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture
def google(env: Path, gsheets_env: SheetsEmulator) -> SheetsEmulator:
    """The emulator, with SHEETSYNC_CREDENTIALS and SHEETSYNC_SHEETS_ENDPOINT pointing at it."""
    return gsheets_env


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# =========================================================================== init on Google


def test_init_lays_the_template_in_three_requests(google: SheetsEmulator,
                                                  open_sheet: Opener) -> None:
    google.create_spreadsheet(SID, "Acme website")  # as staff create it: one empty Sheet1

    out = cli("init", SOURCE)

    assert out.exit_code == 0, out.output
    assert "renamed the empty tab 'Sheet1' to 'Project'" in out.output
    width = len(blueprint.template().tab("Milestones").columns)
    assert f"created tab 'Milestones': {width} columns, 4 example rows" in out.output
    assert "3 requests to Google" in out.output
    get, structure, values = google.requests
    assert (get.method, get.path) == ("GET", f"/v4/spreadsheets/{SID}")
    assert get.query["fields"] == [GRID_FIELDS]
    assert (structure.method, structure.path) == ("POST", f"/v4/spreadsheets/{SID}:batchUpdate")
    assert values.path == f"/v4/spreadsheets/{SID}/values:batchUpdate"
    assert values.json["valueInputOption"] == "RAW"
    assert google.tab_titles(SID) == ["Project", "Milestones", "Updates", "Changes",
                                      "Problems", "Log", "History"]

    sheet = open_sheet(SOURCE)
    project = parse_workbook(sheet.read(), SOURCE)
    assert project.problems == ()
    assert [m.id for m in project.milestones] == ["M1", "M2", "M3", "M4"]
    assert project.settings.name == "Example project"
    assert project.settings.client_emails == ("client@example.com",)
    assert len(project.updates) == 4 and len(project.changes) == 1


def test_init_formats_validations_and_notes(google: SheetsEmulator) -> None:
    google.create_spreadsheet(SID, "Acme website")
    assert cli("init", SOURCE).exit_code == 0
    book = google.spreadsheets[SID]
    template = blueprint.template("en")
    milestones = book.by_title("Milestones")
    assert milestones is not None

    # dropdowns: ONE_OF_LIST, not strict, on rows 2..1000 of each list column
    rules = [v for s in book.sheets for v in s.validations]
    assert len(rules) == count_dropdowns(template.tabs) == 12
    owner = next(v for v in milestones.validations if v["range"]["startColumnIndex"] == 2)
    assert owner["range"]["startRowIndex"] == 1 and owner["range"]["endRowIndex"] == 1000
    assert owner["rule"]["condition"]["type"] == "ONE_OF_LIST"
    assert [w["userEnteredValue"] for w in owner["rule"]["condition"]["values"]] == [
        "Team", "Client"]
    assert owner["rule"]["strict"] is False
    project = book.by_title("Project")
    assert project is not None
    language = next(v for v in project.validations
                    if v["range"]["startRowIndex"] == 9)  # row 10: Language
    assert [w["userEnteredValue"] for w in language["rule"]["condition"]["values"]] == [
        "English", "中文"]

    # date columns: a real date under a yyyy-mm-dd format, down to row 1000
    start = google.cell(SID, "Milestones", "D2")
    assert start is not None and start.value == 46083  # 2026-03-02 as a serial number
    assert start.number_format == ("DATE", "yyyy-mm-dd")
    last = google.cell(SID, "Milestones", "E1000")
    assert last is not None and last.number_format == ("DATE", "yyyy-mm-dd")

    # frozen header rows (and the ID and Milestone columns), highlights by Flag
    assert [(s.title, s.frozen_rows) for s in book.sheets] == [
        (t.title, 1) for t in template.tabs]
    assert milestones.frozen_cols == 2
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"]
                for r in milestones.conditional_formats]
    tab = template.tab("Milestones")
    assert formulas == ["=" + h.formula(tab.highlight_column) for h in tab.highlights]
    letter = column_letter(tab.col("flag"))
    assert formulas[0] == (f'=OR(ISNUMBER(SEARCH("OVERDUE",${letter}2)),'
                           f'ISNUMBER(SEARCH("CLIENT_OVERDUE",${letter}2)))')
    assert milestones.conditional_formats[0]["ranges"][0]["endColumnIndex"] == len(tab.columns)

    # notes on every header; job-owned places grey and "Written by sheetsync"
    due = google.cell(SID, "Milestones", "E1")
    assert due is not None and due.value == "Due" and due.note.startswith("The day it is due")
    assert due.fmt["textFormat"]["bold"] is True and "backgroundColor" not in due.fmt
    flag = google.cell(SID, "Milestones", f"{letter}1")
    assert flag is not None and flag.value == "Flag"
    assert flag.note.startswith("Written by sheetsync")
    assert flag.fmt["backgroundColor"] == {"red": 0.9098, "green": 0.9176, "blue": 0.9294}
    assert flag.fmt["textFormat"]["italic"] is True
    log = book.by_title("Log")
    assert log is not None and log.tab_color is not None
    assert milestones.tab_color is None
    log_header = google.cell(SID, "Log", "A1")
    assert log_header is not None and log_header.note.startswith("Written by sheetsync")
    assert google.values(SID, "Log") == [list(template.tab("Log").headers)]


def test_init_in_chinese(google: SheetsEmulator, open_sheet: Opener) -> None:
    google.create_spreadsheet(SID, "新项目", locale="zh_CN")
    out = cli("init", SOURCE, "--language", "zh")
    assert out.exit_code == 0, out.output
    assert google.tab_titles(SID) == ["项目", "里程碑", "进展", "变更", "问题", "日志", "历史"]
    project = parse_workbook(open_sheet(SOURCE).read(), SOURCE)
    assert project.problems == ()
    assert project.settings.language == "zh"
    assert project.milestones[0].title == "项目启动会"


def test_init_refuses_a_sheet_whose_sheetsync_tabs_hold_data(google: SheetsEmulator) -> None:
    google.create_spreadsheet(SID, "Acme", {"Milestones": [["ID", "Milestone"], ["M1", "Go"]],
                                            "Log": []})
    out = CliRunner().invoke(main, ["init", SOURCE])
    assert out.exit_code == 1
    assert "Milestones" in out.stderr and "would overwrite staff data" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert [r.method for r in google.requests] == ["GET"]  # nothing was written
    assert google.values(SID, "Milestones") == [["ID", "Milestone"], ["M1", "Go"]]


def test_init_fills_empty_sheetsync_tabs_and_leaves_staff_tabs_alone(
        google: SheetsEmulator, open_sheet: Opener) -> None:
    google.create_spreadsheet(SID, "Acme", {"Sheet1": [["staff notes"]], "milestones": []},
                              grid={"milestones": (50, 5)})
    out = cli("init", SOURCE)
    assert out.exit_code == 0, out.output
    assert "filled the empty tab 'milestones'" in out.output
    assert google.tab_titles(SID) == ["Sheet1", "milestones", "Project", "Updates", "Changes",
                                      "Problems", "Log", "History"]
    assert google.values(SID, "Sheet1") == [["staff notes"]]
    assert google.grid_size(SID, "milestones") == (1000, 26)
    assert len(google.requests) == 3
    assert parse_workbook(open_sheet(SOURCE).read(), SOURCE).problems == ()


def test_init_again_after_a_failed_values_write(google: SheetsEmulator,
                                                open_sheet: Opener) -> None:
    google.create_spreadsheet(SID, "Acme")
    google.fail_always(500, path_contains="values:batchUpdate")
    with pytest.raises(BackendError, match="kept failing"):
        init_sheet(open_sheet(SOURCE, retry=RetryPolicy(max_tries=2)), blueprint.template())
    assert google.values(SID, "Milestones") == []  # the tabs are laid out, but empty
    google.clear_faults()

    result = init_sheet(open_sheet(SOURCE), blueprint.template())

    assert [p.how for p in result.placements] == ["reused"] * 7
    milestones = google.spreadsheets[SID].by_title("Milestones")
    assert milestones is not None and len(milestones.conditional_formats) == 5  # not 10
    assert parse_workbook(open_sheet(SOURCE).read(), SOURCE).problems == ()


def test_init_of_a_sheet_not_shared_names_the_account(google: SheetsEmulator) -> None:
    google.create_spreadsheet(SID, "Private", shared_with=["someone@example.com"])
    out = CliRunner().invoke(main, ["init", SOURCE])
    assert out.exit_code == 1
    assert f"share the sheet with {SERVICE_ACCOUNT}" in out.stderr


# =========================================================================== init of an .xlsx


def test_init_creates_a_new_xlsx_and_refuses_an_existing_path(env: Path) -> None:
    out = cli("init", "acme.xlsx", "--language", "zh")
    assert out.exit_code == 0, out.output
    assert "Created acme.xlsx" in out.output
    project = parse_workbook(XlsxFile(env / "acme.xlsx").read(), "acme.xlsx")
    assert project.problems == () and project.settings.language == "zh"

    before = (env / "acme.xlsx").read_bytes()
    again = CliRunner().invoke(main, ["init", "acme.xlsx"])
    assert again.exit_code == 2  # a usage error, like a wrong option
    assert again.stderr.strip() == ("sheetsync: acme.xlsx already exists and init never "
                                    "overwrites a workbook; give the path of a new .xlsx "
                                    "file.")
    assert (env / "acme.xlsx").read_bytes() == before


# =========================================================================== doctor


def lines(out: Result) -> list[str]:
    return out.output.splitlines()


def line_with(out: Result, text: str) -> str:
    return next(line for line in lines(out) if text in line)


def test_doctor_all_good_with_a_shared_sheet_and_the_outbox(
        google: SheetsEmulator, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_FROM", "pm@studio.example")  # without it: FIX Sender
    google.create_spreadsheet(SID, "Acme")
    assert cli("init", SOURCE).exit_code == 0
    google.reset_log()

    out = cli("doctor", SOURCE)

    assert out.exit_code == 0, out.output
    assert all(line.startswith("OK ") for line in lines(out)), out.output
    assert SERVICE_ACCOUNT in line_with(out, "Key file")
    assert line_with(out, "opens as").endswith(f'opens as "Acme" for {SERVICE_ACCOUNT}.')
    assert "tabs found: Project, Milestones, Updates, Changes, Problems, Log" in out.output
    assert line_with(out, "outbox").startswith(
        f"OK   The outbox folder {env / 'outbox'} is used, no SMTP")
    assert "state folder" in out.output
    assert [r.method for r in google.requests] == ["GET"]  # one metadata request, no write


def test_doctor_missing_key_file(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(env / "nowhere.json"))
    out = cli("doctor", SOURCE)
    assert out.exit_code == 1
    key = line_with(out, "Key file")
    assert key.startswith("FIX  Key file: There is no Google service-account key at ")
    assert "SHEETSYNC_CREDENTIALS" in key
    assert line_with(out, SOURCE) == f"FIX  {SOURCE}: not checked; fix the key file first."


def test_doctor_a_key_file_that_is_not_a_service_account(env: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (env / "key.json").write_text('{"type": "authorized_user"}', encoding="utf-8")
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(env / "key.json"))
    out = cli("doctor", SOURCE)
    assert out.exit_code == 1
    assert "is not a service-account key" in line_with(out, "Key file")


def test_doctor_a_sheet_not_shared_names_the_email(google: SheetsEmulator) -> None:
    google.create_spreadsheet(SID, "Private", shared_with=["someone@example.com"])
    out = cli("doctor", SOURCE)
    assert out.exit_code == 1
    line = line_with(out, f"{SOURCE}:")
    assert line.startswith("FIX ")
    assert f"share the sheet with {SERVICE_ACCOUNT} as an Editor" in line


def test_doctor_a_sheet_without_its_tabs(google: SheetsEmulator) -> None:
    google.create_spreadsheet(SID, "Fresh")
    out = cli("doctor", SOURCE)
    assert out.exit_code == 1
    assert f"FIX  {SOURCE}: there is no Project tab; add one" in out.output
    assert f"FIX  {SOURCE}: there is no Milestones tab" in out.output
    assert ("Problems, Log and History missing; sheetsync creates them on its first "
            "write") in out.output


def test_doctor_xlsx_sources(env: Path) -> None:
    make_workbook(env / "good.xlsx", project_tabs([["M1", "One", None, "2026-11-20"]]))
    book = build(project_tabs([["M1", "One", None, "2026-11-20"]], Chart=[["a", 1], ["b", 2]]))
    chart = BarChart()
    chart.add_data(Reference(book["Chart"], min_col=2, min_row=1, max_row=2))
    book["Chart"].add_chart(chart, "D2")
    book.save(env / "chart.xlsx")
    make_workbook(env / "open.xlsx", project_tabs([["M1", "One", None, "2026-11-20"]]))
    (env / ".~lock.open.xlsx#").write_text("pat,host,2026-11-27T09:00;", encoding="utf-8")
    make_workbook(env / "locked.xlsx", project_tabs([["M1", "One", None, "2026-11-20"]]))
    (env / "locked.xlsx").chmod(stat.S_IRUSR)

    out = cli("doctor", "good.xlsx", "chart.xlsx", "open.xlsx", "locked.xlsx", "missing.xlsx")

    assert out.exit_code == 1
    assert "OK   good.xlsx: readable" in out.output
    assert "OK   good.xlsx: writable." in out.output
    assert "OK   good.xlsx: tabs found: Project, Milestones." in out.output
    assert "OK   chart.xlsx: writable." in out.output  # charts and images are kept on writing
    assert "FIX  chart.xlsx" not in out.output
    assert "FIX  open.xlsx: sheetsync will not write to it now: it is open in LibreOffice" \
        in out.output
    if os.geteuid() != 0:  # root may write anything
        assert "FIX  locked.xlsx is read-only for this user" in out.output
    assert ("FIX  missing.xlsx does not exist; check the path, or create it with "
            "'sheetsync init missing.xlsx'.") in out.output
    assert "Key file: none at credentials.json; it is only needed" in out.output


def test_doctor_config_error_exits_2(env: Path) -> None:
    (env / "sheetsync.toml").write_text("projects = [\n", encoding="utf-8")
    out = cli("doctor")
    assert out.exit_code == 2
    assert lines(out)[0].startswith("FIX  Config: ")
    assert "not valid TOML" in out.output


# --------------------------------------------------------------------------- doctor: SMTP


@pytest.fixture
def smtp_env(env: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., config.Config]:
    """The config a run would load for an SMTP server on loopback."""
    monkeypatch.delenv("SHEETSYNC_OUTBOX")

    def load(server: LoopbackSmtpServer, **extra: str) -> config.Config:
        monkeypatch.setenv("SHEETSYNC_SMTP_HOST", server.host)
        monkeypatch.setenv("SHEETSYNC_SMTP_PORT", str(server.port))
        monkeypatch.setenv("SHEETSYNC_SMTP_SECURITY", "none")
        monkeypatch.setenv("SHEETSYNC_FROM", "pm@studio.example")
        for name, value in extra.items():
            monkeypatch.setenv(f"SHEETSYNC_{name.upper()}", value)
        return config.load()
    return load


@pytest.fixture
def auth_server() -> Iterator[LoopbackSmtpServer]:
    with start_smtp_server(users={"pm@studio.example": "s3cret"}) as server:
        yield server


def test_doctor_smtp_without_login(smtp_server: LoopbackSmtpServer,
                                   smtp_env: Callable[..., config.Config]) -> None:
    smtp_env(smtp_server)
    out = cli("doctor")
    assert out.exit_code == 1, out.output  # no project is listed: the one thing to fix
    assert [line for line in lines(out) if not line.startswith("OK ")] == [
        line_with(out, "FIX  Projects: none listed")]
    assert "OK   Sender: client emails come from pm@studio.example." in out.output
    smtp = line_with(out, "SMTP ")
    assert smtp == (f"OK   SMTP {smtp_server.host}:{smtp_server.port} (none): connected, no "
                    "login configured, QUIT; no email sent.")
    assert smtp_server.connections == 1 and smtp_server.messages == []


def test_doctor_smtp_login(auth_server: LoopbackSmtpServer,
                           smtp_env: Callable[..., config.Config]) -> None:
    cfg = smtp_env(auth_server, smtp_user="pm@studio.example", smtp_password="s3cret")
    (sender, smtp) = doctor.check_mail(cfg)
    assert sender.ok and smtp.ok, smtp.text
    assert "logged in as pm@studio.example" in smtp.text
    assert auth_server.logins == ["pm@studio.example"] and auth_server.messages == []


def test_doctor_smtp_wrong_password(auth_server: LoopbackSmtpServer,
                                    smtp_env: Callable[..., config.Config]) -> None:
    smtp_env(auth_server, smtp_user="pm@studio.example", smtp_password="wrong")
    out = cli("doctor")
    assert out.exit_code == 1
    line = line_with(out, "SMTP ")
    assert line.startswith(f"FIX  SMTP (none): The mail server at {auth_server.host}:"
                           f"{auth_server.port} refused the login of 'pm@studio.example' (535")
    assert line.endswith("check SHEETSYNC_SMTP_USER and SHEETSYNC_SMTP_PASSWORD (for Gmail, an "
                         "app password).")
    assert auth_server.logins == [] and auth_server.messages == []


def test_doctor_smtp_user_without_password_does_not_try(
        auth_server: LoopbackSmtpServer, smtp_env: Callable[..., config.Config]) -> None:
    cfg = smtp_env(auth_server, smtp_user="pm@studio.example")
    (_, smtp) = doctor.check_mail(cfg)
    assert not smtp.ok and "no password is set; set SHEETSYNC_SMTP_PASSWORD" in smtp.text
    assert auth_server.connections == 0


def test_doctor_smtp_unreachable(smtp_env: Callable[..., config.Config]) -> None:
    with start_smtp_server() as server:
        cfg = smtp_env(server)
    (_, smtp) = doctor.check_mail(cfg)  # the server is gone: nothing listens on that port
    assert not smtp.ok
    assert "could not be reached" in smtp.text
    assert smtp.text.endswith("check SHEETSYNC_SMTP_HOST and SHEETSYNC_SMTP_PORT, and that the "
                              "server is up.")


def test_doctor_smtp_without_a_sender(smtp_server: LoopbackSmtpServer,
                                      smtp_env: Callable[..., config.Config],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    smtp_env(smtp_server)
    monkeypatch.delenv("SHEETSYNC_FROM")
    (sender,) = doctor.check_mail(config.load())
    assert not sender.ok and "set SHEETSYNC_FROM" in sender.text


# --------------------------------------------------------------------------- doctor: folders


def test_doctor_no_smtp_host_uses_the_outbox(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_OUTBOX")
    monkeypatch.setenv("SHEETSYNC_FROM", "pm@studio.example")
    (finding,) = doctor.check_mail(config.load())
    assert finding.ok
    assert finding.text.startswith("The outbox folder outbox is used, no SMTP")


def test_doctor_state_folder(env: Path) -> None:
    (env / "state").mkdir()
    assert doctor.check_state_dir(env / "state").text.endswith("is writable.")
    assert "does not exist yet" in doctor.check_state_dir(env / "new" / "state").text
    (env / "file").write_text("x", encoding="utf-8")
    blocked = doctor.check_state_dir(env / "file")
    assert not blocked.ok and "it is a file, not a folder" in blocked.text
    assert blocked.text.endswith("to a folder this user may write.")


def test_diagnosis_exit_codes() -> None:
    ok, wrong = doctor.good("fine"), doctor.bad("broken; fix it.")
    assert doctor.Diagnosis([ok]).exit_code == 0
    assert doctor.Diagnosis([ok, wrong]).exit_code == 1
    assert doctor.Diagnosis([wrong], config_error=True).exit_code == 2
    assert wrong.line() == "FIX  broken; fix it."


# --------------------------------------------------------------------------- first-hour findings


def test_init_on_an_existing_file_is_a_usage_error_exit_2(env: Path) -> None:
    (env / "there.xlsx").write_bytes(b"staff's own file")
    out = CliRunner().invoke(main, ["init", "there.xlsx"])
    assert out.exit_code == 2
    assert "already exists" in out.stderr
    assert (env / "there.xlsx").read_bytes() == b"staff's own file"
    assert CliRunner().invoke(main, ["init", "notes.txt"]).exit_code == 2


def test_doctor_with_no_projects_and_no_sender_is_not_all_ok(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_FROM", raising=False)
    out = cli("doctor")
    assert out.exit_code == 1, out.output
    assert line_with(out, "Projects:").startswith("FIX  Projects: none listed and no SOURCE")
    assert line_with(out, "Sender:").startswith("FIX  Sender: no From address is set")


def test_doctor_says_the_example_key_file_is_the_example(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parents[1] / "credentials.example.json"
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(example))
    out = cli("doctor", SOURCE)
    key = line_with(out, "Key file")
    assert key.startswith(f"FIX  Key file: {example} is still the example key file; put your "
                          "service account's key here")
    assert "PEM" not in out.output and "damaged" not in out.output


def test_doctor_names_the_config_file_where_a_user_without_password_was_set(
        auth_server: LoopbackSmtpServer, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_OUTBOX")
    (env / "sheetsync.toml").write_text(
        f'from = "pm@studio.example"\n[smtp]\nhost = "{auth_server.host}"\n'
        f'port = {auth_server.port}\nsecurity = "none"\nuser = "pm@studio.example"\n',
        encoding="utf-8")
    (_, smtp) = doctor.check_mail(config.load())
    assert not smtp.ok
    assert smtp.text.startswith("SMTP: user in [smtp] of sheetsync.toml is 'pm@studio.example' "
                                "but no password is set")
    assert auth_server.connections == 0


def test_doctor_says_a_network_failure_in_one_sentence_details_under_debug(
        google: SheetsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_SHEETS_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    out = cli("doctor", SOURCE)
    line = line_with(out, SOURCE)
    assert line.startswith(f"FIX  {SOURCE}: Could not reach http://127.0.0.1:9 after ")
    assert line.endswith("try again.") and len(line) < 250
    assert "HTTPConnectionPool" not in out.output and "details:" not in out.output

    debug = CliRunner().invoke(main, ["--debug", "doctor", SOURCE])
    details = debug.output.splitlines()[debug.output.splitlines().index(
        line_with(debug, f"FIX  {SOURCE}")) + 1]
    assert details.startswith("     details: ") and "127.0.0.1" in details


def test_doctor_says_an_unreachable_sign_in_in_one_sentence(
        google: SheetsEmulator, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = json.loads(Path(os.environ["SHEETSYNC_CREDENTIALS"]).read_text(encoding="utf-8"))
    key["token_uri"] = "http://127.0.0.1:9/token"  # Google's sign-in, unreachable
    (env / "offline.json").write_text(json.dumps(key), encoding="utf-8")
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(env / "offline.json"))
    out = cli("doctor", SOURCE)
    line = line_with(out, SOURCE)
    assert "Could not reach Google's sign-in service" in line and len(line) < 250
    assert "urllib3" not in out.output and "Max retries" not in out.output
    debug = CliRunner().invoke(main, ["--debug", "doctor", SOURCE])
    assert "details: " in debug.output
