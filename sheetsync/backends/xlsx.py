"""An .xlsx project workbook on disk (openpyxl).

Reading loads the whole workbook once, with formulas (a workbook loaded with
``data_only=True`` and saved would lose every formula), plus a scan of each sheet's XML for
formulas and their cached results: a formula cell's value is its cached result, and a
formula with none becomes ``Unreadable`` (a problem, never a crash). The loaded workbook is
kept, so a check that writes does not load the file a second time.

Writing changes only the job-owned cells of the plan in that workbook (or in a fresh load,
if the file changed since the read), and saves to a temporary file that replaces the
original atomically, under a lock in the state dir (beside the file when there is none).
openpyxl writes formulas without their cached results, so ``formula_cache`` puts the
results read before back into the saved XML: the next read, and any program that does not
recalculate, still sees them. openpyxl also drops charts, images and shapes, so a workbook
holding any is never written (``RawWorkbook.can_write`` is False and ``apply`` raises
``WriteRefused``); it is read in openpyxl's quicker read-only mode instead.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from filelock import FileLock, Timeout
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sheetsync.backends import formula_cache
from sheetsync.core import schema
from sheetsync.core.writeplan import remap
from sheetsync.errors import ConfigError, LockBusy, SourceError, WriteRefused
from sheetsync.model import CellValue, RawTab, RawWorkbook, WritePlan, cell_text

LOST_ON_SAVE = ("xl/drawings/drawing", "xl/charts/", "xl/media/", "xl/diagrams/",
                "xl/embeddings/", "xl/activeX/", "xl/ctrlProps/")
LOCK_TIMEOUT = 60.0  # seconds to wait for another sheetsync process writing the same file
JOB_FILL = PatternFill("solid", fgColor="E8EAED")  # job-owned places are visibly grey
JOB_FONT = Font(bold=True, italic=True, color="5F6368")


class XlsxFile:
    """The ``Backend`` for an .xlsx path."""

    api_requests = 0

    def __init__(self, path: str | os.PathLike[str],
                 lock_dir: str | os.PathLike[str] | None = None) -> None:
        self.source = str(path)
        self.path = Path(path)
        self.lock_dir = Path(lock_dir) if lock_dir is not None else None
        self._formulas: formula_cache.Cache = {}
        # The workbook as read, with formulas and styles, and the file it came from: apply
        # saves it rather than loading the file a second time, while the file is unchanged.
        self._book: Workbook | None = None
        self._stamp: tuple[int, int, int] | None = None

    # ------------------------------------------------------------------ read

    def read(self) -> RawWorkbook:
        archive = self._archive()
        with archive:
            stamp = _stamp(self.path)
            lost = any(n.startswith(LOST_ON_SAVE) for n in archive.namelist())
            try:
                book, tabs = self._read_tabs(archive, whole=not lost)
            except Exception as exc:  # openpyxl and zipfile raise many kinds on a damaged file
                raise SourceError(
                    f"{self.path} could not be opened as a workbook ({exc}); open it in Excel "
                    "and save it as .xlsx."
                ) from exc
        self._book, self._stamp = book, stamp
        refusal = ""
        if lost:
            refusal = "it holds charts, images or shapes that would be lost if it were saved"
        return RawWorkbook(title=self.path.stem, tabs=tuple(tabs), can_write=not lost,
                           write_refusal=refusal)

    def _read_tabs(self, archive: zipfile.ZipFile, *,
                   whole: bool) -> tuple[Workbook | None, list[RawTab]]:
        """The values of every known tab and, when ``whole``, the workbook as apply saves it.

        A formula cell's value is its saved result, found by ``formula_cache.scan``. Should
        the scan miss a formula, openpyxl's own reading of saved results is used instead; a
        workbook that will not be saved is read that quicker way too.
        """
        self._formulas = formula_cache.scan_all(archive)
        if not whole:
            return None, self._read_saved_results()
        book = _load(self.path)
        tabs = []
        for ws in book.worksheets:
            if schema.canonical_tab(ws.title) is None:
                continue
            rows = _values(ws, self._formulas.get(ws.title, {}), book.epoch)
            if rows is None:
                return book, self._read_saved_results()
            tabs.append(RawTab(ws.title, rows))
        return book, tabs

    def _read_saved_results(self) -> list[RawTab]:
        book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            return [RawTab(ws.title, _rows(ws, self._formulas.get(ws.title, {})))
                    for ws in book.worksheets if schema.canonical_tab(ws.title) is not None]
        finally:
            book.close()

    def _archive(self) -> zipfile.ZipFile:
        if not self.path.exists():
            raise SourceError(f"{self.path} does not exist; check the path, or create it with "
                              f"'sheetsync init {self.path}'.")
        try:
            return zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise SourceError(f"{self.path} is not an .xlsx workbook ({exc}); save it from "
                              "Excel or Sheets as .xlsx.") from exc

    # ------------------------------------------------------------------ write

    def apply(self, plan: WritePlan) -> None:
        if plan.empty:
            return
        lock = FileLock(str(self._lock_path()))
        try:
            with lock.acquire(timeout=LOCK_TIMEOUT):
                self._apply_locked(plan)
        except Timeout as exc:
            raise LockBusy(f"another sheetsync process has been writing {self.path} for over "
                           f"{LOCK_TIMEOUT:.0f} s; try again when it has finished.") from exc
        except OSError as exc:  # a full disk, a read-only folder: the file is as it was
            raise SourceError(f"{self.path} could not be saved ({exc.strerror or exc}); make "
                              "sure its folder is writable and has free space, then run "
                              "check again.") from exc

    def _lock_path(self) -> Path:
        """In the state dir when there is one (CONTRACT §5), else hidden beside the file."""
        if self.lock_dir is None:
            return self.path.with_name(f".{self.path.name}.sheetsync.lock")
        digest = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]
        try:
            self.lock_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"the lock folder {self.lock_dir} cannot be created "
                              f"({exc.strerror}); set SHEETSYNC_STATE_DIR to a folder this "
                              "user can write.") from exc
        return self.lock_dir / f"{self.path.stem[:40]}-{digest}.xlsx.lock"

    def _apply_locked(self, plan: WritePlan) -> None:
        with self._archive() as archive:
            if any(n.startswith(LOST_ON_SAVE) for n in archive.namelist()):
                raise WriteRefused(
                    f"{self.path} holds charts, images or shapes that would be lost on saving, "
                    "so sheetsync did not write to it; move them to another file."
                )
            book = self._book
            if book is None or self._stamp != _stamp(self.path):  # changed since the read
                book = _load(self.path)
                self._formulas = formula_cache.scan_all(archive)
        self._book = None  # changed below: if saving fails, it is not the file any more
        if plan.flag_cells and plan.flags_tab in book.sheetnames:
            _write_flags(book[plan.flags_tab], plan)
        if plan.problems_rows is not None:
            _write_problems(_tab(book, plan.problems_tab), plan)
        if plan.log_rows:
            _append_log(_tab(book, plan.log_tab), plan)
        self._save(book)

    def _save(self, book: Workbook) -> None:
        mode = self.path.stat().st_mode & 0o777
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".xlsx.tmp",
                                   dir=self.path.parent)
        os.close(fd)
        try:
            book.save(tmp)
            formula_cache.restore(Path(tmp), self._formulas, book)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._book, self._stamp = book, _stamp(self.path)  # what the file holds now


def _stamp(path: Path) -> tuple[int, int, int]:
    """What tells one version of the file from another: inode, size, modification time."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _load(path: Path) -> Workbook:
    """The workbook with formulas, styles and validation, as a write must save it."""
    with warnings.catch_warnings():  # "extension not supported" and the like: not for staff
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _values(ws: Worksheet, formulas: formula_cache.SheetFormulas,
            epoch: Any) -> tuple[tuple[CellValue, ...], ...] | None:
    """The tab's values, a formula's being its saved result; None if the scan missed one."""
    rows: list[list[CellValue]] = []
    for (r, c), cell in ws._cells.items():  # only the cells the file holds: iter_rows adds some
        value = cell.value
        if cell.data_type == "f":
            found = formulas.get((r, c))
            if found is None:
                return None
            formula, cached = found
            value = (formula_cache.uncached(formula) if cached is None
                     else formula_cache.result(cached, cell.number_format, epoch))
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = value
    return tuple(tuple(row) for row in rows)


