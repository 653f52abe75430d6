"""Reading one cell: dates, yes/no, value words, IDs, addresses, numbers, times.

Every reader takes the raw value and returns either the parsed value or a ``Bad`` that
names what is wrong (a code of the language catalogs' ``[problems]``) and the facts the
sentence needs. None of them raises on any input, and none of them guesses: an ambiguous
date, a word that is not in the list, or a part left out is ``Bad``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from typing import Any, TypeAlias, TypeVar, Union, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateparser

from sheetsync.core import schema
from sheetsync.model import (
    FORMULA_ERROR,
    FORMULA_NO_RESULT,
    CellValue,
    Unreadable,
    blank,
    cell_text,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Bad:
    """Why a cell could not be read: a problem code and the facts its sentence needs."""

    code: str
    facts: dict[str, str] = field(default_factory=dict)


Read: TypeAlias = Union[T, Bad, None]  # noqa: UP007  None: the cell is blank

EXCEL_EPOCH = date(1899, 12, 30)
# A project's dates fall in these years; a date outside them is a typing slip ("-5" in a
# date-formatted cell is 1899-12-25), said as "is this really …?", never used.
PLAUSIBLE = (date(1990, 1, 1), date(2100, 12, 31))
SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31
ORDERS = ("YMD", "DMY", "MDY")

_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_CLOCK = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"  # a time of day after a date
_NUMERIC = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})" + _CLOCK + "$")
_CHINESE = re.compile(r"^(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?" + _CLOCK + "$")
_MONTH_WORD = re.compile(r"[A-Za-z]{3,}")
_WEEKDAY_WORD = re.compile(
    r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE
)


def unreadable(value: Unreadable) -> Bad:
    """The problem of a cell whose value cannot be known, said in the project's language
    when the backend names its reason by code; any other reason is quoted as it is."""
    if value.reason in (FORMULA_NO_RESULT, FORMULA_ERROR):
        return Bad(value.reason, {"shown": value.text})
    return Bad("unreadable", {"reason": value.reason})


def _make_date(y: int, m: int, d: int) -> date | Bad:
    try:
        return date(y, m, d)
    except ValueError:
        return Bad("not_a_real_date")


def _serial(value: float) -> date | Bad:
    if -693593 <= value < SERIAL_RANGE[0]:  # day 0 or before: 1899-12-30 and earlier
        day = EXCEL_EPOCH + timedelta(days=int(value // 1))
        return Bad("implausible_date", {"date": day.isoformat()})
    if not SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return Bad("not_a_date")
    if value.is_integer() and 1000 <= value <= 9999:  # 2026 is a year, not 1905-07-18
        return Bad("date_part_missing")
    return EXCEL_EPOCH + timedelta(days=int(value))


def _numeric_date(a: str, b: str, c: str, order: str | None) -> date | Bad:
    if len(a) == 4:  # a four-digit year first is always year-month-day
        return _make_date(int(a), int(b), int(c))
    if order == "YMD":
        if len(a) != 2:
            return Bad("not_a_date")
        return _make_date(2000 + int(a), int(b), int(c))
    if len(c) not in (2, 4) or len(a) > 2:
        return Bad("not_a_date")
    year = int(c) if len(c) == 4 else 2000 + int(c)
    first, second = int(a), int(b)
    if order == "DMY":
        return _make_date(year, second, first)
    if order == "MDY":
        return _make_date(year, first, second)
    # No Date order: accept only what cannot be read two ways. With a two-digit year,
    # 26/11/27 may also be year-month-day.
    readings = [_make_date(year, second, first), _make_date(year, first, second)]
    if len(c) == 2 and len(a) == 2:
        readings.append(_make_date(2000 + first, second, int(c)))
    days = {r for r in readings if isinstance(r, date)}
    if not days:
        return Bad("not_a_real_date")
    return days.pop() if len(days) == 1 else Bad("ambiguous_date")


def _worded_date(text: str) -> date | Bad:
    """'27 Nov 2026', 'Nov 27, 2026', 'Friday, 27 November 2026': every part must be there."""
    text = _WEEKDAY_WORD.sub("", text)
    try:
        one = dateparser.parse(text, default=datetime(2000, 1, 1), dayfirst=False)
        two = dateparser.parse(text, default=datetime(2004, 2, 2), dayfirst=False)
    except (ValueError, OverflowError, TypeError):
        return Bad("not_a_date")
    if one != two:  # a part was filled from the default: the day or the year is missing
        return Bad("date_part_missing")
    return one.date()


def _plausible(result: Read[date]) -> Read[date]:
    """A date outside ``PLAUSIBLE`` as the problem "is this really <date>?"."""
    if isinstance(result, date) and not PLAUSIBLE[0] <= result <= PLAUSIBLE[1]:
        return Bad("implausible_date", {"date": result.isoformat()})
    return result


def parse_date(value: CellValue, order: str | None = None) -> Read[date]:
    """A date from any form the contract lists; numeric day/month forms follow ``order``;
    a date before 1990 or after 2100 is ``implausible_date``."""
    if type(value) is str:  # dates typed as text repeat: each text is read once
        found = _text_date(value, order)
        return Bad(found.code, dict(found.facts)) if isinstance(found, Bad) else found
    return _plausible(_read_date(value, order))


@functools.lru_cache(maxsize=8192)
def _text_date(text: str, order: str | None) -> Read[date]:
    return _plausible(_read_date(text, order))


def _read_date(value: CellValue, order: str | None) -> Read[date]:
    if blank(value):
        return None
    if isinstance(value, Unreadable):
        return unreadable(value)
    if isinstance(value, bool):
        return Bad("not_a_date")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return _serial(float(value))
    if not isinstance(value, str):
        return Bad("not_a_date")
    text = " ".join(value.split())
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _CHINESE.match(text):
        if not m[1]:
            return Bad("date_part_missing")
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(text):
        return _numeric_date(m[1], m[2], m[3], order)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial(float(text))
    if _MONTH_WORD.search(text):
        return _worded_date(text)
    return Bad("not_a_date")


def parse_word(value: CellValue, table: dict[T, tuple[str, ...]]) -> Read[T]:
    """One of a value list (status, owner, type...), by any of its aliases."""
    if blank(value):
        return None
    if isinstance(value, Unreadable):
        return unreadable(value)
    index = _WORD_INDEXES.get(id(table))
    if index is None:
        index = _WORD_INDEXES[id(table)] = schema.word_index(table)
    found = index.get(schema.norm(cell_text(value)))
    return cast(T, found) if found is not None else Bad("not_in_list")


_WORD_INDEXES: dict[int, dict[str, Any]] = {}  # the value lists are module constants


def parse_yes_no(value: CellValue) -> Read[bool]:
    """Yes/No from a checkbox (a real boolean) or any of the yes/no words."""
    if isinstance(value, bool):
        return value
    return parse_word(value, schema.YES_NO)


def parse_confirmed(value: CellValue) -> Read[bool | str]:
    """Client confirmed: True, False (not yet) or ``schema.CHANGES_NEEDED``."""
    if isinstance(value, bool):
        return value
    return parse_word(value, schema.CONFIRMATIONS)


def parse_text(value: CellValue) -> Read[str]:
    if blank(value):
        return None
    if isinstance(value, Unreadable):
        return unreadable(value)
    return cell_text(value).strip()


def parse_id(value: CellValue) -> Read[str]:
    """An ID as text: ``M1`` stays ``M1``, a number 3 becomes ``3``."""
    return parse_text(value)


def parse_ids(value: CellValue) -> Read[tuple[str, ...]]:
    """IDs separated by ``,`` ``;`` ``、`` or spaces, each once, in the order given."""
    text = parse_text(value)
    if text is None or isinstance(text, Bad):
        return text
    parts = [p for p in re.split(r"[,;、，；\s]+", text) if p]
    return tuple(dict.fromkeys(parts))


def parse_int(value: CellValue, lowest: int = 0, highest: int = 365) -> Read[int]:
    if blank(value):
        return None
    if isinstance(value, Unreadable):
        return unreadable(value)
    if isinstance(value, bool):
        return Bad("not_a_number")
    number: float
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value).strip()
        text = re.sub(r"\s*(days?|天)$", "", text, flags=re.IGNORECASE)
        try:
            number = float(text)
        except ValueError:
            return Bad("not_a_number")
    if not number.is_integer() or not lowest <= number <= highest:
        return Bad("number_out_of_range", {"low": str(lowest), "high": str(highest)})
    return int(number)


def parse_time(value: CellValue) -> Read[time]:
    """``HH:MM`` text, a real time, or a day fraction (a time cell under UNFORMATTED_VALUE)."""
    if blank(value):
        return None
    if isinstance(value, Unreadable):
        return unreadable(value)
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(float(value) * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    text = cell_text(value).strip()
    m = re.fullmatch(r"(\d{1,2})[:：.](\d{2})(?::\d{2})?", text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return Bad("not_a_time")
    return time(int(m[1]), int(m[2]))


def parse_time_zone(value: CellValue) -> Read[str]:
    text = parse_text(value)
    if text is None or isinstance(text, Bad):
        return text
    if text.upper() in ("UTC", "GMT"):
        return "UTC"
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a folder of tzdata
        return Bad("not_a_time_zone")
    return text


def parse_date_order(value: CellValue) -> Read[str]:
    return parse_word(value, schema.DATE_ORDERS)


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
# name@domain: dots only between the name's parts, a domain label neither starts nor ends with -
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
_ADDRESS_SEP = re.compile(r"[,;，；\n]+")


def parse_address(text: str) -> str | Bad:
    """One plain address, ``name@domain`` or ``Name <name@domain>``; returns name@domain."""
    text = text.strip()
    if any(ch in text for ch in "\r\n\t\x00") or ":" in text:
        return Bad("suspicious_address")
    name, addr = parseaddr(text)
    bare = addr if addr and (text == addr or text.endswith(f"<{addr}>")) else ""
    if not bare or not _ADDRESS.match(bare) or text.count("@") != 1 or "," in name:
        return Bad("not_an_address")
    return bare


def parse_addresses(value: CellValue) -> Read[tuple[tuple[str, ...], tuple[tuple[str, Bad], ...]]]:
    """Addresses split on ``,`` ``;`` or new lines: (good ones, [(bad text, why)])."""
    text = parse_text(value)
    if text is None or isinstance(text, Bad):
        return text
    good: list[str] = []
    bad: list[tuple[str, Bad]] = []
    for part in _ADDRESS_SEP.split(text):
        if not part.strip():
            continue
        parsed = parse_address(part)
        if isinstance(parsed, Bad):
            bad.append((part.strip(), parsed))
        elif parsed.lower() not in (g.lower() for g in good):
            good.append(parsed)
    return tuple(good), tuple(bad)


def parse_address_cell(value: CellValue) -> Read[str]:
    """Exactly one plain address (PM email, Client sponsor email, an Owner email): a list of
    several is ``one_address_only``, none of them used."""
    text = parse_text(value)
    if text is None or isinstance(text, Bad):
        return text
    parsed = parse_address(text)
    if not isinstance(parsed, Bad) or parsed.code != "not_an_address":
        return parsed
    parts = [p for p in _ADDRESS_SEP.split(text) if p.strip()]
    if len(parts) > 1:
        return Bad("one_address_only")
    return parse_address(parts[0]) if parts else parsed  # "ann@acme.example," is one


def parse_dates(value: CellValue, order: str | None = None) -> Read[tuple[date, ...]]:
    """Dates separated as addresses are (``,`` ``;`` or new lines), or one real date."""
    if isinstance(value, datetime | date) or (isinstance(value, int | float)
                                              and not isinstance(value, bool)):
        one = parse_date(value, order)
        return (one,) if isinstance(one, date) else one
    text = parse_text(value)
    if text is None or isinstance(text, Bad):
        return text
    out: list[date] = []
    for part in re.split(r"[,;，；、\n]+", text):
        if not part.strip():
            continue
        day = parse_date(part.strip(), order)
        if isinstance(day, Bad):
            return Bad(day.code, {**day.facts, "part": part.strip()})
        if day is not None and day not in out:
            out.append(day)
    return tuple(out)


def locale_date_orders(locale: str | None) -> tuple[str, ...]:
    """The numeric date orders a spreadsheet locale reads typed text in, when Date order is
    not set, the first that gives a real date winning. A year-first locale (zh_CN, ja_JP)
    reads ``26/11/27`` year first and a year-last ``03/04/2026`` month first, as Google does
    (the locale decides every reading, CONTRACT section 1)."""
    if not locale:
        return ()
    lang, _, country = locale.replace("-", "_").partition("_")
    if lang in ("zh", "ja", "ko", "hu", "lt") or country in ("CN", "TW", "JP", "KR"):
        return ("YMD", "MDY")
    if country in ("US", "PH", "FM", "MH", "PW") or (lang == "en" and not country):
        return ("MDY",)
    return ("DMY",)
