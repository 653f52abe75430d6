"""Reading an .xlsx package without ever writing it: its tabs, their parts and values.

The file is read once into memory (``take``): the bytes, their SHA-256 and the file's inode,
size and modification time, so a later write can tell whether the file is still the one it
planned from. ``Package`` then finds each tab's worksheet part through ``workbook.xml`` and
its relationships, and ``read_sheet`` streams one part with lxml, giving each cell the value
openpyxl gives when it reads saved results (``data_only``): shared and inline strings,
numbers as int or float, booleans, error text, dates by the cell's number format. A formula
with no saved result is ``Unreadable`` (a problem for staff, never a crash). Only the tabs
sheetsync knows are read at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree

from sheetsync.backends.xlsx_cells import (
    BUILTIN_DATES,
    MAC_EPOCH,
    WINDOWS_EPOCH,
    from_excel,
    is_date_format,
    is_duration_format,
    read_strings,
    scan_sheet,
)
from sheetsync.errors import SourceError
from sheetsync.model import FORMULA_NO_RESULT, CellValue, Unreadable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = DOC_REL + "/worksheet"
OFFICE_DOCUMENT = DOC_REL + "/officeDocument"
_C, _V, _F, _IS, _ROW = (f"{{{MAIN}}}{t}" for t in ("c", "v", "f", "is", "row"))
_MERGE = f"{{{MAIN}}}mergeCell"
_T, _RPH = f"{{{MAIN}}}t", f"{{{MAIN}}}rPh"
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)

Identity = tuple[int, int, int, str]  # inode, size, mtime (ns), SHA-256 of the content


@dataclass(frozen=True)
class Snapshot:
    """One version of the file: its bytes and what tells it from any other version."""

    data: bytes
    identity: Identity


def stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def take(path: Path) -> Snapshot:
    """The file's bytes and identity; SourceError with a sentence when it cannot be read."""
    if not path.exists():
        raise SourceError(f"{path} does not exist; check the path, or create it with "
                          f"'sheetsync init {path}'.")
    try:
        before = stamp(path)
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path} could not be read ({exc.strerror or exc}); check that this "
                          "user may read it.") from exc
    return Snapshot(data, (*before, hashlib.sha256(data).hexdigest()))


def identity(path: Path) -> Identity | None:
    """The file's identity now (None when it is gone), to compare with a Snapshot's."""
    try:
        before = stamp(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    return (*before, digest)


def part_path(source: str, target: str) -> str:
    """A relationship target as a path inside the zip (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


@dataclass
class SheetRead:
    """One tab's values (``rows[i]`` is row i + 1) and its merged ranges (A1 refs)."""

    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[str, ...] = ()


@dataclass
class Package:
    """An opened package: the zip, the workbook part, and each tab's worksheet part."""

    snapshot: Snapshot
    zip: zipfile.ZipFile
    workbook: str  # e.g. "xl/workbook.xml"
    sheets: dict[str, str] = field(default_factory=dict)  # title -> part, in tab order
    epoch: Any = WINDOWS_EPOCH

    def xml(self, part: str) -> Any:
        return etree.fromstring(self.zip.read(part), _PARSER)

    @cached_property
    def strings(self) -> list[str]:
        name = self._related("sharedStrings")
        if name is None or name not in self.zip.NameToInfo:
            return []
        with self.zip.open(name) as fh:
            return read_strings(fh)

    @cached_property
    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cellXfs indexes whose number format is a date, and those of a duration."""
        name = self._related("styles")
        if name is None or name not in self.zip.NameToInfo:
            return frozenset(), frozenset()
        root = self.xml(name)
        formats: dict[int, str] = dict(BUILTIN_DATES)
        for fmt in root.iter(f"{{{MAIN}}}numFmt"):
            try:
                formats[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
            except ValueError:
                continue
        dates, durations = set(), set()
        xfs = root.find(f"{{{MAIN}}}cellXfs")
        for index, xf in enumerate(xfs if xfs is not None else ()):
            code = formats.get(int(xf.get("numFmtId", "0") or 0), "")
            if code and is_date_format(code):
                dates.add(index)
                if is_duration_format(code):
                    durations.add(index)
        return frozenset(dates), frozenset(durations)

    def _related(self, kind: str) -> str | None:
        rels = rels_path(self.workbook)
        if rels not in self.zip.NameToInfo:
            return None
        for rel in etree.fromstring(self.zip.read(rels), _PARSER):
            if rel.get("Type", "").endswith("/" + kind):
                return part_path(self.workbook, rel.get("Target", ""))
        return None


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file, not a zip


def not_a_package(path: Path, data: bytes) -> str:
    """What a compound (OLE) file named .xlsx is: a password-protected workbook (Office keeps
    the encrypted package in an ``EncryptionInfo`` + ``EncryptedPackage`` compound file) or
    an old binary .xls; how to make it one sheetsync can read."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return (f"{path} is encrypted with a password, so sheetsync cannot read it; remove the "
                "password (Excel: File > Info > Protect Workbook > Encrypt with Password, "
                "clear it and save; LibreOffice: File > Save As, untick 'Save with password'); "
                "sheet protection (Review > Protect Sheet) needs no password to read and may "
                "stay.")
    return (f"{path} is an old binary Excel workbook (.xls), not an .xlsx one; open it in "
            "Excel or LibreOffice and save it as .xlsx (Excel Workbook).")


