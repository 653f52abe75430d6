"""The template workbooks and the Acme example project.

Each template reads back with no problem and carries its dropdowns, notes, formats and
highlights; the committed files are what the generator writes from today's schema; the
example raises every flag with exactly one deliberate problem; and a check writing to any
of them keeps the formatting.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.backends.xlsx_template import write_template
from sheetsync.blueprint import layout as blueprint
from sheetsync.core import rules, schema, writeplan
from sheetsync.core.cells import parse_word
from sheetsync.core.parse import parse_workbook
from sheetsync.errors import ConfigError, SourceError
from sheetsync.lang import catalog
from sheetsync.model import ChangeStatus, Flag, Project, UpdateType
from sheetsync.shell import workbooks

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "zh")
AS_OF = blueprint.EXAMPLE_AS_OF
COMMITTED = {
    "en": ROOT / "sheet_templates" / workbooks.template_name("en"),
    "zh": ROOT / "sheet_templates" / workbooks.template_name("zh"),
    "example": ROOT / "examples" / workbooks.EXAMPLE_NAME,
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Freshly generated files, keyed like COMMITTED."""
    out = tmp_path_factory.mktemp("generated")
    en, zh, example = workbooks.generate(out / "sheet_templates", out / "examples")
    return {"en": en, "zh": zh, "example": example}


def _project(path: Path) -> Project:
    return parse_workbook(XlsxFile(path).read(), str(path))


def _words(ws: Any) -> dict[str, tuple[str, ...]]:
    """Each data validation's range -> its list words."""
    return {str(dv.sqref): tuple(dv.formula1.strip('"').split(","))
            for dv in ws.data_validations.dataValidation}


def _formatting(path: Path) -> dict[str, dict[str, Any]]:
    """Everything about a workbook except its values, to compare before and after a write."""
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        out[ws.title] = {
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.allow_blank)
                                  for dv in ws.data_validations.dataValidation),
            "notes": sorted((c.coordinate, c.comment.text) for row in ws.iter_rows()
                            for c in row if c.comment),
            "highlights": sorted((str(cf.sqref), rule.formula[0], rule.priority,
                                  rule.dxf.fill.fgColor.rgb)
                                 for cf in ws.conditional_formatting for rule in cf.rules),
            "freeze": ws.freeze_panes,
            "widths": sorted((k, d.width) for k, d in ws.column_dimensions.items()),
            "date formats": sorted({c.column_letter for row in ws.iter_rows()
                                    for c in row if c.number_format == blueprint.DATE_FORMAT}
                                   | {k for k, d in ws.column_dimensions.items()
                                      if d.number_format == blueprint.DATE_FORMAT}),
            "tab colour": ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor
            else None,
        }
    return out


