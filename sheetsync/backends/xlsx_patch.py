"""Writing into an .xlsx package by patching its XML, never by re-saving the workbook.

Each change is a splice into the part's original bytes, so everything sheetsync does not
own stays as it was, byte for byte:

- ``patch_sheet`` sets cells of one worksheet part as inline strings (``sharedStrings.xml``
  is never touched), inserting cells and rows in order; only the rows it writes and the
  ``<dimension>`` (when the written cells reach past it) change.
- ``new_sheet`` makes the part of a new job-owned tab (``xlsx_book`` names it in the
  workbook, and appends the cell formats a styled cell needs to ``styles.xml``).

``xlsx_zip.write_zip`` then copies every other part as it was stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from sheetsync.backends.xlsx_package import DOC_REL, MAIN
from sheetsync.model import a1

Edits = Mapping[int, Mapping[int, tuple[str, str]]]  # row -> col -> (text, style name)
# (style name, the cell's format now, the format of the cell just left of a new one) -> format
Resolver = Callable[[str, int | None, int | None], int | None]

SHORT_TEXT = 40  # texts up to this long are turned into XML once per part
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR_R = re.compile(rb'\sr="([A-Z]*)(\d+)"')
_ATTR_S = re.compile(rb'\ss="(\d+)"')
_SPANS = re.compile(rb'\sspans="(\d+):(\d+)"')
_ROW_R = re.compile(rb'\sr="(\d+)"')


def escape(text: str) -> str:
    """Text as XML character data (xml.sax would cost a check 8 ms of imports)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;") + '"'


_LETTERS: dict[int, str] = {}


def letters(col: int) -> str:
    found = _LETTERS.get(col)
    if found is not None:
        return found
    out, n = "", col
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    _LETTERS[col] = out
    return out


def _col_of(letters_: bytes) -> int:
    n = 0
    for ch in letters_:
        n = n * 26 + ch - 64
    return n


def _cell(p: bytes, row: int, col: int, text: str, style: bytes | None) -> bytes:
    ref = f"{letters(col)}{row}".encode()
    s = b' s="' + style + b'"' if style and style != b"0" else b""
    if not text:
        return b"<" + p + b'c r="' + ref + b'"' + s + b"/>" if s else b""
    text = _ILLEGAL.sub("", text)
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    return (b"<" + p + b'c r="' + ref + b'"' + s + b' t="inlineStr"><' + p + b"is><" + p
            + b"t" + space + b">" + escape(text).encode() + b"</" + p + b"t></" + p
            + b"is></" + p + b"c>")


def _new_row(p: bytes, row: int, cols: Mapping[int, tuple[str, str]],
             resolve: Resolver, known: dict[str, str]) -> bytes:
    """A ``<row>`` that is not in the part yet, with the cells of ``cols``: what
    ``_patch_row`` makes of an empty row, built as text in one pass (a new tab's rows).
    ``known`` keeps the XML after the reference of each short text met in this part (a
    History repeats its dates, fields and words thousands of times)."""
    ps = p.decode()
    number = str(row)
    out = [f'<{ps}row r="{number}">']
    for col in sorted(cols):
        text, name = cols[col]
        style = resolve(name, None, None) if name else None
        s = f' s="{style}"' if style is not None and style != 0 else ""
        if not text:
            if s:
                out.append(f'<{ps}c r="{letters(col)}{number}"{s}/>')
            continue
        tail = known.get(text)
        if tail is None:
            clean = _ILLEGAL.sub("", text)
            space = ' xml:space="preserve"' if clean != clean.strip() or "\n" in clean else ""
            tail = (f' t="inlineStr"><{ps}is><{ps}t{space}>{escape(clean)}</{ps}t></{ps}is>'
                    f"</{ps}c>")
            if len(text) <= SHORT_TEXT:
                known[text] = tail
        out.append(f'<{ps}c r="{letters(col)}{number}"{s}{tail}')
    out.append(f"</{ps}row>")
    return "".join(out).encode()


