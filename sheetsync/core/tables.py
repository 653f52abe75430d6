"""Finding a table in a raw tab, and reading its rows into values and problems.

Generic over the kinds of tab (CONTRACT section 1): a tab is found by any alias of its
name, its header row among the first rows by the most recognised headers, its columns by
any alias in any order and case; unknown tabs and columns are left alone and blank rows
skipped. ``Reader`` collects problems in the project's language; ``RowReader`` reads one
row cell by cell, turning every ``Bad`` into a problem and remembering the field as
unreadable. ``parse`` uses these for each tab.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sheetsync.core import cells, schema
from sheetsync.core.cells import Bad
from sheetsync.lang import catalog
from sheetsync.model import CellValue, Problem, RawTab, RawWorkbook, a1, blank, cell_text

HEADER_SCAN_ROWS = 10  # a header row may sit below a title or a note
VALUE_SHOWN = 300  # a cell's value quoted in Problems is cut to this many characters
TEXT_SHOWN = 500  # a problem or its fix, whatever facts it quotes


def clip(text: str, limit: int = VALUE_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis saying it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
LAST_COLUMN = 16384  # XFD, Excel's last column: no flag column is placed past it


@dataclass
class Sheet:
    """One recognised tab while it is being read: where its columns are."""

    tab: RawTab
    header_row: int
    columns: dict[str, int]  # column key -> 1-based column

    def value(self, row: int, key: str) -> Any:
        col = self.columns.get(key)
        return self.tab.value(row, col) if col else None


@dataclass
class Reader:
    """Collects problems while a workbook is read: the one mutable thing of a parse."""

    language: str = "en"
    date_order: str | None = None  # the Project tab's Date order
    locale: str = ""  # a Google Sheet's locale, when Date order is blank
    locale_orders: tuple[str, ...] = ()  # the orders that locale reads dates in
    problems: list[Problem] = field(default_factory=list)

    def report(self, tab: str, row: int, col: int, value: object, code: str, /,
               **facts: str) -> None:  # positional-only: "tab" is also a fact of some texts
        problem, fix = catalog.get(self.language).problem(code, **facts)
        ref = a1(row, col) if row and col else ""
        shown = cell_text(value) if isinstance(value, CellValue) else str(value or "")
        self.problems.append(Problem(tab, ref, clip(shown), clip(problem, TEXT_SHOWN),
                                     clip(fix, TEXT_SHOWN)))

    def bad(self, sheet: Sheet, row: int, key: str, result: Bad,
            choices: dict[Any, tuple[str, ...]] | None = None) -> None:
        facts = dict(result.facts)
        if choices is not None:
            facts["choices"] = schema.choices(choices, self.language)
        col = sheet.columns.get(key, 0)
        self.report(sheet.tab.name, row, col, sheet.tab.value(row, col), result.code, **facts)


@dataclass
class RowReader:
    """One data row of a tab while it is read: each cell goes through its parser; a ``Bad``
    becomes a problem and its field is remembered as ``unreadable``."""

    sheet: Sheet
    row: int
    reader: Reader
    unreadable: set[str] = field(default_factory=set)
    cells: tuple[CellValue, ...] = field(init=False, default=())  # the row's values

    def __post_init__(self) -> None:
        rows = self.sheet.tab.rows
        self.cells = rows[self.row - 1] if 1 <= self.row <= len(rows) else ()

    def value(self, key: str) -> CellValue:
        """The row's value in the column of ``key`` (``Sheet.value``, the row looked up once)."""
        col = self.sheet.columns.get(key)
        return self.cells[col - 1] if col and col <= len(self.cells) else None

    def get(self, key: str, parse: Callable[[Any], Any], choices: Any = None) -> Any:
        result = parse(self.value(key))
        if isinstance(result, Bad):
            self.reader.bad(self.sheet, self.row, key, result, choices)
            self.unreadable.add(key)
            return None
        return result

    def word(self, key: str, table: dict[Any, tuple[str, ...]]) -> Any:
        """A value from a list of words (Status, Owner, Type...); a wrong one names them."""
        return self.get(key, lambda v: cells.parse_word(v, table), table)

    def date(self, key: str) -> Any:
        """A date, read in the project's Date order.

        A numeric date that only one order makes real is read that way. One that both
        orders make real, with Date order blank, is read in a Google Sheet's locale order
        (as Google reads typed dates) and listed in Problems as a note, not a fault: the
        row is still judged. Without a locale (an .xlsx) it is a problem.
        """
        value = self.value(key)
        orders = self.reader.locale_orders
        if orders and cells.parse_date(value, self.reader.date_order) == Bad("ambiguous_date"):
            for order in orders:
                day = cells.parse_date(value, order)
                if isinstance(day, date):  # the ambiguity is a note: the date is read
                    self.reader.report(self.sheet.tab.name, self.row,
                                       self.sheet.columns.get(key, 0), value,
                                       "date_order_from_locale", date=day.isoformat(),
                                       order=order, locale=self.reader.locale)
                    return day
        return self.get(key, lambda v: cells.parse_date(v, self.reader.date_order))


