"""The cached results of formulas in an .xlsx file: find them, and put them back.

openpyxl reads either formulas or their cached results, never both, and it saves formulas
without results. So the xlsx backend scans each sheet's XML once when it reads (a formula
with no result is ``Unreadable``), and after saving puts the results it saw back into the
saved XML, so that the next read (and any program that does not recalculate) still sees
them. Excel recalculates on open either way.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook import Workbook

from sheetsync.model import CellValue, Unreadable

Cached = tuple[str, str]  # (cell type attribute, the <v> text)
SheetFormulas = dict[tuple[int, int], tuple[str, Cached | None]]  # (row, col) -> formula, result
Cache = dict[str, SheetFormulas]  # sheet title -> its formulas

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.DOTALL)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
KEEPABLE = {"n", "str", "b", "e"}  # result types that live in the cell itself


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def scan(archive: zipfile.ZipFile, xml_path: str) -> SheetFormulas:
    """Every formula cell of one sheet's XML, with its cached result if it has one."""
    try:
        data = archive.read(xml_path.lstrip("/"))
    except KeyError:
        return {}
    if b"<f" not in data:
        return {}
    found: SheetFormulas = {}
    for match in _CELL.finditer(data):
        inner = match.group(2) or b""
        formula = _FORMULA.search(inner)
        if formula is None:
            continue
        ref = _REF.search(match.group(1))
        if ref is None:
            continue
        kind = _TYPE.search(match.group(1))
        value = _VALUE.search(inner)
        cached = None
        if value is not None and value.group(1).strip():
            cached = ((kind.group(1) if kind else b"n").decode(), value.group(1).decode())
        text = "=" + _unescape((formula.group(1) or b"").decode(errors="replace"))
        found[(int(ref.group(2)), _col(ref.group(1)))] = (text, cached)
    return found


def scan_all(archive: zipfile.ZipFile) -> Cache:
    """Every sheet's formulas, by sheet title (sheets without formulas left out)."""
    found = {title: scan(archive, path) for title, path in _sheet_paths(archive).items()}
    return {title: formulas for title, formulas in found.items() if formulas}


def uncached(formula: str) -> Unreadable:
    return Unreadable(f"the formula {formula} has no saved result", formula)


def result(cached: Cached, number_format: str, epoch: datetime) -> CellValue:
    """A saved result as openpyxl's ``data_only`` reading gives it, for a cell so formatted."""
    kind, text = cached
    text = _unescape(text)
    if kind == "b":
        return text.strip() == "1"
    if kind != "n":
        return text  # "str" text, "e" an error such as #N/A
    try:
        number: int | float = float(text) if any(ch in text for ch in ".eE") else int(text)
    except ValueError:
        return text
    if not is_date_format(number_format):
        return number
    try:
        return from_excel(number, epoch, timedelta=is_timedelta_format(number_format))
    except (OverflowError, ValueError):
        return "#VALUE!"


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the XML path of that sheet inside a saved workbook."""
    book = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {k: v for v, k in
                re.findall(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    paths: dict[str, str] = {}
    for name, rid in re.findall(r'<sheet\b[^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        paths[_unescape(name)] = path
    return paths


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _put_back(xml: bytes, formulas: SheetFormulas) -> bytes:
    def fill(match: re.Match[bytes]) -> bytes:
        attrs, inner = match.group(1), match.group(2) or b""
        ref = _REF.search(attrs)
        if ref is None or b"<f" not in inner:
            return match.group(0)
        entry = formulas.get((int(ref.group(2)), _col(ref.group(1))))
        if entry is None or entry[1] is None or entry[1][0] not in KEEPABLE:
            return match.group(0)
        kind, value = entry[1]
        if re.search(rb"<v>\s*[^\s<]", inner):
            return match.group(0)  # it has a result already
        attrs = _TYPE.sub(b"", attrs).rstrip()
        if kind != "n":
            attrs += f' t="{kind}"'.encode()
        inner = re.sub(rb"<v\s*/>|<v>\s*</v>", b"", inner) + b"<v>" + value.encode() + b"</v>"
        return b"<c" + attrs + b">" + inner + b"</c>"

    return _CELL.sub(fill, xml)


def restore(path: Path, cache: Cache, book: Workbook) -> None:
    """Put cached formula results back into the workbook just saved at ``path``."""
    wanted = {title: f for title, f in cache.items()
              if title in book.sheetnames and any(c is not None for _, c in f.values())}
    if not wanted:
        return
    with zipfile.ZipFile(path) as src:
        paths = _sheet_paths(src)
        by_path = {paths[t]: f for t, f in wanted.items() if t in paths}
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".zip.tmp")
        with open(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename in by_path:
                    data = _put_back(data, by_path[info.filename])
                dst.writestr(info, data)
    shutil.move(tmp, path)

