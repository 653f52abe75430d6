"""Build real .xlsx project workbooks for tests from plain Python lists.

``make_workbook(path, {"Project": [...], "Milestones": [...]})`` writes one tab per key, each
list being the tab's rows from row 1 (``None`` leaves a cell empty). Values starting with
``=`` become formulas, as openpyxl writes them; use ``text_cell`` for text that must stay
text. ``project_tabs`` gives a small, valid project to start from.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.workbook import Workbook

Rows = Sequence[Sequence[Any]]

PROJECT_ROWS: list[list[Any]] = [
    ["Field", "Value"],
    ["Project", "Acme rollout"],
    ["Client", "Acme Ltd"],
    ["Client emails", "ann@acme.example, bob@acme.example"],
    ["PM email", "pm@team.example"],
]
MILESTONE_HEADER = ["ID", "Milestone", "Owner", "Due", "Status", "Done on", "Client confirmed",
                    "Depends on"]


def text_cell(value: str) -> tuple[str, str]:
    """A marker for a cell that must be stored as text even if it starts with '='."""
    return ("__text__", value)


def build(tabs: Mapping[str, Rows]) -> Workbook:
    """An openpyxl Workbook with one tab per entry, in order, rows from row 1."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        ws = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, tuple) and value[:1] == ("__text__",):
                    cell.value = value[1]
                    cell.data_type = "s"
                else:
                    cell.value = value
    return book


def make_workbook(path: Path, tabs: Mapping[str, Rows]) -> Path:
    """Write ``tabs`` as a real .xlsx file at ``path`` and return the path."""
    build(tabs).save(path)
    return path


def project_tabs(milestones: Rows = (), *, project: Rows | None = None,
                 **more: Rows) -> dict[str, Rows]:
    """A Project tab (defaults above), a Milestones tab with the usual header, and more tabs."""
    tabs: dict[str, Rows] = {
        "Project": PROJECT_ROWS if project is None else project,
        "Milestones": [MILESTONE_HEADER, *milestones],
    }
    tabs.update(more)
    return tabs


def read_values(path: Path, tab: str) -> list[list[Any]]:
    """Every value of a tab, as stored (formulas as their text), rows from row 1."""
    book = openpyxl.load_workbook(path)
    try:
        return [list(row) for row in book[tab].iter_rows(values_only=True)]
    finally:
        book.close()


def with_cached_values(path: Path, cached: Mapping[tuple[str, str], Any]) -> None:
    """Give formula cells a cached result, as Excel would when it saves.

    ``cached`` maps (sheet title, A1 ref) to the result. openpyxl never writes results, so
    this edits the sheet XML: ``<c r="B2"><f>..</f><v></v></c>`` gets ``<v>result</v>``.
    """
    tmp = path.with_suffix(".cached.tmp")
    with zipfile.ZipFile(path) as src:
        paths = sheet_xml_paths(src)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                for (title, ref), value in cached.items():
                    if paths.get(title) == info.filename:
                        data = _cache_one(data, ref, value)
                dst.writestr(info, data)
    shutil.move(tmp, path)


def _cache_one(xml: bytes, ref: str, value: Any) -> bytes:
    """Put ``value`` as the saved result of the formula cell ``ref`` of one sheet's XML."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*)>(<f>.*?</f>)'
                         rb"(?:<v\s*/>|<v>.*?</v>)?</c>", re.DOTALL)
    kind = b' t="str"' if isinstance(value, str) else b""
    attrs_of = re.compile(rb'\st="\w+"')

    def fill(m: re.Match[bytes]) -> bytes:
        attrs = attrs_of.sub(b"", m[1]) + kind
        return b'<c r="' + ref.encode() + b'"' + attrs + b">" + m[2] + b"<v>" + \
            escape(str(value)).encode() + b"</v></c>"

    new, count = pattern.subn(fill, xml)
    assert count == 1, f"no formula cell {ref} to cache"
    return new


def sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the path of its XML inside an .xlsx archive."""
    book = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'Id="([^"]+)"', rel)
        target = re.search(r'Target="([^"]+)"', rel)
        if rid and target:
            targets[rid[1]] = target[1]
    paths = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", book):
        name = re.search(r'name="([^"]+)"', sheet)
        rid = re.search(r'r:id="([^"]+)"', sheet)
        if name and rid:
            target = targets.get(rid[1], "")
            paths[name[1]] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return paths
