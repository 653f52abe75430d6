"""An .xlsx project workbook on disk: read fast, write back only the cells sheetsync owns.

Reading (``xlsx_package``) takes the file's bytes once and streams only the tabs sheetsync
knows; it never writes. Writing (``xlsx_patch``) splices the plan's cells into the touched
worksheet parts as inline strings, adds new job-owned tabs as new parts, and copies every
other part of the zip byte for byte: macros, charts, drawings, pivots, comments, ``extLst``
(x14 validations, sparklines), styles and formula results all stay as staff saved them.

A write is safe against a staff save at any moment: under a lock in the state dir (beside
the file when there is none) the new file is written to a temporary file in the same
folder, and just before ``os.replace`` the original is checked to be exactly the version
planned from (inode, size, modification time, SHA-256). If it changed, the new version is
read and the plan's cells applied to it again (each flag finds its milestone's row by ID),
up to ``ATTEMPTS`` times. A workbook open in Excel or LibreOffice (their owner lock file
beside it) is never written: check still reports the flags, and the next run writes them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from sheetsync.backends import xlsx_book as book
from sheetsync.backends import xlsx_package as pkg
from sheetsync.backends import xlsx_patch as patch
from sheetsync.backends import xlsx_zip
from sheetsync.backends.xlsx_edits import TabEdit, edit_makers
from sheetsync.core import schema
from sheetsync.errors import ConfigError, LockBusy, SourceError, WriteRefused
from sheetsync.model import RawTab, RawWorkbook, WritePlan

LOCK_TIMEOUT = 60.0  # seconds to wait for another sheetsync process writing the same file
ATTEMPTS = 3  # plans against a file that staff keep saving, before giving up for this run
TEMP_MARK = ".sheetsync-"  # in the name of every temporary file, so a later run finds it


class XlsxFile:
    """The ``Backend`` for an .xlsx (or .xlsm) path."""

    api_requests = 0

    def __init__(self, path: str | os.PathLike[str],
                 lock_dir: str | os.PathLike[str] | None = None) -> None:
        self.source = str(path)
        self.path = Path(path)
        self.lock_dir = Path(lock_dir) if lock_dir is not None else None
        # Called with the stage's name ("read", "plan", "temp", "replace") as a write goes
        # on: the race tests time a staff save there.
        self.hook: Callable[[str], None] = lambda stage: None
        self._seen: pkg.Snapshot | None = None  # the version read last
        self._tabs: dict[str, RawTab] = {}  # its known tabs' values

    # ------------------------------------------------------------------ read

    def modified_time(self) -> str | None:
        """None: a file is read whole every run (it costs no quota)."""
        return None

    def read(self) -> RawWorkbook:
        self.hook("read")
        self._remove_leftovers()
        snapshot = pkg.take(self.path)
        enabled = gc.isenabled()
        gc.disable()  # a read makes many small objects and no cycles: no collections needed
        try:
            package = pkg.open_package(snapshot, self.path)
            tabs = self._known_tabs(package)
        except SourceError:
            raise
        except Exception as exc:  # zip, XML and number parsing fail in many ways on damage
            raise SourceError(f"{self.path} could not be opened as a workbook ({exc}); open "
                              "it in Excel and save it as .xlsx.") from exc
        finally:
            if enabled:
                gc.enable()
        self._seen, self._tabs = snapshot, {t.name: t for t in tabs}
        refusal = owner_lock(self.path)
        return RawWorkbook(title=self.path.stem, tabs=tuple(tabs), can_write=not refusal,
                           write_refusal=refusal)

    def _known_tabs(self, package: pkg.Package, only: set[str] | None = None) -> list[RawTab]:
        tabs = []
        for title in package.sheets:
            if schema.canonical_tab(title) is None or (only is not None and title not in only):
                continue
            sheet = pkg.read_sheet(package, title, self.path)
            tabs.append(RawTab(title, sheet.rows, merged=sheet.merged))
        return tabs

    # ------------------------------------------------------------------ write

    def apply(self, plan: WritePlan) -> RawTab | None:
        """Patch the plan in (one file replace); with ``echo_log``, the Log tab after it."""
        if plan.empty:
            return None
        lock = FileLock(str(self._lock_path()), mode=0o666)  # every user of the host
        try:
            with lock.acquire(timeout=LOCK_TIMEOUT):
                return self._apply_locked(plan)
        except Timeout as exc:
            raise LockBusy(f"another sheetsync process has been writing {self.path} for over "
                           f"{LOCK_TIMEOUT:.0f} s; try again when it has finished.") from exc
        except OSError as exc:  # a full disk, a read-only folder: the file is as it was
            raise SourceError(f"{self.path} could not be saved ({exc.strerror or exc}); make "
                              "sure its folder is writable and has free space, then run "
                              "check again.") from exc

    def _apply_locked(self, plan: WritePlan) -> RawTab | None:
        self._remove_leftovers(locked=True)
        for _ in range(ATTEMPTS):
            package, tabs = self._current(plan)
            self.hook("plan")
            refusal = owner_lock(self.path)
            if refusal:
                raise WriteRefused(f"sheetsync did not write to {self.path}: {refusal}.")
            log = tabs.get(plan.log_tab)  # as it is in the file being patched, under the lock
            if self._write(package, edit_makers(plan, tabs, package.sheets)):
                return _log_after(plan, log) if plan.echo_log and plan.log_rows else None
        raise WriteRefused(
            f"{self.path} was saved again each of the {ATTEMPTS} times sheetsync was about to "
            "write it, so sheetsync wrote nothing, to lose none of those saves; the next run "
            "writes the flags.")

    def _current(self, plan: WritePlan) -> tuple[pkg.Package, dict[str, RawTab]]:
        """The file as it is now and the values of the tabs the plan writes."""
        seen = self._seen
        if seen is None or pkg.identity(self.path) != seen.identity:
            seen, self._tabs = pkg.take(self.path), {}
        package = pkg.open_package(seen, self.path)
        wanted = {plan.flags_tab, plan.problems_tab, plan.log_tab,
                  *(t.title for t in plan.tabs)} & set(package.sheets)
        missing = {t for t in wanted if t not in self._tabs}
        if missing:
            self._tabs.update((t.name, t) for t in self._known_tabs(package, missing))
        self._seen = seen
        return package, self._tabs

    def _write(self, package: pkg.Package, makers: list[Callable[[], TabEdit]]) -> bool:
        """Write the patched file and put it in place; False if the file changed meanwhile."""
        archive = package.zip
        parts: dict[str, bytes] = {}
        pieces: dict[str, list[bytes | memoryview]] = {}  # big sheets: written as they come
        new_parts: dict[str, xlsx_zip.Staged] = {}  # compressed as soon as made
        found = self._styles(package)
        styles = found[1] if found else None
        for make in makers:  # one tab's edit at a time, let go once it is staged
            edit = make()
            if edit.cells:
                self._stage(package, edit, styles, parts, pieces, new_parts)
            del edit
        if found is not None and found[1].changed:
            parts[found[0]] = found[1].xml
        if not parts and not pieces and not new_parts:
            return True
        mode = self.path.stat().st_mode & 0o777
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}{TEMP_MARK}", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            with os.fdopen(fd, "w+b") as out:
                xlsx_zip.write_zip(archive, package.snapshot.data, out, {**parts, **pieces},
                                   new_parts, between=lambda: self.hook("temp"))
                out.flush()
                os.fsync(out.fileno())
            Path(tmp).chmod(mode)
            self.hook("replace")
            if pkg.identity(self.path) != package.snapshot.identity:
                Path(tmp).unlink(missing_ok=True)
                return False
            data = Path(tmp).read_bytes()
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._seen = pkg.Snapshot(data, (*pkg.stamp(self.path),
                                         hashlib.sha256(data).hexdigest()))
        self._tabs = {}  # what was written is read again from memory when needed
        return True

    @staticmethod
    def _stage(package: pkg.Package, edit: TabEdit, styles: book.Styles | None,
               parts: dict[str, bytes], pieces: dict[str, list[bytes | memoryview]],
               new_parts: dict[str, xlsx_zip.Staged]) -> None:
        """One tab's edit as the content of its part, patched now (the formats it needs
        are found as it is made): an existing part as pieces, a new tab's part compressed."""
        archive = package.zip
        resolve = edit.resolve(styles)
        part = package.sheets.get(edit.title)
        if part is None:
            for name in (package.workbook, pkg.rels_path(package.workbook),
                         "[Content_Types].xml"):
                parts.setdefault(name, archive.read(name))
            part = book.register_sheet(parts, package.workbook, edit.title,
                                        lambda n: n in archive.NameToInfo or n in new_parts)
            new_parts[part] = xlsx_zip.stage(part, patch.new_sheet_pieces(
                edit.cells, resolve, patch.new_sheet(edit.freeze, edit.widths)))
        else:
            pieces[part] = patch.patch_sheet_chunks(archive.read(part), edit.cells, resolve)

    def _styles(self, package: pkg.Package) -> tuple[str, book.Styles] | None:
        name = package._related("styles")
        if name is None or name not in package.zip.NameToInfo:
            return None
        return name, book.Styles(package.zip.read(name))

    # ------------------------------------------------------------------ files beside it

    def _lock_path(self) -> Path:
        """In the host-wide lock folder when given (named by the file's real path), else
        hidden beside the file."""
        if self.lock_dir is None:
            return self.path.with_name(f".{self.path.name}.sheetsync.lock")
        digest = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]
        try:
            self.lock_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"the lock folder {self.lock_dir} cannot be created "
                              f"({exc.strerror}); make it writable for every user that runs "
                              "sheetsync (mode 777).") from exc
        return self.lock_dir / f"{self.path.stem[:40]}-{digest}.xlsx.lock"

    def _remove_leftovers(self, locked: bool = False) -> None:
        """Delete temporary files an interrupted write of this workbook left in its folder.

        Only while holding the write lock, so no other sheetsync process is writing one.
        """
        if not self.path.parent.is_dir():
            return
        names = (f".{self.path.name}{TEMP_MARK}*.tmp", f".{self.path.stem}.*.xlsx.tmp")
        found = [p for pattern in names for p in self.path.parent.glob(pattern)]
        if not found:
            return
        if locked:
            for leftover in found:
                leftover.unlink(missing_ok=True)
            return
        with contextlib.suppress(Timeout, OSError, ConfigError), \
                FileLock(str(self._lock_path()), mode=0o666).acquire(timeout=0):
            for leftover in found:
                leftover.unlink(missing_ok=True)


def _log_after(plan: WritePlan, log: RawTab | None) -> RawTab:
    """The Log tab as the write left it: its rows up to the last one holding anything (the
    header first on a new tab), then the plan's rows (``xlsx_edits.append``)."""
    rows = list(log.rows) if log is not None else []
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    if not rows and plan.log_header:
        rows.append(plan.log_header)
    return RawTab(plan.log_tab, (*rows, *plan.log_rows))


def owner_lock(path: Path) -> str:
    """Why the workbook is open in another program (its owner lock file), or ""."""
    office = [path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])]
    if path.with_name(f".~lock.{path.name}#").exists():
        program, lock = "LibreOffice", f".~lock.{path.name}#"
    elif any(p.exists() for p in office):
        program, lock = "Excel", next(p.name for p in office if p.exists())
    else:
        return ""
    return (f"it is open in {program} (the file {lock} is beside it), and a save there would "
            "undo the flags; close it there and the next run writes them (if it is open "
            f"nowhere, delete {lock})")
