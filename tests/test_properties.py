"""Whatever staff type, anywhere: reading, judging and planning never raise (hypothesis)."""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.core import rules, schema, writeplan
from sheetsync.core.parse import parse_workbook
from sheetsync.lang import catalog
from sheetsync.model import RawTab, RawWorkbook, Unreadable
from tests.xlsx_factory import make_workbook

# Words that steer the parser down its real paths: headers, fields, value words, IDs.
WORDS = sorted({
    *(name for names in schema.TABS.values() for name in names),
    *(name for cols in schema.COLUMNS.values() for names in cols.values() for name in names),
    *(name for names in schema.FIELDS.values() for name in names),
    *(w for table in (schema.OWNERS, schema.STATUSES, schema.UPDATE_TYPES,
                      schema.CHANGE_STATUSES, schema.YES_NO, schema.WEEKDAYS, schema.LANGUAGES,
                      schema.DATE_ORDERS) for words in table.values() for w in words),
    "M1", "M2", "M3", "M1, M2", "M2;M3、M1", "C1", "2026-11-27", "03/04/2026", "31/02/2026",
    "27 Nov 2026", "Nov 27", "2026年11月27日", "9999-12-31", "0001-01-01", "46353", "2026",
    "a@b.example", "Ann <a@b.example>", "a@b.com\nBcc: x@y.com", "Asia", "Asia/Shanghai",
    "=SUM(A1:A3)", "16:00", "25:99", "7 days", "-1", "1e309", "nan",
})

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # control chars included
VALUES = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    TEXT,
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.builds(Unreadable, TEXT, TEXT),
)
ROW = st.lists(VALUES, max_size=12)


@st.composite
def tab(draw: st.DrawFn, kind: str) -> RawTab:
    """A tab of one kind: maybe a real header (shuffled, partial), maybe a title row, rows."""
    rows: list[tuple[Any, ...]] = []
    if draw(st.booleans()):
        rows.append(tuple(draw(ROW)))  # a title or note above the header
    if draw(st.integers(0, 3)):
        names = [draw(st.sampled_from(n)) for n in schema.COLUMNS[kind].values()]
        rows.append(tuple(draw(st.permutations(names))[: draw(st.integers(1, len(names)))]))
    rows.extend(tuple(r) for r in draw(st.lists(ROW, max_size=8)))
    return RawTab(draw(st.sampled_from(schema.TABS[kind])), tuple(rows))


@st.composite
def workbooks(draw: st.DrawFn) -> RawWorkbook:
    kinds = draw(st.lists(st.sampled_from([schema.PROJECT, schema.MILESTONES, schema.UPDATES,
                                           schema.CHANGES, schema.PROBLEMS, schema.LOG]),
                          max_size=7))
    tabs = [draw(tab(k)) for k in kinds]
    if draw(st.booleans()):
        tabs.append(RawTab(draw(TEXT), tuple(tuple(r) for r in draw(st.lists(ROW, max_size=3)))))
    unique = {t.name.casefold(): t for t in reversed(tabs)}  # a workbook's tab names differ
    tabs = [t for t in tabs if unique[t.name.casefold()] is t]
    title = draw(st.text(min_size=1, max_size=12))  # a file or sheet title is never empty
    return RawWorkbook(title, tuple(tabs), time_zone=draw(st.none() | st.sampled_from(
        ["UTC", "Asia/Shanghai", "Asia", "nowhere"])), locale=draw(st.none() | st.sampled_from(
            ["en_US", "en_GB", "zh_CN", "de"])), can_write=draw(st.booleans()),
        write_refusal="it holds charts")


FACTS = sorted({name for cat in catalog.CATALOGS.values() for entry in cat.data["problems"].values()
                for text in entry.values() for name in re.findall(r"\{(\w+)\}", text)})
PLACEHOLDER = re.compile(r"\{(" + "|".join(FACTS) + r")\}")  # a fact left unfilled
AS_OF = st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 1))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(workbooks(), AS_OF)
def test_reading_judging_and_planning_never_raise(raw: RawWorkbook, as_of: date) -> None:
    project = parse_workbook(raw, "any.xlsx")
    assessments = rules.assess(project, as_of)
    plan = writeplan.build(project, assessments)

    for problem in project.problems:
        assert problem.problem.strip() and problem.how_to_fix.strip(), problem
        assert not PLACEHOLDER.search(problem.problem + problem.how_to_fix), problem
        assert problem.tab
    assert [a.milestone for a in assessments] == list(project.milestones)
    for a in assessments:
        assert list(a.flags) == sorted(a.flags)
        assert a.days_overdue >= 0
    assert all(isinstance(c.value, str) for c in plan.flag_cells)
    for row in plan.problems_rows or ():
        assert all(isinstance(v, str) for v in row)