def _patch_row(p: bytes, row: int, xml: bytes, cols: Mapping[int, tuple[str, str]],
               resolve: Resolver) -> bytes:
    """One ``<row>`` element with its cells in ``cols`` set (text "" empties a cell)."""
    head_end = xml.index(b">") + 1
    head = xml[:head_end]
    if head.endswith(b"/>"):
        head, inner, tail = head[:-2] + b">", b"", b"</" + p + b"row>"
    else:
        close = xml.rindex(b"</")
        inner, tail = xml[head_end:close], xml[close:]
    cell_re = _cell_re(p)
    quick = _after_last_cell(p, row, head, inner, tail, cols, resolve, cell_re)
    if quick is not None:
        return quick
    out: list[bytes] = []
    pos, col, last_end = 0, 0, 0
    left: int | None = None  # the format of the cell before, for a new styled cell
    left_col = 0

    def new(c: int, text: str, name: str) -> bytes:
        style = resolve(name, None, left if c == left_col + 1 else None) if name else None
        return _cell(p, row, c, text, None if style is None else str(style).encode())

    todo = dict(sorted(cols.items()))
    for m in cell_re.finditer(inner):
        ref = _ATTR_R.search(m[1])
        col = _col_of(ref[1]) if ref and ref[1] else col + 1
        while todo and next(iter(todo)) < col:  # a new cell before this one
            c, (text, name) = _pop_first(todo)
            out.append(inner[pos:m.start()])
            pos = m.start()
            out.append(new(c, text, name))
        keep = _ATTR_S.search(m[1])
        now = int(keep[1]) if keep else None
        if col in todo:
            text, name = todo.pop(col)
            style = resolve(name, now, None)
            out.append(inner[pos:m.start()])
            out.append(_cell(p, row, col, text, None if style is None else str(style).encode()))
            pos = m.end()
        left, left_col = now, col
        last_end = m.end()
    if todo:
        out.append(inner[pos:last_end])
        pos = last_end
        for c, (text, name) in todo.items():
            out.append(new(c, text, name))
    out.append(inner[pos:])
    spans = _SPANS.search(head)
    if spans and cols:
        lo, hi = min(int(spans[1]), *cols), max(int(spans[2]), *cols)
        head = head[:spans.start()] + f' spans="{lo}:{hi}"'.encode() + head[spans.end():]
    return head + b"".join(out) + tail


_CELL_RES: dict[bytes, re.Pattern[bytes]] = {}


def _cell_re(p: bytes) -> re.Pattern[bytes]:
    found = _CELL_RES.get(p)
    if found is None:
        found = _CELL_RES[p] = re.compile(b"<" + re.escape(p) + rb"c\b([^>]*?)(?:/>|>.*?</"
                                          + re.escape(p) + rb"c>)", re.DOTALL)
    return found


def _after_last_cell(p: bytes, row: int, head: bytes, inner: bytes, tail: bytes,
                     cols: Mapping[int, tuple[str, str]], resolve: Resolver,
                     cell_re: re.Pattern[bytes]) -> bytes | None:
    """The row with new cells right of all it has (the Flag columns' first write), found
    from its last cell alone; None when that is not the case (the caller reads every cell)."""
    start = inner.rfind(b"<" + p + b"c ")
    m = cell_re.match(inner, start) if start >= 0 else None
    ref = _ATTR_R.search(m[1]) if m else None
    if m is None or ref is None or not ref[1] or m.end() != len(inner.rstrip()):
        return None
    last = _col_of(ref[1])
    if last >= min(cols):
        return None
    keep = _ATTR_S.search(m[1])
    left = int(keep[1]) if keep else None
    new = []
    for c, (text, name) in sorted(cols.items()):
        style = resolve(name, None, left if c == last + 1 else None) if name else None
        new.append(_cell(p, row, c, text, None if style is None else str(style).encode()))
    spans = _SPANS.search(head)
    if spans:
        lo, hi = min(int(spans[1]), *cols), max(int(spans[2]), *cols)
        head = head[:spans.start()] + f' spans="{lo}:{hi}"'.encode() + head[spans.end():]
    return head + inner[:m.end()] + b"".join(new) + inner[m.end():] + tail


def _pop_first(todo: dict[int, tuple[str, str]]) -> tuple[int, tuple[str, str]]:
    key = next(iter(todo))
    return key, todo.pop(key)


def patch_sheet(xml: bytes, edits: Edits, resolve: Resolver = lambda name, now, left: now
                ) -> bytes:
    """The worksheet part with the cells of ``edits`` set; every other byte as it was."""
    return b"".join(patch_sheet_chunks(xml, edits, resolve))


def patch_sheet_chunks(xml: bytes, edits: Edits,
                       resolve: Resolver = lambda name, now, left: now
                       ) -> list[bytes | memoryview]:
    """``patch_sheet`` as pieces to write one after the other: the untouched stretches are
    views of ``xml``, never copied, so a large sheet is held once while it is written."""
    return list(iter_patched(xml, edits, resolve))


