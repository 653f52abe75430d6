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


# --------------------------------------------------------------------------- real workbooks

X14_VALIDATION = (
    '<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
    'type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1>'
    "<xm:f>Lists!$A$1:$A$5</xm:f></x14:formula1><xm:sqref>C2:C200</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>")
VBA_PROJECT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # kept byte for byte


def tiny_png() -> bytes:
    """A valid 2x2 red PNG, made here (no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def real_workbook(path: Path, milestones: Rows, *, vba: bool = False,
                  notes: Mapping[str, str] | None = None) -> Path:
    """A project workbook as Excel users keep one, written by xlsxwriter: a table, a chart
    and an image, sparklines, a dropdown fed from another tab (in the Excel 2010 ``x14``
    block), comments, defined names, a formula with its saved result, and with ``vba`` an
    .xlsm with a ``vbaProject.bin``. ``notes`` puts staff text in cells ("I3": "call Ann")."""
    import io

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd"})
    dates = book.add_format({"num_format": "dd mmm yyyy"})
    bold = book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
    project = book.add_worksheet("Project")
    for r, row in enumerate(PROJECT_ROWS):
        project.write_row(r, 0, row)
    ws = book.add_worksheet("Milestones")
    ws.write_row(0, 0, MILESTONE_HEADER, bold)
    for r, row in enumerate(milestones, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if hasattr(value, "year"):
                ws.write_datetime(r, c, _as_datetime(value), dates)
            else:
                ws.write(r, c, value)
    ws.write_comment("B2", "Agreed with Ann on the call")
    ws.data_validation(1, 4, 199, 4, {"validate": "list",
                                       "source": ["Not started", "In progress", "Done"]})
    ws.conditional_format("D2:D200", {"type": "cell", "criteria": "<", "value": "TODAY()",
                                      "format": book.add_format({"bg_color": "#FFC7CE"})})
    ws.set_column("B:B", 40)
    ws.freeze_panes(1, 1)
    for ref, text in (notes or {}).items():
        ws.write(ref, text)
    lists = book.add_worksheet("Lists")
    for r, name in enumerate(["Team", "Client", "Vendor", "Legal", "Finance"]):
        lists.write(r, 0, name)
    budget = book.add_worksheet("Budget")
    budget.add_table("A1:D4", {"name": "Costs", "columns": [
        {"header": "Item"}, {"header": "Q1"}, {"header": "Q2"}, {"header": "Q3"}],
        "data": [["Servers", 100, 120, 90], ["Licences", 50, 50, 60], ["Travel", 10, 30, 20]]})
    budget.write_formula("F2", "=SUM(B2:D2)", None, 310)
    for r in range(1, 4):
        budget.add_sparkline(r, 4, {"range": f"Budget!B{r + 1}:D{r + 1}"})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Budget!$B$2:$B$4", "categories": "=Budget!$A$2:$A$4"})
    budget.insert_chart("H2", chart)
    budget.insert_image("H20", "dot.png", {"image_data": io.BytesIO(tiny_png())})
    book.define_name("Milestone_IDs", "=Milestones!$A$2:$A$200")
    book.define_name("Owners", "=Lists!$A$1:$A$5")
    if vba:
        bin_path = path.with_name("vbaProject.bin")
        bin_path.write_bytes(VBA_PROJECT)
        book.add_vba_project(str(bin_path))
    book.close()
    if vba:
        path.with_name("vbaProject.bin").unlink()
    _add_x14_validation(path, "Milestones")
    return path


def _as_datetime(value: Any) -> Any:
    from datetime import datetime

    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _add_x14_validation(path: Path, tab: str) -> None:
    """Put a dropdown fed from the Lists tab where Excel 2010+ keeps it: the x14 extLst."""
    tmp = path.with_suffix(".x14.tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        target = sheet_xml_paths(src)[tab]
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target:
                if b"<extLst>" in data:
                    data = data.replace(b"<extLst>", b"<extLst>" + X14_VALIDATION.encode())
                else:
                    data = data.replace(b"</worksheet>", b"<extLst>" + X14_VALIDATION.encode()
                                        + b"</extLst></worksheet>")
            dst.writestr(info, data)
    shutil.move(tmp, path)