@FAST
@given(workbooks(), AS_OF)
def test_a_plan_applied_in_memory_is_a_fixed_point(raw: RawWorkbook, as_of: date) -> None:
    """Whatever a check writes, reading it back and checking again plans nothing more."""
    project = parse_workbook(raw, "any.xlsx")
    plan = writeplan.build(project, rules.assess(project, as_of))
    again = parse_workbook(_applied(raw, plan), "any.xlsx")
    replan = writeplan.build(again, rules.assess(again, as_of))
    assert replan.flag_cells == ()
    assert replan.problems_rows is None


def _applied(raw: RawWorkbook, plan: writeplan.WritePlan) -> RawWorkbook:
    """``plan`` written into ``raw`` as a backend would (without moving rows)."""
    tabs = {t.name: [list(r) for r in t.rows] for t in raw.tabs}

    def put(name: str, row: int, col: int, value: str) -> None:
        rows = tabs.setdefault(name, [])
        while len(rows) < row:
            rows.append([])
        cells = rows[row - 1]
        cells.extend([None] * (col - len(cells)))
        cells[col - 1] = value or None

    for cell in plan.flag_cells:
        put(plan.flags_tab, cell.row, cell.col, cell.value)
    if plan.problems_rows is not None:
        height = max(len(plan.problems_rows), plan.problems_old_height)
        for r in range(1, height + 1):
            values = plan.problems_rows[r - 1] if r <= len(plan.problems_rows) else ()
            for c in range(1, 6):
                put(plan.problems_tab, r, c, values[c - 1] if c <= len(values) else "")
    order = [t.name for t in raw.tabs] + [n for n in tabs if n not in {t.name for t in raw.tabs}]
    return RawWorkbook(raw.title, tuple(RawTab(n, tuple(tuple(r) for r in tabs[n]))
                                        for n in order), raw.time_zone, raw.locale,
                       raw.can_write, raw.write_refusal)


# --------------------------------------------------------------------------- real files

XLSX_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
                    max_size=10)
XLSX_VALUES = st.one_of(st.none(), st.sampled_from(WORDS).filter(lambda w: "\n" not in w),
                        XLSX_TEXT, st.integers(-10**6, 10**6),
                        st.floats(allow_nan=False, allow_infinity=False, width=32),
                        st.booleans(), st.dates(min_value=date(1900, 3, 1)))
MILESTONE_ROWS = st.lists(st.lists(XLSX_VALUES, min_size=1, max_size=9), max_size=6)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(MILESTONE_ROWS, st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
def test_a_real_file_checked_twice_is_written_at_most_once(rows: list[list[Any]],
                                                           as_of: date) -> None:
    header = ["ID", "Milestone", "Owner", "Due", "Status", "Done on", "Client confirmed",
              "Depends on", "Notes"]
    with tempfile.TemporaryDirectory() as folder:
        path = make_workbook(Path(folder) / "p.xlsx", {
            "Project": [["Field", "Value"], ["Client emails", "a@b.example"]],
            "Milestones": [header, *rows]})
        for attempt in range(2):
            backend = XlsxFile(path)
            project = parse_workbook(backend.read(), str(path))
            plan = writeplan.build(project, rules.assess(project, as_of))
            if attempt:
                assert plan.empty, plan
            else:
                backend.apply(plan)


def test_dates_at_the_ends_of_the_calendar_do_not_overflow() -> None:
    raw = RawWorkbook("edge", (
        RawTab("Project", (("Field", "Value"), ("Due soon days", 365),
                           ("Confirm within days", 365))),
        RawTab("Milestones", (
            ("ID", "Milestone", "Due", "Status", "Done on"),
            ("M1", "Never", "9999-12-31", "Done", "9999-12-31"),
            ("M2", "Serial max", 2958465, "Not started", None),
            ("M3", "First day", "0001-01-01", "Done", datetime(1, 1, 1)),
            ("M4", "Time only", time(9, 30), "Not started", None),
        )),
    ))
    project = parse_workbook(raw, "edge.xlsx")
    for as_of in (date(1, 1, 1), date(2026, 11, 27), date.max - timedelta(days=1), date.max):
        assessments = rules.assess(project, as_of)
        writeplan.build(project, assessments)
