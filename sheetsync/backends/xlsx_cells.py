"""Cell values as openpyxl gives them, without importing openpyxl (0.14 s of a check).

The few rules a read needs, kept as openpyxl applies them so both read the same values:
which number formats are dates or durations, how a serial number becomes a date, time or
duration, and the text of each shared string.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import IO, Any

from lxml import etree

WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
MAC_EPOCH = dt.datetime(1904, 1, 1)
# The built-in formats openpyxl knows that are dates or times (ECMA-376 18.8.30).
BUILTIN_DATES = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
                 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
                 22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0"}
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, [$-409] and such
_DATE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SI, _T, _R, _RPH = (f"{{{MAIN}}}{t}" for t in ("si", "t", "r", "rPh"))


def is_date_format(code: str) -> bool:
    return _DATE.search(_STRIP.sub("", code.split(";", maxsplit=1)[0])) is not None


def is_duration_format(code: str) -> bool:
    return _DURATION.search(code.split(";", maxsplit=1)[0]) is not None


@functools.lru_cache(maxsize=65536)  # a sheet repeats its dates: each is converted once
def from_excel(value: float, epoch: dt.datetime, duration: bool = False) -> Any:
    """A serial number as a datetime (a time below 1, a timedelta for a duration)."""
    if duration:
        td = dt.timedelta(days=value)
        if td.microseconds:
            td = dt.timedelta(seconds=td.total_seconds() // 1,
                              microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return dt.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's 1900 counts a 29 February that never was
    return epoch + dt.timedelta(days=day) + diff


def read_strings(source: IO[bytes]) -> list[str]:
    """The shared strings, each as its plain text (runs joined, phonetic hints left out)."""
    strings = []
    for _, node in etree.iterparse(source, tag=_SI, resolve_entities=False, huge_tree=True):
        text = node.findtext(_T)
        if text is None:
            text = "".join(r.findtext(_T) or "" for r in node.iterchildren(_R))
        strings.append(text.replace("x005F_", ""))
        node.clear()
        while node.getprevious() is not None:
            del node.getparent()[0]
    return strings


# --------------------------------------------------------------------------- one sheet, fast

_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
# The attributes in the order every writer uses (r, s, t) are read by the match itself; a
# cell with others, or another order, has its attributes read one by one.
_CELL = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]+)(\d+)")?(?: s="(\d+)")?(?: t="(\w+)")?'
                   rb"([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\sr="([A-Z]+)(\d+)"')
_ROW_R = re.compile(rb'\sr="(\d+)"')
_TYPE = re.compile(rb'\st="(\w+)"')
_STYLE = re.compile(rb'\ss="(\d+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>|<v\s*/>", re.S)
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_TEXT = re.compile(rb"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\sref="([^"]+)"')
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_COLS: dict[bytes, int] = {}
_UNUSUAL = b"<!"  # CDATA, a comment or a DOCTYPE: for the element reader


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _entity(m: re.Match[str]) -> str:
    name = m[1]
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


def _col(letters: bytes) -> int:
    n = _COLS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        _COLS[letters] = n
    return n


def scan_sheet(data: bytes, strings: Any, dates: frozenset[int], durations: frozenset[int],
               epoch: dt.datetime, unreadable: Any) -> tuple[list[list[Any]], list[str]] | None:
    """A worksheet part's values, read with regular expressions over its bytes (several
    times quicker than building XML elements); None when the part uses something this
    does not read (namespace prefixes, CDATA, a DOCTYPE): the caller parses it instead.

    ``strings()`` gives the shared strings; ``unreadable(formula)`` the value of a formula
    without a saved result."""
    start = data.find(b"<sheetData")
    if start < 0 or _UNUSUAL in data or \
            not data.rstrip().endswith(b"</worksheet>"):
        return None  # a damaged part is the element reader's to report
    end = data.rfind(b"</sheetData>")
    if end < 0 and b"<sheetData/>" not in data:
        return None
    body_end = end if end >= 0 else len(data)
    rows: list[list[Any]] = []
    shared: list[str] | None = None
    pool: dict[bytes, str] = {}  # each distinct inline text made once (History repeats them)
    row_no = 0
    for row in _ROW.finditer(data, start, body_end):
        found = _ROW_R.search(row[1])
        row_no = int(found[1]) if found else row_no + 1
        inner = row[2]
        if not inner:
            continue
        col = 0
        for cell in _CELL.finditer(inner):
            letters, _, style_text, kind, rest, content = cell.groups()
            if not content:
                continue
            if rest.strip():  # other attributes: read each wherever it stands
                attrs = cell[0][:cell[0].index(b">")]
                ref, kind_m, style_m = (x.search(attrs) for x in (_REF, _TYPE, _STYLE))
                letters = ref[1] if ref else None
                kind = kind_m[1] if kind_m else None
                style_text = style_m[1] if style_m else None
            col = (_COLS.get(letters) or _col(letters)) if letters else col + 1
            kind = kind or b"n"
            value: Any = None
            if kind == b"inlineStr":
                if content.startswith(b"<is><t>") and content.endswith(b"</t></is>") and \
                        content.count(b"<") == 4:  # one plain run, as most writers save it
                    raw = content[7:-9]
                    value = pool.get(raw)
                    if value is None:
                        value = pool[raw] = _text(raw)
                else:
                    body = _PHONETIC.sub(b"", content) if b"<rPh" in content else content
                    texts = _TEXT.findall(body)
                    value = _text(texts[0]) if len(texts) == 1 else "".join(map(_text, texts))
            else:
                v_m = _VALUE.search(content)
                v = v_m[1] if v_m else None
                if b"<f" in content and not (v or (kind == b"str" and v_m is not None)):
                    formula = _FORMULA.search(content)
                    value = unreadable("=" + _text(formula[1] or b"") if formula else "=")
                elif v:
                    if kind == b"n":
                        value = float(v) if (b"." in v or b"E" in v or b"e" in v) else int(v)
                        style = int(style_text) if style_text else 0
                        if style in dates:
                            try:
                                value = from_excel(value, epoch, duration=style in durations)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif kind == b"s":
                        if shared is None:
                            shared = strings()
                        value = shared[int(v)]
                    elif kind == b"b":
                        value = bool(int(v))
                    elif kind == b"d":
                        return None  # rare: the element reader handles ISO dates
                    else:  # "str", "e"
                        value = _text(v)
            if value is None:
                continue
            while len(rows) < row_no:
                rows.append([])
            cells = rows[row_no - 1]
            if len(cells) < col:
                cells.extend([None] * (col - len(cells)))
            cells[col - 1] = value
    merged = [_text(m[1]) for m in _MERGE.finditer(data, body_end)]
    return rows, merged
