"""The template workbook as plain data: tabs, headers, notes, dropdowns, formats, examples.

Everything is derived from ``schema`` (tab titles, headers, Project fields, value words) and
``model`` (flags, Settings defaults), so a template cannot drift from what the parser reads.
This module owns the structure; the notes' and hints' text is the language catalog's
(``lang/catalog.py``: ``[notes]``, ``[help]``, ``[sheet]``) and the settings and example
rows are ``blueprint.example``'s.
Nothing here knows a spreadsheet library: colours are ``RRGGBB``, number formats and
dropdown words are strings, positions are 1-based (row, column). ``backends.xlsx_template``
renders a ``Blueprint`` to .xlsx; a Google Sheets ``init`` can lay down the same thing.

``template(language)`` is the blank-ish workbook staff start from (a few sample rows);
``example_project()`` is the Acme demo, whose milestones raise every flag on ``EXAMPLE_AS_OF``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sheetsync.blueprint.example import ACME, Content, Row, template_sample
from sheetsync.core import palette, schema
from sheetsync.lang import catalog
from sheetsync.model import (
    CellValue,
    Change,
    Flag,
    Milestone,
    Settings,
    UpdateType,
    column_letter,
)

FIRST_ROW = 2  # the first data row under the header
LAST_ROW = 1000  # how far down formats, dropdowns and highlights reach
DATE_FORMAT = "yyyy-mm-dd"
JOB_FILL = "E8EAED"  # job-owned headers: grey, italic
JOB_FONT = "5F6368"
HELP_FONT = "5F6368"  # the Project tab's About column
JOB_TAB_COLOUR = "9AA0A6"
EXAMPLE_AS_OF = date(2026, 11, 27)  # a Friday: the day the Acme example is judged

FLAGS = tuple(Flag)  # in the order CONTRACT section 2 lists them, as the enum declares them


# --------------------------------------------------------------------------- the shapes


@dataclass(frozen=True)
class Column:
    """One column of a tab: its header and everything a renderer lays down under it."""

    key: str  # the schema column key, e.g. "due"; "about" for the Project help column
    header: str
    note: str  # the header's note: what goes there and the allowed values
    width: float  # in characters
    date: bool = False  # rows FIRST_ROW..LAST_ROW get DATE_FORMAT
    words: tuple[str, ...] = ()  # a dropdown (allow blank) over the whole column, if any
    job_owned: bool = False  # written by sheetsync only: grey italic header
    help: bool = False  # reading help only, shown grey and italic; sheetsync ignores it


@dataclass(frozen=True)
class CellDropdown:
    """A dropdown on one cell (the Project tab's Value of Language, Report day...)."""

    row: int
    col: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class Highlight:
    """A conditional format: colour a whole row when its Flag cell holds one of ``flags``."""

    name: str
    flags: tuple[Flag, ...]
    fill: str
    font: str

    def formula(self, column: str, row: int = FIRST_ROW) -> str:
        """The rule's formula for the top-left row of the range, e.g. SEARCH on ``$M2``."""
        tests = [f'ISNUMBER(SEARCH("{flag}",${column}{row}))' for flag in self.flags]
        return tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"


@dataclass(frozen=True)
class Tab:
    """One tab: header row 1, data from row 2."""

    key: str  # canonical tab name, e.g. schema.MILESTONES
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[CellValue, ...], ...] = ()  # example rows, from row 2, in column order
    cell_dropdowns: tuple[CellDropdown, ...] = ()
    job_owned: bool = False  # the whole tab is written by sheetsync
    freeze_rows: int = 1
    freeze_cols: int = 0
    highlights: tuple[Highlight, ...] = ()  # in priority order, each stops the ones after
    highlight_key: str = ""  # the column the highlights read

    def col(self, key: str) -> int:
        """The 1-based column of a key."""
        return next(i for i, c in enumerate(self.columns, start=1) if c.key == key)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def highlight_range(self) -> str:
        """The A1 range the highlights cover: every column, rows FIRST_ROW..LAST_ROW."""
        return f"A{FIRST_ROW}:{column_letter(len(self.columns))}{LAST_ROW}"

    @property
    def highlight_column(self) -> str:
        return column_letter(self.col(self.highlight_key))


