"""What a write changes in an .xlsx package's shared parts, each a splice into their bytes.

- ``register_sheet`` names a new worksheet part (made by ``xlsx_patch.new_sheet``) in
  ``workbook.xml``, its relationships and ``[Content_Types].xml``.
- ``Styles`` appends, at most once, a fill, a font and a cell format to ``styles.xml`` for
  a cell that names a style (the grey of job-owned headers, or a fill colour).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from sheetsync.backends.xlsx_package import DOC_REL, WORKSHEET
from sheetsync.backends.xlsx_patch import quoteattr
from sheetsync.blueprint import layout as blueprint

WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
JOB_FILL = "FF" + blueprint.JOB_FILL  # job-owned places are visibly grey (ARGB)
JOB_FONT = "FF" + blueprint.JOB_FONT


def _insert_before(xml: bytes, closing: bytes, piece: bytes) -> bytes:
    found = list(re.finditer(rb"</(\w+:)?" + closing + rb">", xml))
    if not found:
        raise ValueError(f"no </{closing.decode()}>")
    m = found[-1]
    p = m[1] or b""
    return xml[:m.start()] + piece.replace(b"<~", b"<" + p) + xml[m.start():]


def register_sheet(parts: dict[str, bytes], workbook: str, title: str,
                   existing: Callable[[str], bool]) -> str:
    """Name a new worksheet part in the workbook, its rels and the content types.

    ``parts`` holds the current bytes of ``workbook``, its rels and ``[Content_Types].xml``
    and receives their new bytes; returns the new part's path.
    """
    folder = posixpath.dirname(workbook)
    n = 1
    while existing(f"{folder}/worksheets/sheet{n}.xml") or \
            f"{folder}/worksheets/sheet{n}.xml" in parts:
        n += 1
    part = f"{folder}/worksheets/sheet{n}.xml"
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    rels = parts[rels_name]
    ids = {int(i) for i in re.findall(rb'\sId="rId(\d+)"', rels)}
    rid = f"rId{max(ids, default=0) + 1}"
    target = posixpath.relpath(part, folder)
    parts[rels_name] = _insert_before(
        rels, b"Relationships",
        f'<~Relationship Id="{rid}" Type="{WORKSHEET}" Target="{target}"/>'.encode())
    book = parts[workbook]
    sheet_ids = [int(i) for i in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\ssheetId="(\d+)"', book)]
    parts[workbook] = _insert_before(  # r: declared here, as it may be nowhere above
        book, b"sheets",
        f'<~sheet xmlns:r="{DOC_REL}" name={quoteattr(title)} '
        f'sheetId="{max(sheet_ids, default=0) + 1}" r:id="{rid}"/>'.encode())
    parts["[Content_Types].xml"] = _insert_before(
        parts["[Content_Types].xml"], b"Types",
        f'<~Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'.encode())
    return part


class Styles:
    """Cell formats appended to ``styles.xml`` (each at most once, found again next time)."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        self.changed = False
        self._found: dict[tuple[int, str, str | None], int] = {}
        found = re.search(rb"<(\w+:)?styleSheet\b", xml)
        self.p = (found[1] or b"") if found else b""

    def _section(self, name: bytes) -> tuple[int, int, list[re.Match[bytes]]]:
        p = re.escape(self.p)
        m = re.search(b"<" + p + name + rb"\b[^>]*?(/?)>", self.xml)
        if m is None or m[1]:
            raise ValueError(f"styles.xml has no {name.decode()}")
        close = self.xml.index(b"</" + self.p + name + b">", m.end())
        item = name[:-1] if name != b"cellXfs" else b"xf"
        items = list(re.finditer(b"<" + p + item + rb"\b[^>]*?(?:/>|>.*?</" + p + item
                                 + b">)", self.xml[m.end():close], re.DOTALL))
        return m.end(), close, items

    def _index_of(self, name: bytes, piece: bytes) -> int:
        start, close, items = self._section(name)
        for i, item in enumerate(items):
            if item[0] == piece:
                return i
        self.xml = self.xml[:close] + piece + self.xml[close:]
        head = self.xml[:start]
        tag = head.rindex(b"<")
        count = re.compile(rb'\scount="\d+"')
        opening = head[tag:]
        opening = (count.sub(f' count="{len(items) + 1}"'.encode(), opening)
                   if count.search(opening) else opening)
        self.xml = head[:tag] + opening + self.xml[start:]
        self.changed = True
        return len(items)

    def index(self, base: int, fill: str, font: str | None) -> int:
        """The index of the format ``base`` with a solid ``fill`` (ARGB) and, when
        ``font`` is given, a bold italic font of that colour.

        Asked once per styled cell (a Timeline has thousands), so each answer is kept: what
        is appended later never moves a format found before."""
        kept = self._found.get((base, fill, font))
        if kept is not None:
            return kept
        p = self.p
        fill_id = self._index_of(b"fills", (
            f'<~fill><~patternFill patternType="solid"><~fgColor rgb="{fill}"/>'
            '<~bgColor indexed="64"/></~patternFill></~fill>').encode().replace(b"<~", b"<" + p)
            .replace(b"</~", b"</" + p))
        _, _, xfs = self._section(b"cellXfs")
        known = base < len(xfs)  # else the answer may change as formats are appended
        xf = xfs[base][0] if known else xfs[0][0]
        attrs = {b"fillId": str(fill_id).encode(), b"applyFill": b"1"}
        if font is not None:
            attrs[b"fontId"] = str(self._index_of(b"fonts", (
                f'<~font><~b/><~i/><~sz val="11"/><~color rgb="{font}"/><~name val="Calibri"/>'
                '<~family val="2"/></~font>').encode().replace(b"<~", b"<" + p)
                .replace(b"</~", b"</" + p))).encode()
            attrs[b"applyFont"] = b"1"
        for key, value in attrs.items():
            found = re.search(rb"\s" + key + rb'="[^"]*"', xf)
            new = b" " + key + b'="' + value + b'"'
            if found:
                xf = xf[:found.start()] + new + xf[found.end():]
            else:
                cut = len(p) + 3  # after "<xf"
                xf = xf[:cut] + new + xf[cut:]
        index = self._index_of(b"cellXfs", xf)
        if known:
            self._found[(base, fill, font)] = index
        return index