def _rows(ws: Any, formulas: formula_cache.SheetFormulas) -> tuple[tuple[CellValue, ...], ...]:
    ws.reset_dimensions()  # read every row and column, whatever size the file claims
    rows = [list(values) for values in ws.iter_rows(values_only=True)]
    for (r, c), (formula, cached) in formulas.items():
        if cached is not None:
            continue  # openpyxl read the saved result
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        row.extend([None] * (c - len(row)))
        row[c - 1] = formula_cache.uncached(formula)
    return tuple(tuple(row) for row in rows)


def _tab(book: Workbook, title: str) -> Worksheet:
    if title in book.sheetnames:
        return book[title]
    return book.create_sheet(title)


def _set_text(cell: Cell, value: str) -> None:
    """Store text as text: a value starting with '=' never becomes a formula."""
    cell.value = value if value else None
    if value:
        cell.data_type = "s"


def _write_flags(ws: Worksheet, plan: WritePlan) -> None:
    ids: dict[int, str] = {}
    for (value,) in ws.iter_rows(min_col=plan.id_col, max_col=plan.id_col, values_only=True,
                                 min_row=1):
        ids[len(ids) + 1] = cell_text(value).strip()
    for write in remap(plan.flag_cells, ids):
        cell = ws.cell(write.row, write.col)
        _set_text(cell, write.value)
        if not write.key and write.value:
            _style_job_header(ws, cell)


