"""Render a ``Blueprint`` to a new .xlsx workbook (openpyxl).

What staff get: bold headers with a note on each, dropdowns (blank allowed; another word
only warns, because the parser accepts aliases), yyyy-mm-dd on every date column, frozen
header rows, column widths, rows coloured by their Flag, job-owned headers and tabs greyed,
and the blueprint's example rows. ``write_template`` saves atomically and never replaces a
file unless asked; the saved bytes depend only on the blueprint (fixed document times and
zip entry times), so regenerating a committed template changes nothing.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from sheetsync.blueprint import layout as blueprint
from sheetsync.blueprint.layout import (
    DATE_FORMAT,
    FIRST_ROW,
    HELP_FONT,
    JOB_TAB_COLOUR,
    LAST_ROW,
    Blueprint,
    Highlight,
    Tab,
)
from sheetsync.errors import NotNew
from sheetsync.model import a1, column_letter

FIXED_TIME = datetime(2026, 1, 1)  # document created/modified: the same on every run
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
AUTHOR = "sheetsync"
JOB_FILL = PatternFill("solid", fgColor=blueprint.JOB_FILL)  # job-owned places are grey
JOB_FONT = Font(bold=True, italic=True, color=blueprint.JOB_FONT)
HEADER_FONT = Font(bold=True)
HELP_STYLE = Font(italic=True, color=HELP_FONT)
NOTE_WIDTH = 320  # points


def render(blueprint: Blueprint) -> Workbook:
    """The workbook a blueprint describes, in memory."""
    book = Workbook()
    book.remove(book.active)
    for tab in blueprint.tabs:
        _render_tab(book.create_sheet(tab.title), tab, blueprint.dropdown_hint)
    props = book.properties
    props.title = blueprint.title
    props.creator = props.lastModifiedBy = AUTHOR
    props.language = blueprint.language
    props.created = props.modified = FIXED_TIME
    return book


def write_template(path: str | os.PathLike[str], blueprint: Blueprint, *,
                   replace: bool = False) -> Path:
    """Save ``blueprint`` as a new .xlsx at ``path``; an existing file is kept unless ``replace``.

    The file appears whole or not at all: it is written beside its target and then linked
    (or, with ``replace``, renamed) into place.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise NotNew(f"the folder {target.parent} does not exist; create it first or "
                     "choose another path.")
    if target.exists() and not replace:
        raise NotNew(f"{target} already exists and sheetsync never overwrites a "
                     "workbook; choose a new file name.")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".xlsx.tmp",
                               dir=target.parent)
    os.close(fd)
    try:
        _save(render(blueprint), Path(tmp))
        Path(tmp).chmod(0o644)
        if replace:
            Path(tmp).replace(target)
        else:
            _link_new(Path(tmp), target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _link_new(tmp: Path, target: Path) -> None:
    """Put ``tmp`` at ``target`` only if nothing is there, even if another process races."""
    try:
        os.link(tmp, target)
    except FileExistsError as exc:
        raise NotNew(f"{target} already exists and sheetsync never overwrites a "
                     "workbook; choose a new file name.") from exc
    except OSError:  # a filesystem without hard links: the check above has to do
        Path(tmp).replace(target)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry ZIP_TIME, so equal content gives equal bytes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl writes each worksheet through a temporary file, stamped with its mtime
        self.writestr(arcname or os.fspath(filename), Path(filename).read_bytes())


def _save(book: Workbook, path: Path) -> None:
    # ExcelWriter directly: Workbook.save would stamp the current time as "modified".
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


# --------------------------------------------------------------------------- one tab


def _render_tab(ws: Worksheet, tab: Tab, hint: Callable[[tuple[str, ...]], str]) -> None:
    for col, column in enumerate(tab.columns, start=1):
        cell = ws.cell(1, col, column.header)
        cell.font = JOB_FONT if column.job_owned else HEADER_FONT
        if column.job_owned:
            cell.fill = JOB_FILL
        cell.comment = _note(column.note)
        letter = column_letter(col)
        ws.column_dimensions[letter].width = column.width
        if column.date:  # a column style, not 999 styled empty cells: saves stay small
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        if column.words:
            _dropdown(ws, f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}", column.words, hint)
    for row, values in enumerate(tab.rows, start=FIRST_ROW):
        for col, (column, value) in enumerate(zip(tab.columns, values, strict=True), start=1):
            if value is None:
                continue
            cell = ws.cell(row, col, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even if it starts with '='
            elif column.date:
                cell.number_format = DATE_FORMAT
            if column.help:
                cell.font = HELP_STYLE
    for dropdown in tab.cell_dropdowns:
        _dropdown(ws, a1(dropdown.row, dropdown.col), dropdown.words, hint)
    for rank, highlight in enumerate(tab.highlights, start=1):
        ws.conditional_formatting.add(tab.highlight_range,
                                      _rule(highlight, tab.highlight_column, rank))
    if tab.freeze_rows or tab.freeze_cols:
        ws.freeze_panes = a1(tab.freeze_rows + 1, tab.freeze_cols + 1)
    if tab.job_owned:
        ws.sheet_properties.tabColor = JOB_TAB_COLOUR


def _note(text: str) -> Comment:
    note = Comment(text, AUTHOR)
    note.width = NOTE_WIDTH
    note.height = 20 + 16 * (len(text) // 45 + 1)
    return note


def _dropdown(ws: Worksheet, ref: str, words: tuple[str, ...],
              hint: Callable[[tuple[str, ...]], str]) -> None:
    rule = DataValidation(
        type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
        showErrorMessage=True, errorStyle="warning", errorTitle=AUTHOR, error=hint(words),
    )
    rule.add(ref)
    ws.add_data_validation(rule)


def _rule(highlight: Highlight, column: str, rank: int) -> FormulaRule:
    fill = PatternFill("solid", start_color=highlight.fill, end_color=highlight.fill)
    rule = FormulaRule(formula=[highlight.formula(column)], fill=fill,
                       font=Font(color=highlight.font), stopIfTrue=True)
    rule.priority = rank
    return rule