# --------------------------------------------------------------------------- tabs and headers


def find_tabs(raw: RawWorkbook, reader: Reader) -> dict[str, RawTab]:
    found: dict[str, RawTab] = {}
    for tab in raw.tabs:
        key = schema.canonical_tab(tab.name)
        if key is None:
            continue
        if key in found:
            reader.report(tab.name, 1, 1, None, "duplicate_tab", tab=found[key].name)
            continue
        found[key] = tab
    return found


def find_header(tab: RawTab, kind: str, reader: Reader) -> Sheet | None:
    best: tuple[int, int] = (0, 0)  # (recognised headers, row)
    for row in range(1, min(HEADER_SCAN_ROWS, len(tab.rows)) + 1):
        hits = {schema.column_key(kind, v) for v in tab.rows[row - 1] if not blank(v)}
        hits.discard(None)
        if len(hits) > best[0]:
            best = (len(hits), row)
    if not best[0]:
        return None
    row = best[1]
    columns: dict[str, int] = {}
    for col, value in enumerate(tab.rows[row - 1], start=1):
        key = schema.column_key(kind, value) if not blank(value) else None
        if key is None:
            continue
        if key in columns:
            reader.report(tab.name, row, col, value, "duplicate_column",
                          column=schema.header(kind, key, reader.language))
            continue
        columns[key] = col
    return Sheet(tab, row, columns)


def sheet_of(tabs: dict[str, RawTab], kind: str, reader: Reader, *,
           required: bool) -> Sheet | None:
    tab = tabs.get(kind)
    if tab is None:
        if required:
            reader.report(schema.tab_title(kind, reader.language), 1, 1, None, "missing_tab",
                          tab=schema.tab_title(kind, reader.language))
        return None
    sheet = find_header(tab, kind, reader)
    if sheet is None:
        sheet = Sheet(tab, 0, {})
    if kind == schema.PROJECT:
        return sheet  # without Field and Value headers, _settings reads columns A and B
    row = sheet.header_row or 1
    header = tab.rows[row - 1] if len(tab.rows) >= row else ()
    right = max((c for c, v in enumerate(header, start=1) if not blank(v)), default=0)
    col = right + 1
    # past the Flag columns a check adds at the right, so the cell stays put once they exist
    if kind == schema.MILESTONES and "id" in sheet.columns and sheet.header_row and any(
            key not in sheet.columns for key in schema.JOB_OWNED_COLUMNS):
        col = max(col, max(flag_columns(sheet)) + 1)
    merges = [m for m in header_merges(tab, row) if m[0] <= right] if sheet.header_row else []
    for first, _, ref in merges:  # the columns under a merge have no header of their own
        reader.report(tab.name, row, first, tab.value(row, first), "merged_header", range=ref)
    taken: set[int] = set()
    for key in schema.REQUIRED_COLUMNS.get(kind, ()):
        if key in sheet.columns:
            continue
        column = schema.header(kind, key, reader.language)
        renamed = _renamed(header, kind, key, taken) if sheet.header_row else 0
        if renamed:  # said at the header a person renamed: the cell to fix
            taken.add(renamed)
            reader.report(tab.name, row, renamed, header[renamed - 1], "renamed_column",
                          column=column)
        elif merges:  # said at the merged header that hides it
            reader.report(tab.name, row, merges[0][0], tab.value(row, merges[0][0]),
                          "missing_column", column=column)
        else:  # said at the header cell where the column can go
            reader.report(tab.name, row, col, None, "missing_column", column=column)
            col += 1
    return sheet