def _style_job_header(ws: Worksheet, cell: Any) -> None:
    """A new Flag header looks like its neighbours, greyed as written by sheetsync."""
    left = ws.cell(cell.row, max(1, cell.column - 1))
    if left.has_style:
        cell._style = left._style.__class__(left._style)  # same font, borders, alignment
    cell.fill = JOB_FILL
    cell.font = JOB_FONT


def _write_problems(ws: Worksheet, plan: WritePlan) -> None:
    rows = plan.problems_rows or ()
    height = max(len(rows), plan.problems_old_height, ws.max_row if ws.max_row > 1 else 0)
    width = max([len(r) for r in rows] + [5])
    for r in range(1, height + 1):
        values = rows[r - 1] if r <= len(rows) else ()
        for c in range(1, width + 1):
            value = values[c - 1] if c <= len(values) else ""
            cell = ws.cell(r, c)
            if value or cell.value is not None:
                _set_text(cell, value)
    for c in range(1, width + 1):
        ws.cell(1, c).font = JOB_FONT
        ws.cell(1, c).fill = JOB_FILL
    ws.freeze_panes = "A2"


def _append_log(ws: Worksheet, plan: WritePlan) -> None:
    last = ws.max_row if any(c.value is not None for c in ws[ws.max_row]) else ws.max_row - 1
    rows: list[tuple[str, ...]] = list(plan.log_rows)
    if last == 0 and plan.log_header:
        rows.insert(0, plan.log_header)
    for offset, values in enumerate(rows, start=last + 1):
        for c, value in enumerate(values, start=1):
            _set_text(ws.cell(offset, c), value)
    if last == 0:
        for c in range(1, len(plan.log_header) + 1):
            ws.cell(1, c).font = JOB_FONT
            ws.cell(1, c).fill = JOB_FILL
        ws.freeze_panes = "A2"