def new_sheet_pieces(edits: Edits, resolve: Resolver,
                     empty: bytes | None = None) -> Iterator[bytes | memoryview]:
    """A new tab's part (``empty``, else ``new_sheet()``) with the cells of ``edits``, made
    row by row as it is compressed (a first History holds some 300,000 rows: never all of
    them at once as XML)."""
    return iter_patched(empty or new_sheet(), edits, resolve)


def iter_patched(xml: bytes, edits: Edits, resolve: Resolver) -> Iterator[bytes | memoryview]:
    """The pieces of ``patch_sheet``, each made when it is asked for."""
    found = re.search(rb"<(\w+:)?sheetData\b[^>]*?(/?)>", xml)
    if found is None:
        raise ValueError("the worksheet has no sheetData")
    p = found[1] or b""
    view = memoryview(xml)
    if found[2]:  # <sheetData/>
        xml = xml[:found.start()] + b"<" + p + b"sheetData></" + p + b"sheetData>" + \
            xml[found.end():]
        view = memoryview(xml)
        start = found.start() + len(p) + 11
        close = start
    else:
        start = found.end()
        close = xml.index(b"</" + p + b"sheetData>", start)
    row_re = re.compile(b"<" + re.escape(p) + rb"row\b([^>]*?)(/?)>")
    end_tag = b"</" + p + b"row>"
    yield _grow_dimension(xml[:start], edits)
    known: dict[str, str] = {}
    pos, number, prev_end = start, 0, start
    todo = sorted(edits.items())
    i = 0
    search = row_re.search(xml, start, close)
    while search is not None and i < len(todo):
        ref = _ROW_R.search(search[1])
        number = int(ref[1]) if ref else number + 1
        end = search.end() if search[2] else xml.index(end_tag, search.end()) + len(end_tag)
        while i < len(todo) and todo[i][0] < number:  # a new row before this one
            yield view[pos:search.start()]
            pos = search.start()
            yield _new_row(p, todo[i][0], todo[i][1], resolve, known)
            i += 1
        if i < len(todo) and todo[i][0] == number:
            yield view[pos:search.start()]
            yield _patch_row(p, number, xml[search.start():end], todo[i][1], resolve)
            pos = end
            i += 1
        prev_end = end
        search = row_re.search(xml, end, close)
    if i < len(todo):  # new rows after the last one (every row was seen)
        cut = max(pos, prev_end)
        yield view[pos:cut]
        pos = cut
        for number, cols in todo[i:]:
            yield _new_row(p, number, cols, resolve, known)
    yield view[pos:]


def _grow_dimension(head: bytes, edits: Edits) -> bytes:
    """``<dimension ref>`` made to cover the written cells, so every reader sees them."""
    found = re.search(rb'<(?:\w+:)?dimension\b[^>]*?\sref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"',
                      head)
    written = [(r, c) for r, cols in edits.items() for c, (text, _) in cols.items() if text]
    if found is None or not written:
        return head
    c1, r1 = _col_of(found[1]), int(found[2])
    c2, r2 = (_col_of(found[3]), int(found[4])) if found[3] else (c1, r1)
    rows, cols = [r for r, _ in written], [c for _, c in written]
    r1, c1, r2, c2 = min(r1, *rows), min(c1, *cols), max(r2, *rows), max(c2, *cols)
    ref = f"{letters(c1)}{r1}:{letters(c2)}{r2}".encode()
    return head[:found.start(1)] + ref + head[found.end(4 if found[3] else 2):]


def new_sheet(freeze: tuple[int, int] = (1, 0),
              widths: Iterable[tuple[int, float]] = ()) -> bytes:
    """The part of a new, empty job-owned tab: ``freeze`` (rows, columns) frozen, the
    header row by default, and columns ``widths`` ((col, characters)) wide."""
    rows, cols = freeze
    pane = ""
    if rows or cols:
        active = ("bottomRight" if rows and cols else "bottomLeft" if rows else "topRight")
        split = (f'xSplit="{cols}" ' if cols else "") + (f'ySplit="{rows}" ' if rows else "")
        pane = (f'<pane {split}topLeftCell="{a1(rows + 1, cols + 1)}" '
                f'activePane="{active}" state="frozen"/>')
    sized = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                    for c, w in sorted(widths))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{DOC_REL}"><dimension ref="A1"/>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{sized}</cols>" if sized else "")
            + '<sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/></worksheet>').encode()
