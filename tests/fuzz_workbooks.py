"""Hypothesis strategies for the fuzz suite (issue 11 item 10): workbooks as staff make them,
and worse, and config files.

A workbook has random tabs (names from every alias, and junk), a header row somewhere in the
first rows (aliases in any case and spacing, and junk), cells of every type a backend reads
(text, numbers, booleans, dates, times, formulas without a saved result, junk), merged
ranges, and a Project tab of fields and values. ``check_case`` runs what ``check`` and the
emails run on it and says what must hold.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime, time
from typing import Any

from hypothesis import strategies as st

from sheetsync.core import reminders, rules, schema, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.core.report import build_report
from sheetsync.model import RawTab, RawWorkbook, Unreadable
from sheetsync.render import emails


def _all(table: dict[str, tuple[str, ...]]) -> list[str]:
    return [alias for names in table.values() for alias in names]


TAB_NAMES = [*_all(schema.TABS), "Sheet1", "Notes", "", " milestones ", "LOG", "问题"]
COLUMN_NAMES = sorted({a for cols in schema.COLUMNS.values() for a in _all(cols)})
FIELD_NAMES = _all(schema.FIELDS)
WORDS = ["Done", "done ", "In progress", "Blocked", "Cancelled", "Not started", "Client",
         "Team", "Yes", "No", "yes", "Approved", "Proposed", "Note", "Problem", "Next",
         "M1", "m1 ", "M2", "M1, M2", "M1;m2", "M3 M1", "M9", "#REF!", "=SUM(A1:A3)",
         "2026-11-27", "27/11/2026", "11/27/2026", "3/4/2026", "9999-12-31", "0001-01-01",
         "1 day", "-3", "1e308", "ann@acme.example", "a@b, c@", "Europe/London", "Mars/Base",
         "Friday", "16:00", "25:99", "English", "中文", "\u200b", "\x00", "\r\n", "'", "…"]

cells = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    st.text(string.printable + "中文—é", max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.times(),
    st.builds(Unreadable, reason=st.sampled_from(["a formula with no saved result",
                                                  "#DIV/0!"]),
              text=st.sampled_from(["", "#DIV/0!", "=A1"])),
)
headers = st.one_of(st.sampled_from(COLUMN_NAMES),
                    st.sampled_from(COLUMN_NAMES).map(lambda h: f"  {h.upper()} "),
                    cells)


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@st.composite
def merges(draw: st.DrawFn, rows: int, cols: int) -> tuple[str, ...]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        r1 = draw(st.integers(1, max(1, rows)))
        c1 = draw(st.integers(1, max(1, cols + 2)))
        r2 = draw(st.integers(r1, r1 + 1))
        c2 = draw(st.integers(c1, c1 + 2))
        out.append(f"{_col(c1)}{r1}:{_col(c2)}{r2}" if (r1, c1) != (r2, c2)
                   else f"{_col(c1)}{r1}")
    return tuple(out)


@st.composite
def tabs(draw: st.DrawFn) -> RawTab:
    name = draw(st.sampled_from(TAB_NAMES))
    width = draw(st.integers(0, 10))
    above = [tuple(draw(st.lists(cells, max_size=3))) for _ in range(draw(st.integers(0, 2)))]
    header = tuple(draw(headers) for _ in range(width))
    body = [tuple(draw(cells) for _ in range(draw(st.integers(0, width + 2))))
            for _ in range(draw(st.integers(0, 8)))]
    rows = (*above, header, *body)
    return RawTab(name, rows, merged=draw(merges(len(rows), width)))


@st.composite
def project_tab(draw: st.DrawFn) -> RawTab:
    rows = [("Field", "Value")] + [
        (draw(st.sampled_from(FIELD_NAMES)), draw(cells)) for _ in range(draw(st.integers(0, 8)))]
    return RawTab(draw(st.sampled_from(["Project", "项目", "project "])), tuple(rows))


ids = st.sampled_from(["M1", "M2", "m2 ", "M3", " M4", "M1", "X", "3", ""])


@st.composite
def milestones_tab(draw: st.DrawFn, kind: str) -> RawTab:
    """A tab of a known kind with mostly known headers (aliases, any order), some junk."""
    known = list(schema.COLUMNS[kind])
    keys = draw(st.lists(st.sampled_from(known), min_size=1, max_size=len(known) + 2))
    header = tuple(draw(st.sampled_from(schema.COLUMNS[kind][k])) if draw(st.integers(0, 9))
                   else draw(headers) for k in keys)
    width = len(header)
    body = []
    for _ in range(draw(st.integers(0, 10))):
        body.append(tuple(draw(ids) if k in ("id", "milestone", "depends_on") and
                          draw(st.booleans()) else draw(cells) for k in keys)
                    + tuple(draw(cells) for _ in range(draw(st.integers(0, 2)))))
    above = [(draw(cells),)] * draw(st.integers(0, 1))
    rows = (*above, header, *body)
    name = draw(st.sampled_from(schema.TABS[kind]))
    return RawTab(name, rows, merged=draw(merges(len(rows), width)))


@st.composite
def workbooks(draw: st.DrawFn) -> RawWorkbook:
    found = [draw(project_tab())] if draw(st.integers(0, 4)) else []
    for kind in (schema.MILESTONES, schema.UPDATES, schema.CHANGES, schema.LOG,
                 schema.PROBLEMS):
        if draw(st.integers(0, 4 if kind == schema.MILESTONES else 1)):
            found.append(draw(milestones_tab(kind)))
    found += [draw(tabs()) for _ in range(draw(st.integers(0, 2)))]
    order = draw(st.permutations(found))
    return RawWorkbook(draw(st.sampled_from(["acme", "项目", ""])), tuple(order),
                       time_zone=draw(st.sampled_from([None, "Europe/London", "Bad/Zone"])),
                       locale=draw(st.sampled_from([None, "en_US", "en_GB", "zh_CN", "xx"])))


A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


def staff_cell(raw: RawWorkbook, tab: str, row: int, col: int, flag_cols: set[int]) -> bool:
    """Whether a write at (tab, row, col) would touch a staff cell."""
    kind = schema.canonical_tab(tab)
    if kind in schema.JOB_OWNED_TABS:
        return False
    return not (kind == schema.MILESTONES and col in flag_cols)


def check_case(raw: RawWorkbook, as_of: date) -> None:
    """What a check and the emails do with ``raw``: no exception, every problem at a cell
    with a fix, and a write plan that touches no staff cell."""
    project = parse_workbook(raw, "fuzz.xlsx")
    for p in project.problems:
        assert p.problem and p.how_to_fix, p
        if "sheetsync did not write" not in p.problem:  # write_refused: the whole file
            assert A1.match(p.cell), p
    assessments = rules.assess(project, as_of)
    plan = writeplan.build(project, assessments)
    flags = project.layout.flags if project.layout else None
    flag_cols = {flags.flag_col, flags.detail_col} if flags else set()
    for cell in plan.flag_cells:
        assert flags is not None and plan.flags_tab == flags.tab
        assert not staff_cell(raw, plan.flags_tab, cell.row, cell.col, flag_cols), cell
        header = _value(raw, plan.flags_tab, flags.header_row, cell.col)
        assert header in (None, "") or schema.column_key(schema.MILESTONES, header) in (
            "flag", "flag_detail"), (cell, header)
    for name in (plan.problems_tab, plan.log_tab):
        assert not name or schema.canonical_tab(name) in schema.JOB_OWNED_TABS, name
    report = build_report(project, assessments, as_of)
    emails.render_report(report, project.settings)
    items = reminders.candidates(project, assessments, as_of)
    chosen = reminders.select(items, (), as_of, max(1, project.settings.reminder_every_days))
    if chosen is not None:
        emails.render_reminder(chosen, project.settings)


def _value(raw: RawWorkbook, tab: str, row: int, col: int) -> Any:
    for t in raw.tabs:
        if t.name == tab:
            return t.value(row, col)
    return None


# --------------------------------------------------------------------------- configs

CONFIG_KEYS = ["from", "outbox", "credentials", "sheets_endpoint", "state_dir", "admin_email",
               "every_minutes", "json_logs", "projects", "smtp", "unknown_key"]
toml_values = st.one_of(
    st.text(string.printable + "中\x00\x7f", max_size=15).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        .replace("\r", "\\r").replace("\x00", "\\u0000").replace("\x7f", "\\u007f")
        .replace("\t", "\\t").replace("\x0b", "\\u000b").replace("\x0c", "\\f") + '"'),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["true", "false", "1.5", "[]", '["a.xlsx"]', "{}", '[{source = 1}]',
                     '[{source = "gsheet:abc"}]', '[{source = "a\\u0000.xlsx"}]']),
)


@st.composite
def config_files(draw: st.DrawFn) -> str:
    lines = [f"{draw(st.sampled_from(CONFIG_KEYS))} = {draw(toml_values)}"
             for _ in range(draw(st.integers(0, 5)))]
    if draw(st.booleans()):
        lines.append("[smtp]")
        lines += [f"{draw(st.sampled_from(['host', 'port', 'security', 'user', 'timeout']))}"
                  f" = {draw(toml_values)}" for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        lines.append(f'[[projects]]\nsource = {draw(toml_values)}')
    return "\n".join(lines) + "\n"


__all__ = ["check_case", "config_files", "time", "workbooks"]