def header_merges(tab: RawTab, row: int) -> list[tuple[int, int, str]]:
    """Merged ranges of the header row over two or more columns: (first, last column, ref)."""
    out = []
    for ref in tab.merged:
        first, _, last = ref.replace("$", "").partition(":")
        try:
            (r1, c1), (r2, c2) = a1_split(first), a1_split(last or first)
        except ValueError:
            continue
        if r1 <= row <= r2 and c2 > c1:
            out.append((c1, c2, ref))
    return sorted(out)


def _renamed(header: tuple[Any, ...], kind: str, key: str, taken: set[int]) -> int:
    """The column of a header sheetsync does not know that reads like a name of ``key``
    ("Due by when", "Milestone ID"), else 0: where a required column was renamed."""
    names = [schema.norm(a) for a in schema.COLUMNS[kind][key]]
    best, best_col = 0.0, 0
    for col, value in enumerate(header, start=1):
        if blank(value) or col in taken or schema.column_key(kind, value) is not None:
            continue
        text = schema.norm(value)
        for name in names:
            score = difflib.SequenceMatcher(None, text, name).ratio()
            if name and (f" {name} " in f" {text} " or name in text.split()):
                score = max(score, 0.9)
            if score > best:
                best, best_col = score, col
    return best_col if best >= 0.6 else 0


def a1_split(ref: str) -> tuple[int, int]:
    """ "K12" -> (12, 11); ValueError when it is not a cell reference."""
    letters = ref.rstrip("0123456789").upper()
    digits = ref[len(letters):]
    if not letters or not digits or not letters.isalpha() or not letters.isascii():
        raise ValueError(ref)
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def flag_columns(sheet: Sheet) -> tuple[int, int]:
    """Where Flag and Flag detail are (their headers) or go: the first columns right of the
    header that are empty in every row, so staff notes without a header stay theirs."""
    header = sheet.tab.rows[sheet.header_row - 1] if sheet.header_row else ()
    right = max((c for c, v in enumerate(header, start=1) if not blank(v)), default=0)
    used = {c for row in sheet.tab.rows if len(row) > right
            for c in range(right + 1, len(row) + 1) if not blank(row[c - 1])}
    flag, detail = sheet.columns.get("flag"), sheet.columns.get("flag_detail")
    need = (flag is None) + (detail is None)
    free = right + 1
    while any(c in used or c in (flag, detail) for c in range(free, free + need)):
        free += 1
    if flag is None:
        flag, free = free, free + 1
    return flag, detail if detail is not None else free


def data_rows(sheet: Sheet, skip: tuple[str, ...] = ()) -> list[int]:
    """Rows below the header with anything in a column sheetsync reads."""
    cols = [c for k, c in sheet.columns.items() if k not in skip]
    rows: list[int] = []
    for row in range(sheet.header_row + 1, len(sheet.tab.rows) + 1):
        values = sheet.tab.rows[row - 1]
        if any(c <= len(values) and not blank(values[c - 1]) for c in cols):
            rows.append(row)
    return rows