def _snapshot(path: Path) -> dict[str, Any]:
    """Values, formats and formatting: what a committed file must share with a fresh one."""
    book = openpyxl.load_workbook(path)
    values = {ws.title: {c.coordinate: (c.value, c.number_format, c.data_type)
                         for row in ws.iter_rows() for c in row if c.value is not None}
              for ws in book.worksheets}
    return {"tabs": book.sheetnames, "values": values, "formatting": _formatting(path)}


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("language", LANGUAGES)
def test_template_reads_back_with_no_problem(generated: dict[str, Path], language: str) -> None:
    project = _project(generated[language])
    assert project.problems == ()
    assert project.settings.language == language
    assert project.settings.client_emails == ("client@example.com",)
    assert [m.id for m in project.milestones] == ["M1", "M2", "M3", "M4"]
    assert {u.type for u in project.updates} == set(UpdateType)
    assert [c.id for c in project.changes] == ["CR-1"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_tab_and_header_is_there(generated: dict[str, Path], language: str) -> None:
    book = openpyxl.load_workbook(generated[language])
    assert book.sheetnames == [schema.tab_title(tab, language) for tab in schema.TABS
                               if tab not in schema.LATER_TABS]
    for tab in (t for t in schema.TABS if t not in schema.LATER_TABS):
        ws = book[schema.tab_title(tab, language)]
        header = [c.value for c in ws[1] if c.value is not None]
        if tab == schema.PROJECT:
            assert header[:2] == list(schema.headers(tab, language))
            names = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
            assert names[:len(schema.FIELDS)] == [schema.field_name(k, language)
                                                  for k in schema.FIELDS]
        else:
            assert header == list(schema.headers(tab, language))
        assert ws.freeze_panes == ("C2" if tab == schema.MILESTONES else "A2")


@pytest.mark.parametrize("language", LANGUAGES)
def test_dropdowns_hold_words_the_parser_reads(generated: dict[str, Path],
                                              language: str) -> None:
    book = openpyxl.load_workbook(generated[language])
    checked = 0
    for (tab, key), table in blueprint.COLUMN_WORDS.items():
        ws = book[schema.tab_title(tab, language)]
        letter = openpyxl.utils.get_column_letter(schema.headers(tab, language).index(
            schema.header(tab, key, language)) + 1)
        found = _words(ws)[f"{letter}2:{letter}{blueprint.LAST_ROW}"]
        assert found == blueprint.words(table, language)
        assert [parse_word(w, table) for w in found] == list(table)
        checked += 1
    project_ws = book[schema.tab_title(schema.PROJECT, language)]
    rows = {schema.field_key(project_ws.cell(r, 1).value): r
            for r in range(2, project_ws.max_row + 1)}
    for key, table in blueprint.FIELD_WORDS.items():
        found = _words(project_ws)[f"B{rows[key]}"]
        assert [parse_word(w, table) for w in found] == list(table)
        checked += 1
    assert checked == len(blueprint.COLUMN_WORDS) + 4  # Language, Report day, Date order, Paused


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_carry_notes_and_job_owned_ones_are_marked(generated: dict[str, Path],
                                                           language: str) -> None:
    book = openpyxl.load_workbook(generated[language])
    job_note = catalog.get(language).sheet("job_note")
    for tab in blueprint.template(language).tabs:
        ws = book[tab.title]
        for col, column in enumerate(tab.columns, start=1):
            cell = ws.cell(1, col)
            assert cell.comment is not None and cell.comment.text == column.note
            assert cell.font.bold
            owned = tab.key in schema.JOB_OWNED_TABS or column.key in schema.JOB_OWNED_COLUMNS
            assert column.job_owned == owned
            assert (job_note in column.note) == owned
            assert cell.font.italic == owned
            assert (cell.fill.fgColor.rgb[-6:] == blueprint.JOB_FILL) == owned


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_formats_and_highlights(generated: dict[str, Path], language: str) -> None:
    book = openpyxl.load_workbook(generated[language])
    ws = book[schema.tab_title(schema.MILESTONES, language)]
    for key in blueprint.DATE_COLUMNS[schema.MILESTONES]:
        col = schema.headers(schema.MILESTONES, language).index(
            schema.header(schema.MILESTONES, key, language)) + 1
        letter = openpyxl.utils.get_column_letter(col)
        assert ws.column_dimensions[letter].number_format == blueprint.DATE_FORMAT
        if ws.cell(2, col).value is not None:  # an example date shows as the column does
            assert ws.cell(2, col).number_format == blueprint.DATE_FORMAT
    assert isinstance(ws["E2"].value, date)  # example dates are real dates
    rules_ = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    flag = openpyxl.utils.get_column_letter(schema.headers(schema.MILESTONES, language).index(
        schema.header(schema.MILESTONES, "flag", language)) + 1)
    assert all(f"${flag}2" in rule.formula[0] and "SEARCH" in rule.formula[0] for rule in rules_)
    shown = {flag for h in blueprint.HIGHLIGHTS for flag in h.flags}
    assert shown == set(Flag) == set(blueprint.FLAGS)
    assert sorted(r.priority for r in rules_) == list(range(1, len(blueprint.HIGHLIGHTS) + 1))


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_files_are_what_the_generator_writes(generated: dict[str, Path],
                                                       name: str) -> None:
    assert COMMITTED[name].exists(), "run: make templates"
    assert _snapshot(COMMITTED[name]) == _snapshot(generated[name]), "run: make templates"


def test_generating_twice_gives_the_same_bytes(generated: dict[str, Path],
                                               tmp_path: Path) -> None:
    again = workbooks.generate(tmp_path / "t", tmp_path / "e")
    for name, path in zip(("en", "zh", "example"), again, strict=True):
        assert path.read_bytes() == generated[name].read_bytes()


# --------------------------------------------------------------------------- the example


EXPECTED_FLAGS = {
    "M1": set(), "M2": set(), "M3": set(),
    "M4": {Flag.UNCONFIRMED},
    "M5": {Flag.CLIENT_OVERDUE},
    "M6": {Flag.OVERDUE},
    "M7": {Flag.DUE_SOON},
    "M8": {Flag.AWAITING_CONFIRMATION},
    "M9": {Flag.BLOCKED, Flag.DUE_SOON, Flag.AT_RISK},
    "M10": {Flag.AT_RISK},
    "M11": {Flag.AT_RISK},  # through M10, which is only at risk itself
    "M12": {Flag.INVALID},
    "M13": {Flag.AT_RISK},
}


def test_example_raises_every_flag_with_one_deliberate_problem(
        generated: dict[str, Path]) -> None:
    project = _project(generated["example"])
    assert AS_OF.weekday() == 4  # a Friday, the report day
    assessments = rules.assess(project, AS_OF)
    assert {a.milestone.id: set(a.flags) for a in assessments} == EXPECTED_FLAGS
    # CHANGES_REQUESTED comes from a client's reply (tests/test_inbox_flow.py) or from staff
    # typing Changes needed after one; the example is the sheet before any reply.
    assert {f for a in assessments for f in a.flags} == set(Flag) - {Flag.CHANGES_REQUESTED}
    [problem] = project.problems
    assert (problem.tab, problem.cell, problem.value) == ("Milestones", "E13", "31/02/2026")
    assert 10 <= len(project.milestones) <= 13


def test_example_updates_and_changes(generated: dict[str, Path]) -> None:
    project = _project(generated["example"])
    s = project.settings
    assert (s.name, s.client, s.time_zone, s.report_day, s.pm_email) == (
        "Acme website rollout", "Acme Corp", "Europe/London", 4, "sam.lee@studio.example")
    assert s.client_emails == ("maria.chen@acme.example", "ops@acme.example")
    week = [u for u in project.updates if AS_OF - timedelta(days=6) <= u.date <= AS_OF]
    assert {u.type for u in week} == set(UpdateType)
    assert sum(u.internal for u in week) == 1
    assert len(project.updates) - len(week) >= 2
    due = {m.id: m.due for m in project.milestones}
    by_status = {c.status: c for c in project.changes}
    approved, proposed = by_status[ChangeStatus.APPROVED], by_status[ChangeStatus.PROPOSED]
    assert approved.new_due == due[approved.milestone]
    assert proposed.date is not None and (AS_OF - proposed.date).days > s.reminder_every_days


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("name", ["en", "zh", "example"])
def test_a_check_writing_to_a_copy_keeps_the_formatting(generated: dict[str, Path],
                                                        tmp_path: Path, name: str) -> None:
    path = Path(shutil.copy(generated[name], tmp_path / "project.xlsx"))
    before = _formatting(path)
    project = _project(path)
    plan = writeplan.build(project, rules.assess(project, AS_OF))
    assert plan.flag_cells
    XlsxFile(path).apply(plan)
    assert _formatting(path) == before
    after = _project(path)
    written = {row: flag for row, _, flag, _ in after.layout.flags.current}  # type: ignore[union-attr]
    assert any(written.values())
    assert after.problems == project.problems


def test_write_template_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"staff work")
    with pytest.raises(SourceError, match="already exists"):
        write_template(path, blueprint.template("en"))
    assert path.read_bytes() == b"staff work"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    with pytest.raises(SourceError, match="does not exist"):
        write_template(tmp_path / "missing" / "p.xlsx", blueprint.template("en"))