@dataclass(frozen=True)
class Blueprint:
    """A whole workbook in one language."""

    language: str
    title: str  # the workbook's document title
    tabs: tuple[Tab, ...]

    def tab(self, key: str) -> Tab:
        return next(t for t in self.tabs if t.key == key)

    def dropdown_hint(self, choices: tuple[str, ...]) -> str:
        """What a dropdown says when another word is typed (it only warns)."""
        return _fill(catalog.get(self.language).sheet("dropdown_hint"), self.language, choices)


# --------------------------------------------------------------------------- value words

COLUMN_WORDS: dict[tuple[str, str], dict[Any, tuple[str, ...]]] = {
    (schema.MILESTONES, "owner"): schema.OWNERS,
    (schema.MILESTONES, "status"): schema.STATUSES,
    (schema.MILESTONES, "client_confirmed"): schema.CONFIRMATIONS,
    (schema.MILESTONES, "delay_reason"): schema.DELAY_REASONS,
    (schema.UPDATES, "type"): schema.UPDATE_TYPES,
    (schema.UPDATES, "internal"): schema.YES_NO,
    (schema.CHANGES, "status"): schema.CHANGE_STATUSES,
    (schema.CHANGES, "client_approved"): schema.YES_NO,
}
FIELD_WORDS: dict[str, dict[Any, tuple[str, ...]]] = {
    "language": schema.LANGUAGES,
    "report_day": schema.WEEKDAYS,
    "date_order": schema.DATE_ORDERS,
    "reports_paused": schema.YES_NO,
}
DATE_COLUMNS = {
    schema.MILESTONES: ("start", "due", "done_on", "confirmed_on"),
    schema.UPDATES: ("date",),
    schema.CHANGES: ("date", "old_due", "new_due", "decided_on"),
}


def word(table: Mapping[Any, tuple[str, ...]], key: Any, language: str) -> str:
    """The word a template shows for a value (``schema.shown``)."""
    return schema.shown(table, key, language)


def words(table: Mapping[Any, tuple[str, ...]], language: str) -> tuple[str, ...]:
    """Every value of a list, as a dropdown shows them, in the list's order."""
    return tuple(word(table, key, language) for key in table)


# --------------------------------------------------------------------------- layout and notes

VALUE_COL = 2  # the Project tab's Value column

WIDTHS: dict[str, float] = {
    "field": 24, "value": 44, "about": 70,
    "title": 34, "acceptance": 30, "depends_on": 12, "notes": 32, "flag": 26,
    "flag_detail": 40, "text": 60, "change": 40, "impact": 28, "requested_by": 18,
    "problem": 44, "how_to_fix": 60, "recipients": 36, "subject": 40, "message_id": 36,
    "detail": 40, "time": 22, "client_confirmed": 16, "client_approved": 16,
    "id": 8, "delay_reason": 16, "from": 24, "to": 24,
}
DATE_WIDTH = 12
DEFAULT_WIDTH = 14

HIGHLIGHTS = tuple(Highlight(c.name, c.flags, c.fill, c.font) for c in palette.FLAG_COLOURS)


def _defaults(language: str) -> dict[str, str]:
    """What a blank setting means, said with the template's own words."""
    d = Settings(name="")
    return {
        "time_zone": d.time_zone,
        "language": word(schema.LANGUAGES, d.language, language),
        "report_day": word(schema.WEEKDAYS, d.report_day, language),
        "report_time": d.report_time.strftime("%H:%M"),
        "due_soon_days": str(d.due_soon_days),
        "confirm_within_days": str(d.confirm_within_days),
        "reminder_every_days": str(d.reminder_every_days),
    }


def _fill(text: str, language: str, choices: tuple[str, ...] = (), default: str = "") -> str:
    """A note of the catalog, its placeholders filled from the schema's words."""
    cat = catalog.get(language)
    sep = cat.sheet("list_sep")
    meanings = cat.sheet("item_sep").join(
        f"{word(schema.UPDATE_TYPES, kind, language)}{cat.sheet('colon')}"
        f"{cat.sheet(f'meaning_{kind.name}')}" for kind in UpdateType)
    return text.format(
        words=sep.join(choices), default=default, date=cat.sheet("date_hint"),
        yes=word(schema.YES_NO, True, language), no=word(schema.YES_NO, False, language),
        job=cat.sheet("job_note"),
        flags=sep.join(FLAGS), meanings=meanings)


# --------------------------------------------------------------------------- building


def _cell(value: Any, table: Mapping[Any, tuple[str, ...]] | None, language: str) -> CellValue:
    """A content value as the cell holds it: list values become the language's word."""
    if table is not None and value is not None and value in table:
        return word(table, value, language)
    return cast(CellValue, value)


