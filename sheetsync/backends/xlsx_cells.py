"""Cell values as openpyxl gives them, without importing openpyxl (0.14 s of a check).

The few rules a read needs, kept as openpyxl applies them so both read the same values:
which number formats are dates or durations, how a serial number becomes a date, time or
duration, and the text of each shared string.
"""

from __future__ import annotations

import datetime as dt
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
    return _DATE.search(_STRIP.sub("", code.split(";")[0])) is not None


def is_duration_format(code: str) -> bool:
    return _DURATION.search(code.split(";")[0]) is not None


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