def test_init_xlsx(tmp_path: Path) -> None:
    made = workbooks.init_xlsx(tmp_path / "new.xlsx", "中文")
    project = _project(made)
    assert project.problems == () and project.settings.language == "zh"
    with pytest.raises(SourceError):
        workbooks.init_xlsx(made, "en")
    with pytest.raises(SourceError, match=r"\.xlsx"):
        workbooks.init_xlsx(tmp_path / "new.csv", "en")
    with pytest.raises(ConfigError):
        workbooks.init_xlsx(tmp_path / "other.xlsx", "klingon")


# --------------------------------------------------------------------------- the staff guide


def test_the_sheet_guide_names_every_tab_header_word_and_flag() -> None:
    guide = (ROOT / "docs" / "sheet-guide.md").read_text(encoding="utf-8")
    names = {schema.tab_title(tab, lang) for tab in schema.TABS for lang in LANGUAGES}
    names |= {h for tab in schema.TABS if tab not in schema.JOB_OWNED_TABS
              for lang in LANGUAGES for h in schema.headers(tab, lang)}
    names |= {schema.field_name(key, lang) for key in schema.FIELDS for lang in LANGUAGES}
    names |= {w for table in (*blueprint.COLUMN_WORDS.values(), *blueprint.FIELD_WORDS.values())
              for lang in LANGUAGES for w in blueprint.words(table, lang)
              if table is not schema.WEEKDAYS}
    names |= set(Flag)
    assert sorted(n for n in names if n not in guide) == []