def open_package(snapshot: Snapshot, path: Path) -> Package:
    """The package of a Snapshot; SourceError with a sentence when it is not a workbook."""
    if snapshot.data.startswith(OLE_MAGIC):
        raise SourceError(not_a_package(path, snapshot.data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(snapshot.data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path} is not an .xlsx workbook ({exc}); save it from Excel or "
                          "Sheets as .xlsx.") from exc
    try:
        root_rels = etree.fromstring(archive.read("_rels/.rels"), _PARSER)
        workbook = next(part_path("", r.get("Target", "")) for r in root_rels
                        if r.get("Type") == OFFICE_DOCUMENT)
        book = etree.fromstring(archive.read(workbook), _PARSER)
        targets = {r.get("Id"): part_path(workbook, r.get("Target", ""))
                   for r in etree.fromstring(archive.read(rels_path(workbook)), _PARSER)
                   if r.get("Type") == WORKSHEET}
    except (KeyError, StopIteration, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise SourceError(f"{path} is not an .xlsx workbook ({exc or 'no workbook part'}); "
                          "save it from Excel or Sheets as .xlsx.") from exc
    package = Package(snapshot, archive, workbook)
    pr = book.find(f"{{{MAIN}}}workbookPr")
    if pr is not None and pr.get("date1904", "").lower() in ("1", "true"):
        package.epoch = MAC_EPOCH
    for sheet in book.iter(f"{{{MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{DOC_REL}}}id"))
        if target is not None:
            package.sheets[sheet.get("name", "")] = target
    return package


_LETTERS: dict[str, int] = {}
_REF = re.compile(r"([A-Z]+)(\d+)")


def col_index(letters: str) -> int:
    n = _LETTERS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _LETTERS[letters] = n
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """ "K12" -> (12, 11)."""
    m = _REF.fullmatch(ref.replace("$", "").upper())
    if m is None:
        raise ValueError(ref)
    return int(m[2]), col_index(m[1])


def read_sheet(package: Package, title: str, path: Path) -> SheetRead:
    """Every value of one tab, as openpyxl reads saved results; SourceError if damaged."""
    part = package.sheets[title]
    try:
        fast = scan_sheet(package.zip.read(part), lambda: package.strings,
                          *package.date_styles, package.epoch, _unreadable)
        if fast is not None:
            rows, merged = fast
            return SheetRead(tuple(tuple(row) for row in rows), tuple(m for m in merged if m))
        with package.zip.open(part) as fh:
            return _values(fh, package)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError, IndexError,
            OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"{path} could not be opened as a workbook (the tab {title!r} is "
                          f"damaged: {exc}); open it in Excel and save it as .xlsx.") from exc


def _unreadable(formula: str) -> Unreadable:
    return Unreadable(FORMULA_NO_RESULT, formula)


def _values(fh: Any, package: Package) -> SheetRead:
    rows: list[list[CellValue]] = []
    merged: list[str] = []
    strings: list[str] | None = None
    dates, durations = package.date_styles
    row_no = col_no = 0
    for _, el in etree.iterparse(fh, events=("end",), tag=(_C, _ROW, _MERGE),
                                 resolve_entities=False, huge_tree=True):
        tag = el.tag
        if tag == _ROW:
            el.clear()
            while el.getprevious() is not None:  # keep memory flat on long sheets
                del el.getparent()[0]
            continue
        if tag == _MERGE:
            merged.append(el.get("ref", ""))
            continue
        ref = el.get("r")
        if ref:
            r, c = split_ref(ref)
            if r != row_no:
                row_no = r
            col_no = c
        else:  # cells without a reference follow one another from column A of their row
            parent = el.getparent()
            r = int(parent.get("r")) if parent is not None and parent.get("r") else row_no
            if r != row_no:
                row_no, col_no = r, 0
            col_no += 1
            r, c = row_no, col_no
        kind = el.get("t", "n")
        value: CellValue = None
        if kind == "inlineStr":
            node = el.find(_IS)
            if node is not None:
                value = "".join(t.text or "" for t in node.iter(_T)
                                if t.getparent().tag != _RPH)
        else:
            v = el.findtext(_V)
            formula = el.find(_F)
            if formula is not None and not (v or (kind == "str" and v is not None)):
                value = _unreadable("=" + (formula.text or ""))
            elif v:
                if kind == "n":
                    value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
                    style = int(el.get("s", "0") or 0)
                    if style in dates:
                        try:
                            value = from_excel(value, package.epoch,
                                               duration=style in durations)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif kind == "s":
                    if strings is None:
                        strings = package.strings
                    value = strings[int(v)]
                elif kind == "b":
                    value = bool(int(v))
                elif kind == "d":
                    value = _iso(v)
                else:  # "str", "e"
                    value = v
        el.clear()
        if value is None:
            continue
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = value
    return SheetRead(tuple(tuple(row) for row in rows), tuple(m for m in merged if m))


def _iso(text: str) -> CellValue:
    """A cell of type "d" (an ISO 8601 date or time, as some programs save dates)."""
    try:
        value = dt.datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        try:
            return dt.time.fromisoformat(text)
        except ValueError:
            return text
    return value