# What a blank cell of a dropdown column means: the model's own defaults.
_DEFAULT_WORD: dict[tuple[str, str], Any] = {
    (schema.MILESTONES, "owner"): Milestone.__dataclass_fields__["owner"].default,
    (schema.MILESTONES, "status"): Milestone.__dataclass_fields__["status"].default,
    (schema.CHANGES, "status"): Change.__dataclass_fields__["status"].default,
}  # (the classes have slots: a field's default is in its Field, not on the class)


def _column(tab: str, key: str, language: str) -> Column:
    table = COLUMN_WORDS.get((tab, key))
    choices = words(table, language) if table is not None else ()
    default = _DEFAULT_WORD.get((tab, key))
    return Column(
        key=key,
        header=schema.header(tab, key, language),
        note=_fill(catalog.get(language).note(tab, key), language, choices,
                   word(table, default, language) if table and default else ""),
        width=DATE_WIDTH if key in DATE_COLUMNS.get(tab, ()) else WIDTHS.get(key, DEFAULT_WIDTH),
        date=key in DATE_COLUMNS.get(tab, ()),
        words=choices,
        job_owned=tab in schema.JOB_OWNED_TABS or (
            tab == schema.MILESTONES and key in schema.JOB_OWNED_COLUMNS),
    )


def _table_tab(tab: str, language: str, rows: tuple[Row, ...] = ()) -> Tab:
    columns = tuple(_column(tab, key, language) for key in schema.COLUMNS[tab])
    body = tuple(tuple(_cell(row.get(c.key), COLUMN_WORDS.get((tab, c.key)), language)
                       for c in columns) for row in rows)
    milestones = tab == schema.MILESTONES
    return Tab(
        key=tab, title=schema.tab_title(tab, language), columns=columns, rows=body,
        job_owned=tab in schema.JOB_OWNED_TABS,
        freeze_cols=2 if milestones else 0,  # ID and Milestone stay in view
        highlights=HIGHLIGHTS if milestones else (),
        highlight_key="flag" if milestones else "",
    )


def _project_tab(settings: Row, language: str) -> Tab:
    """Field / Value / About, one row per Project field, in schema order."""
    defaults = _defaults(language)
    texts = catalog.get(language)
    about_column = Column("about", texts.sheet("about_header"),
                          _fill(texts.note(schema.PROJECT, "about"), language), WIDTHS["about"],
                          help=True)
    columns = (*(_column(schema.PROJECT, key, language) for key in ("field", "value")),
               about_column)
    rows: list[tuple[CellValue, ...]] = []
    dropdowns: list[CellDropdown] = []
    for row, key in enumerate(schema.FIELDS, start=FIRST_ROW):
        table = FIELD_WORDS.get(key)
        choices = words(table, language) if table is not None else ()
        about = _fill(catalog.get(language).help(key), language, choices,
                      defaults.get(key, ""))
        rows.append((schema.field_name(key, language),
                     _cell(settings.get(key), table, language), about))
        if choices:
            dropdowns.append(CellDropdown(row, VALUE_COL, choices))
    return Tab(key=schema.PROJECT, title=schema.tab_title(schema.PROJECT, language),
               columns=columns, rows=tuple(rows), cell_dropdowns=tuple(dropdowns))


def build(content: Content, language: str) -> Blueprint:
    """A whole workbook: the tabs of schema.TABS, in order, holding ``content`` (not the
    ones sheetsync makes later, when they get their first row)."""
    rows = {schema.MILESTONES: content.milestones, schema.UPDATES: content.updates,
            schema.CHANGES: content.changes, schema.HISTORY: content.history}
    tabs = tuple(_project_tab(content.settings, language) if tab == schema.PROJECT
                 else _table_tab(tab, language, rows.get(tab, ()))
                 for tab in schema.TABS if tab not in schema.LATER_TABS)
    return Blueprint(language=language, title=content.title, tabs=tabs)


def template(language: str = "en") -> Blueprint:
    """The workbook staff start a project from, with a few sample rows to overwrite."""
    if language not in catalog.LANGUAGES:
        raise ValueError(f"unknown template language {language!r}")
    return build(template_sample(language), language)


def example_project() -> Blueprint:
    """The Acme demo project (English): on EXAMPLE_AS_OF it raises every flag."""
    return build(ACME, "en")
