"""A loopback Google Sheets API v4 emulator, held to real recordings.

``SheetsEmulator`` is a real HTTP server (``http.server.ThreadingHTTPServer`` on 127.0.0.1,
an ephemeral port, a background thread) that answers the way ``sheets.googleapis.com`` and
``oauth2.googleapis.com/token`` do, close enough that unmodified gspread and google-auth run
against it. ``tests/test_sheets_emulator.py`` replays the recordings in
``tests/reference/sheets-api-recorded/`` against it and compares the answers.

What it serves:

- ``POST /token``: the JWT-bearer grant. The assertion's RS256 signature is checked with the
  public key of a registered service account, then ``iss``, ``aud`` (Google's own token URL),
  ``scope`` and the times; errors come as Google's ``{"error", "error_description"}``.
- Every ``/v4/spreadsheets`` call needs ``Authorization: Bearer <token>`` (401), the token's
  account must be in the spreadsheet's share list (403), and the ID must exist (404).
- Metadata GET (``fields`` honoured as a field mask; grid data as Google documents it,
  ``wants_grid_data`` / ``grid_data`` / ``cell_data``), values get / batchGet / update /
  append / clear / batchUpdate / batchClear, and ``:batchUpdate`` with the structural and
  formatting requests a client is likely to send, ``appendCells`` among them; its answer
  carries ``updatedSpreadsheet`` as asked (``includeSpreadsheetInResponse``,
  ``responseRanges``, ``responseIncludeGridData``, a ``fields`` mask).

Cells are typed (string, number, bool, error, a number with a DATE/DATE_TIME/TIME format,
a formula with its cached value) and rendered per ``valueRenderOption`` /
``dateTimeRenderOption`` and the spreadsheet's locale. A cell keeps its format and its note
(``updateCells`` with ``note``) when a value is written over it; a tab keeps its frozen rows
and columns, ``tabColorStyle``, data validations and conditional format rules.

Test controls (thread-safe): ``create_spreadsheet``, ``values``, ``cell``, ``set_values``,
``insert_rows``, ``delete_rows``, ``insert_columns``, ``delete_columns``, ``swap_columns``,
``rename_tab``, ``add_tab``, ``before`` (an action run just before a matching request is
answered: staff editing between a client's read and its write), ``share``/``unshare``,
the request log ``requests``,
``fail_next``/``fail_always``/``clear_faults``, ``fail_token_endpoint``, and ``set_quota``
(a rolling per-user request quota on an injectable, possibly accelerated clock).

The Drive API's ``files.get`` (``GET /drive/v3/files/<id>``), only as far as sheetsync uses
it: ``fields=modifiedTime`` answers ``{"modifiedTime": "2026-11-25T23:40:38.123Z"}`` (RFC 3339,
UTC, milliseconds), ``fields=id,name,mimeType,modifiedTime`` those fields (a field mask as for
Sheets). A token without a Drive scope (``drive``, ``drive.readonly``, ``drive.metadata``,
``drive.metadata.readonly``) gets Google's 403 ``insufficientPermissions``; a file not shared
with the account, or no such ID, gets Drive's 404 ``notFound`` ("File not found: <id>."), as
Drive hides files a caller cannot see. ``modifiedTime`` moves whenever the spreadsheet's
content, tabs or grid changed since it was last asked (an API write or a test control), to
the emulator's clock (``set_modified_clock`` pins it for tests). Drive requests are logged in
``drive_requests`` (not ``requests``: the Sheets log and its quota stay the Sheets API's);
``disable_drive`` answers every Drive call as a project without the Drive API enabled (403
``accessNotConfigured``). ``set_latency`` delays every answer (Sheets and Drive) by some
seconds of the emulator's clock.
"""

from __future__ import annotations

import ast
import base64
import copy
import json
import operator
import random
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_SCOPES = frozenset(f"https://www.googleapis.com/auth/{s}" for s in (
    "drive", "drive.readonly", "drive.metadata", "drive.metadata.readonly"))
_DRIVE_FILE = re.compile(r"/drive/v3/files/([^/:]+)")
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599

# =========================================================================== cell model

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "DATE_TIME", "TIME")


class SheetError(str):
    """A formula error value such as ``#DIV/0!``."""


@dataclass(frozen=True)
class Formula:
    """Seed value: a formula and the value the sheet computed for it."""

    formula: str
    cached: Any = None


@dataclass(frozen=True)
class Fmt:
    """Seed value: a value with an explicit number format, e.g. ``Fmt(d, "yyyy-mm-dd")``."""

    value: Any
    pattern: str
    type: str | None = None  # inferred from the value when None


@dataclass
class Cell:
    """One stored cell: its effective value, its formula if any, its userEnteredFormat."""

    value: Any = None  # str | int | float | bool | SheetError | None
    formula: str | None = None
    fmt: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # the cell's note (a comment without a thread)

    @property
    def empty(self) -> bool:
        return self.value is None and self.formula is None

    @property
    def number_format(self) -> tuple[str | None, str | None]:
        nf = self.fmt.get("numberFormat") or {}
        return nf.get("type"), nf.get("pattern")

    def user_entered_value(self) -> dict[str, Any] | None:
        if self.formula is not None:
            return {"formulaValue": self.formula}
        return _typed_value(self.value)

    def effective_value(self) -> dict[str, Any] | None:
        if isinstance(self.value, SheetError):
            kind = ERROR_TYPES.get(str(self.value), "ERROR")
            return {"errorValue": {"type": kind, "message": error_message(str(self.value))}}
        return _typed_value(self.value)


# ErrorValue.type of the Sheets API v4 (ExtendedValue.errorValue) by the text the cell shows;
# what Google shows some other way (none known) is typed ERROR.
ERROR_TYPES: dict[str, str] = {
    "#ERROR!": "ERROR", "#NULL!": "NULL_VALUE", "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE", "#REF!": "REF", "#NAME?": "NAME", "#NUM!": "NUM", "#N/A": "N_A",
    "Loading...": "LOADING",
}
_ERROR_MESSAGES = {"#DIV/0!": "Function DIVIDE parameter 2 cannot be zero.",
                   "#N/A": "Did not find value in lookup evaluation.",
                   "#REF!": "Reference does not exist.",
                   "Loading...": "Loading data..."}


def error_message(shown: str) -> str:
    """The ``errorValue.message`` of an error cell (the note its cell shows on hover)."""
    return _ERROR_MESSAGES.get(shown, f"Formula error: {shown}")


def _typed_value(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": _num(value)}
    return {"stringValue": str(value)}


def _num(value: float) -> int | float:
    """A number as JSON shows it: ``2`` rather than ``2.0``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def to_serial(value: date | datetime | dtime) -> float:
    """A date, datetime or time as a spreadsheet serial number (days since 1899-12-30)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    if isinstance(value, date):
        return float((value - EPOCH.date()).days)
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(days=serial)


def seed_cell(value: Any) -> Cell | None:
    """The cell a seed value (as given to ``create_spreadsheet``) stands for."""
    if value is None or value == "":
        return None
    if isinstance(value, Cell):
        return copy.deepcopy(value)
    if isinstance(value, Formula):
        cached = seed_cell(value.cached)
        cell = cached or Cell()
        cell.formula = value.formula
        if isinstance(cell.value, str) and cell.value in ERROR_TYPES:
            cell.value = SheetError(cell.value)  # a formula's "#N/A" is an error, not text
        return cell
    if isinstance(value, Fmt):
        cell = seed_cell(value.value) or Cell()
        kind = value.type or cell.number_format[0] or "NUMBER"
        cell.fmt["numberFormat"] = {"type": kind, "pattern": value.pattern}
        return cell
    if isinstance(value, datetime):
        return Cell(to_serial(value), fmt={"numberFormat": {"type": "DATE_TIME"}})
    if isinstance(value, date):
        return Cell(_num(to_serial(value)), fmt={"numberFormat": {"type": "DATE"}})
    if isinstance(value, dtime):
        return Cell(to_serial(value), fmt={"numberFormat": {"type": "TIME"}})
    if isinstance(value, bool | int | float | str):
        return Cell(value)
    raise TypeError(f"cannot seed a cell with {value!r}")


def python_value(cell: Cell | None) -> Any:
    """A stored cell as a Python value for tests (dates as date/datetime, formulas kept)."""
    if cell is None or cell.empty:
        return None
    value = cell.value
    kind, _ = cell.number_format
    if kind in DATE_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        moment = from_serial(value)
        value = moment.date() if kind == "DATE" else moment.time() if kind == "TIME" else moment
    if cell.formula is not None:
        return Formula(cell.formula, value)
    return value


# --------------------------------------------------------------------------- formats

# Default (DATE, DATE_TIME, TIME) patterns of a few locales, in Sheets' pattern syntax.
LOCALE_PATTERNS: dict[str, tuple[str, str, str]] = {
    "en_US": ("M/d/yyyy", "M/d/yyyy H:mm:ss", "h:mm:ss am/pm"),
    "en_GB": ("dd/MM/yyyy", "dd/MM/yyyy HH:mm:ss", "HH:mm:ss"),
    "en_AU": ("dd/MM/yyyy", "dd/MM/yyyy HH:mm:ss", "HH:mm:ss"),
    "en_IN": ("dd/MM/yyyy", "dd/MM/yyyy HH:mm:ss", "HH:mm:ss"),
    "en_CA": ("yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "h:mm:ss am/pm"),
    "zh_CN": ("yyyy/M/d", "yyyy/M/d H:mm:ss", "H:mm:ss"),
    "zh_TW": ("yyyy/M/d", "yyyy/M/d H:mm:ss", "H:mm:ss"),
    "zh_HK": ("d/M/yyyy", "d/M/yyyy H:mm:ss", "H:mm:ss"),
    "ja_JP": ("yyyy/MM/dd", "yyyy/MM/dd H:mm:ss", "H:mm:ss"),
    "de_DE": ("dd.MM.yyyy", "dd.MM.yyyy HH:mm:ss", "HH:mm:ss"),
    "fr_FR": ("dd/MM/yyyy", "dd/MM/yyyy HH:mm:ss", "HH:mm:ss"),
    "es_ES": ("d/MM/yyyy", "d/MM/yyyy H:mm:ss", "H:mm:ss"),
    "it_IT": ("d/M/yyyy", "d/M/yyyy H.mm.ss", "H.mm.ss"),
    "nl_NL": ("d-M-yyyy", "d-M-yyyy H:mm:ss", "H:mm:ss"),
    "sv_SE": ("yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "HH:mm:ss"),
    "ru_RU": ("dd.MM.yyyy", "dd.MM.yyyy H:mm:ss", "H:mm:ss"),
    "pt_BR": ("dd/MM/yyyy", "dd/MM/yyyy HH:mm:ss", "HH:mm:ss"),
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|am/pm|AM/PM|a/p|A/P|yyyy|yy|dddd|ddd|dd|d|mmmm|mmm|mm|m|MMMM|MMM|MM|M'
    r"|HH|H|hh|h|ss|s|\.0+|.",
    re.IGNORECASE,
)


def locale_pattern(kind: str, locale: str) -> str:
    patterns = LOCALE_PATTERNS.get(locale) or LOCALE_PATTERNS["en_US"]
    return patterns[DATE_TYPES.index(kind)]


def format_datetime(serial: float, kind: str, pattern: str | None, locale: str) -> str:
    """Render a serial number with a Sheets date/time pattern (or the locale's default)."""
    moment = from_serial(serial + 1e-9)  # round half a microsecond up
    tokens = _DATE_TOKEN.findall(pattern or locale_pattern(kind, locale))
    twelve_hour = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif low == "yyyy":
            out.append(f"{moment.year:04d}")
        elif low == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif low in ("dddd", "ddd"):
            name = DAYS[moment.weekday()]
            out.append(name if low == "dddd" else name[:3])
        elif low in ("dd", "d"):
            out.append(f"{moment.day:02d}" if low == "dd" else str(moment.day))
        elif low in ("mmmm", "mmm"):
            name = MONTHS[moment.month - 1]
            out.append(name if low == "mmmm" else name[:3])
        elif low in ("mm", "m"):
            minute = tok[0] == "m" and _is_minute(tokens, i)
            number = moment.minute if minute else moment.month
            out.append(f"{number:02d}" if len(tok) == 2 else str(number))
        elif low in ("hh", "h"):
            hour = moment.hour
            if twelve_hour and tok[0] in "hH":
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if len(tok) == 2 else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{moment.second:02d}" if low == "ss" else str(moment.second))
        elif low in ("am/pm", "a/p"):
            mark = "AM" if moment.hour < 12 else "PM"
            out.append(mark if low == "am/pm" else mark[0])
        elif low.startswith(".0"):
            digits = len(tok) - 1
            out.append("." + f"{moment.microsecond:06d}"[:digits])
        else:
            out.append(tok)
    return "".join(out)


def _is_minute(tokens: list[str], i: int) -> bool:
    """Whether an ``m``/``mm`` token means minutes: right after hours or before seconds."""
    for j in range(i - 1, -1, -1):
        low = tokens[j].lower()
        if low in ("h", "hh"):
            return True
        if low.isalpha():
            break
    for j in range(i + 1, len(tokens)):
        low = tokens[j].lower()
        if low in ("s", "ss"):
            return True
        if low.isalpha():
            break
    return False


def format_number(value: float, kind: str | None, pattern: str | None) -> str:
    """A number as FORMATTED_VALUE shows it: automatic format, or a simple 0/#,##0 pattern."""
    if pattern:
        percent = pattern.endswith("%")
        core = pattern.rstrip("%")
        decimals = len(core.split(".", 1)[1]) if "." in core else 0
        number = value * 100 if percent else value
        text = f"{number:,.{decimals}f}" if "," in core else f"{number:.{decimals}f}"
        return text + ("%" if percent else "")
    if kind == "PERCENT":
        return f"{value * 100:.2f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.10g}"
    return str(int(value))


def render(cell: Cell | None, value_option: str, date_option: str, locale: str) -> Any:
    """One cell as the values API returns it ("" for an empty cell)."""
    if cell is None or cell.empty:
        return ""
    if value_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        if value_option == "FORMATTED_VALUE":
            return "TRUE" if value else "FALSE"
        return value
    if isinstance(value, int | float):
        kind, pattern = cell.number_format
        if kind in DATE_TYPES:
            if value_option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING":
                return format_datetime(value, kind, pattern, locale)
            return _num(value)
        if value_option == "FORMATTED_VALUE":
            return format_number(value, kind, pattern)
        return _num(value)
    return str(value)


# --------------------------------------------------------------------------- input parsing

_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_SLASH_DATE = re.compile(r"(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})")


def parse_input(value: Any, option: str, locale: str) -> Cell | None:
    """The cell a value written through the values API becomes (None clears it)."""
    if isinstance(value, bool):
        return Cell(value)
    if isinstance(value, int | float):
        return Cell(_num(value))
    text = str(value)
    if text == "":
        return None
    if option == "RAW":
        return Cell(text)
    if text.startswith("'"):
        return Cell(text[1:])
    if text.startswith("="):
        return Cell(evaluate(text), formula=text)
    if text.strip().upper() in ("TRUE", "FALSE"):
        return Cell(text.strip().upper() == "TRUE")
    stripped = text.strip()
    if stripped and _NUMBER.fullmatch(stripped) and any(ch.isdigit() for ch in stripped):
        number = float(stripped.replace(",", ""))
        return Cell(_num(number))
    if stripped.endswith("%") and _NUMBER.fullmatch(stripped[:-1].strip() or "x"):
        number = float(stripped[:-1].replace(",", "")) / 100
        return Cell(number, fmt={"numberFormat": {"type": "PERCENT", "pattern": "0%"}})
    return _parse_date(stripped, locale) or Cell(text)


def _parse_date(text: str, locale: str) -> Cell | None:
    try:
        if m := _ISO_DATETIME.fullmatch(text):
            y, mo, d, h, mi, s = (int(g or 0) for g in m.groups())
            moment = datetime(y, mo, d, h, mi, s)
            fmt = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
            return Cell(to_serial(moment), fmt={"numberFormat": fmt})
        if m := _ISO_DATE.fullmatch(text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            fmt = {"type": "DATE", "pattern": "yyyy-mm-dd"}
            return Cell(_num(to_serial(day)), fmt={"numberFormat": fmt})
        if m := _SLASH_DATE.fullmatch(text):
            a, b, c = int(m[1]), int(m[3]), int(m[4])
            order = _locale_order(locale)
            if len(m[1]) == 4:
                day = date(a, b, c)
            elif order == "DMY":
                day = date(c, b, a)
            else:
                day = date(c, a, b)
            return Cell(_num(to_serial(day)), fmt={"numberFormat": {"type": "DATE"}})
    except ValueError:
        return None
    return None


def _locale_order(locale: str) -> str:
    pattern = locale_pattern("DATE", locale).lower()
    return "YMD" if pattern.startswith("y") else "DMY" if pattern.startswith("d") else "MDY"


_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(formula: str) -> Any:
    """The cached value of a formula: plain arithmetic only; anything else is ``#NAME?``."""
    expr = formula[1:].replace("^", "**")
    try:
        result = _eval(ast.parse(expr, mode="eval").body)
    except ZeroDivisionError:
        return SheetError("#DIV/0!")
    except (SyntaxError, ValueError, TypeError, KeyError):
        return SheetError("#NAME?")
    return _num(result) if isinstance(result, int | float) else result


def _eval(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        return node.value
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp):
        return _OPS[type(node.op)](_eval(node.operand))
    raise ValueError("unsupported formula")


# =========================================================================== A1 ranges


def col_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


_PLAIN_NAME = re.compile(r"[^\W\d]\w*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|true|false", re.IGNORECASE)
_CELLS = re.compile(r"([A-Za-z]{0,3})(\d*)(?::([A-Za-z]{0,3})(\d*))?")


def sheet_ref(title: str) -> str:
    """A sheet name as Google echoes it in a range: quoted only when it has to be."""
    if _PLAIN_NAME.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_range(text: str) -> tuple[str | None, str | None]:
    """``'My sheet'!A1:B2`` -> ("My sheet", "A1:B2"); ``A1`` -> (None, "A1")."""
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1: i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        else:
            raise ApiError.bad_range(text)
        rest = text[i + 1:]
        if rest == "":
            return "".join(name), None
        if not rest.startswith("!"):
            raise ApiError.bad_range(text)
        return "".join(name), rest[1:]
    if "!" in text:
        name, _, cells = text.partition("!")
        return name, cells
    return None, text


@dataclass(frozen=True)
class Bounds:
    """A resolved rectangle: 1-based inclusive rows and columns on one sheet."""

    sheet: Sheet
    r1: int
    c1: int
    r2: int
    c2: int
    single: bool = False

    def a1(self) -> str:
        start = f"{col_letters(self.c1)}{self.r1}"
        if self.single:
            return f"{sheet_ref(self.sheet.title)}!{start}"
        return f"{sheet_ref(self.sheet.title)}!{start}:{col_letters(self.c2)}{self.r2}"


@dataclass(frozen=True)
class CellRange:
    """Parsed A1 cells; None stands for "to the edge of the grid"."""

    r1: int | None
    c1: int | None
    r2: int | None
    c2: int | None
    single: bool
    text: str

    @classmethod
    def parse(cls, text: str, original: str) -> CellRange:
        m = _CELLS.fullmatch(text.strip())
        if not m or not text.strip():
            raise ApiError.bad_range(original)
        l1, n1, l2, n2 = m.groups()
        if not (l1 or n1) or (m.group(0).count(":") and not (l2 or n2)):
            raise ApiError.bad_range(original)
        if l2 is None:  # one cell, or one whole column / row
            if l1 and n1:
                r, c = int(n1), col_number(l1)
                return cls(r, c, r, c, True, text.upper())
            raise ApiError.bad_range(original)
        r1 = int(n1) if n1 else None
        c1 = col_number(l1) if l1 else None
        r2 = int(n2) if n2 else None
        c2 = col_number(l2) if l2 else None
        if (r1 is None and r2 is None and (c1 is None or c2 is None)) or (
            c1 is None and c2 is None and (r1 is None or r2 is None)
        ):
            raise ApiError.bad_range(original)
        return cls(r1, c1, r2, c2, False, text.upper())


# =========================================================================== errors


class ApiError(Exception):
    """An error answer, shaped like Google's: ``{"error": {"code", "message", "status"}}``."""

    def __init__(self, code: int, message: str, status: str,
                 details: list[dict[str, Any]] | None = None,
                 raw: str | None = None, content_type: str = "application/json") -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.details = details
        self.raw = raw
        self.content_type = content_type

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message,
                                 "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}

    @classmethod
    def invalid(cls, message: str) -> ApiError:
        return cls(400, message, "INVALID_ARGUMENT")

    @classmethod
    def bad_range(cls, text: str) -> ApiError:
        return cls.invalid(f"Unable to parse range: {text}")

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "Requested entity was not found.", "NOT_FOUND")

    @classmethod
    def forbidden(cls) -> ApiError:
        return cls(403, "The caller does not have permission", "PERMISSION_DENIED")


_AUTH_HELP = ("Expected OAuth 2 access token, login cookie or other valid authentication "
              "credential. See https://developers.google.com/identity/sign-in/web/"
              "devconsole-project.")


def _drive_error(code: int, text: str, reason: str, *, location: str = "",
                 message: str = "") -> ApiError:
    """Drive v3's error shape: ``{"error": {"errors": [{domain, reason, message...}], code,
    message}}`` (developers.google.com/drive/api/guides/handle-errors)."""
    item: dict[str, Any] = {"domain": "global", "reason": reason, "message": message or text}
    if location:
        item.update(locationType="parameter" if location == "fileId" else "header",
                    location=location)
    body = {"error": {"errors": [item], "code": code, "message": text}}
    return ApiError(code, text, "", raw=json.dumps(body, indent=1),
                    content_type="application/json; charset=UTF-8")


def unauthenticated(missing: bool, method: str) -> ApiError:
    reason = "CREDENTIALS_MISSING" if missing else "ACCESS_TOKEN_TYPE_UNSUPPORTED"
    message = ("Request is missing required authentication credential. " if missing
               else "Request had invalid authentication credentials. ") + _AUTH_HELP
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"method": method, "service": "sheets.googleapis.com"}}]
    return ApiError(401, message, "UNAUTHENTICATED", details)


def quota_error(metric: str, limit: int) -> ApiError:
    """Google's 429 for a per-user-per-minute quota (metric "Read" or "Write")."""
    key = metric.lower()
    message = (f"Quota exceeded for quota metric '{metric} requests' and limit '{metric} "
               f"requests per minute per user' of service 'sheets.googleapis.com' for "
               f"consumer 'project_number:123456789012'.")
    details = [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
         "domain": "googleapis.com",
         "metadata": {"quota_metric": f"sheets.googleapis.com/{key}_requests",
                      "quota_limit": f"{metric}RequestsPerMinutePerUser",
                      "quota_location": "global", "service": "sheets.googleapis.com",
                      "consumer": "projects/123456789012", "quota_limit_value": str(limit)}},
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase"}]},
    ]
    return ApiError(429, message, "RESOURCE_EXHAUSTED", details)


def fault(status: int, body: str | None = None, metric: str = "Read") -> ApiError:
    """An injected failure with Google's body for that status (or a raw ``body``)."""
    if body is not None:
        return ApiError(status, body, "RAW", raw=body, content_type="text/html; charset=UTF-8")
    if status == 429:
        return quota_error(metric, 60)
    known = {500: ("Internal error encountered.", "INTERNAL"),
             502: ("Bad Gateway", "UNAVAILABLE"),
             503: ("The service is currently unavailable.", "UNAVAILABLE"),
             504: ("The request timed out. Please try again.", "DEADLINE_EXCEEDED"),
             403: ("The caller does not have permission", "PERMISSION_DENIED"),
             404: ("Requested entity was not found.", "NOT_FOUND"),
             400: ("Request contains an invalid argument.", "INVALID_ARGUMENT")}
    message, state = known.get(status, ("Unknown error.", "UNKNOWN"))
    return ApiError(status, message, state)


# =========================================================================== state

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif",
                   "fontSize": 10, "bold": False, "italic": False, "strikethrough": False,
                   "underline": False, "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


_THEME_COLOURS = (("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
                  ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
                  ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
                  ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
                  ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
                  ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
                  ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
                  ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}))
SPREADSHEET_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": kind, "color": {"rgbColor": rgb}}
                    for kind, rgb in _THEME_COLOURS],
}


CELL_LIMIT = 10_000_000  # Google's limit of cells in a spreadsheet


class Sheet:
    """One tab: a grid of ``rowCount`` x ``columnCount`` with sparse typed cells."""

    def __init__(self, sheet_id: int, title: str, index: int, rows: int = 1000,
                 cols: int = 26) -> None:
        self.sheet_id, self.title, self.index = sheet_id, title, index
        self.row_count, self.col_count = rows, cols
        self.grid: list[list[Cell | None]] = []
        self.frozen_rows = self.frozen_cols = 0
        self.hidden = False
        self.conditional_formats: list[dict[str, Any]] = []
        self.validations: list[dict[str, Any]] = []
        self.tab_color: dict[str, Any] | None = None  # tabColorStyle, as sent

    # ----------------------------------------------------------------- cells
    def get(self, row: int, col: int) -> Cell | None:
        if row > len(self.grid):
            return None
        cells = self.grid[row - 1]
        return cells[col - 1] if col <= len(cells) else None

    def put(self, row: int, col: int, cell: Cell | None) -> None:
        while len(self.grid) < row:
            self.grid.append([])
        cells = self.grid[row - 1]
        while len(cells) < col:
            cells.append(None)
        cells[col - 1] = cell

    def set_value(self, row: int, col: int, new: Cell | None) -> None:
        """Write a value, keeping the cell's format and note (as the values API does)."""
        old = self.get(row, col)
        fmt = dict(old.fmt) if old else {}
        note = old.note if old else ""
        if new is None:
            self.put(row, col, Cell(fmt=fmt, note=note) if fmt or note else None)
            return
        if "numberFormat" in new.fmt and not (old and old.number_format[0] in DATE_TYPES
                and new.number_format[0] in DATE_TYPES and not new.number_format[1]):
            fmt["numberFormat"] = new.fmt["numberFormat"]
        new.fmt = fmt
        new.note = note
        self.put(row, col, new)

    def row_empty(self, row: int, c1: int = 1, c2: int | None = None) -> bool:
        if row > len(self.grid):
            return True
        cells = self.grid[row - 1][c1 - 1: c2]
        return all(c is None or c.empty for c in cells)

    def data_height(self) -> int:
        for row in range(len(self.grid), 0, -1):
            if not self.row_empty(row):
                return row
        return 0

    # ----------------------------------------------------------------- dimensions
    def insert(self, dimension: str, start: int, end: int) -> None:
        """Insert empty rows/columns at 0-based ``start`` (``end - start`` of them)."""
        n = end - start
        if dimension == "ROWS":
            if start < len(self.grid):
                self.grid[start:start] = [[] for _ in range(n)]
            self.row_count += n
        else:
            for cells in self.grid:
                if start < len(cells):
                    cells[start:start] = [None] * n
            self.col_count += n

    def delete(self, dimension: str, start: int, end: int) -> None:
        if dimension == "ROWS":
            del self.grid[start:end]
            self.row_count -= end - start
        else:
            for cells in self.grid:
                del cells[start:end]
            self.col_count -= end - start

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        if rows is not None:
            del self.grid[rows:]
            self.row_count = rows
        if cols is not None:
            for cells in self.grid:
                del cells[cols:]
            self.col_count = cols

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        props: dict[str, Any] = {"sheetId": self.sheet_id, "title": self.title,
                                 "index": self.index, "sheetType": "GRID",
                                 "gridProperties": grid}
        if self.hidden:
            props["hidden"] = True
        if self.tab_color is not None:
            props["tabColorStyle"] = copy.deepcopy(self.tab_color)
        return props


class Spreadsheet:
    """One spreadsheet: properties, tabs, who may open it, and stored format requests."""

    def __init__(self, spreadsheet_id: str, title: str, time_zone: str, locale: str,
                 shared_with: Iterable[str] | None, rng: random.Random) -> None:
        self.id, self.title = spreadsheet_id, title
        self.time_zone, self.locale = time_zone, locale
        self.shared: set[str] | None = None if shared_with is None else set(shared_with)
        self.revoked: set[str] = set()
        self.readers: set[str] = set()  # shared as Viewer: reads only
        self.sheets: list[Sheet] = []
        self.formatting: list[dict[str, Any]] = []  # every non-data batchUpdate request
        self._rng = rng
        self.protected: set[int] = set()  # sheetIds whose cells no API write may change
        self.cell_limit = CELL_LIMIT  # Google's most cells (every tab's whole grid) a book has

    def cells(self) -> int:
        """The cells that count toward the limit: every tab's whole grid, blank or not."""
        return sum(sheet.row_count * sheet.col_count for sheet in self.sheets)

    def allows(self, email: str) -> bool:
        return email not in self.revoked and (self.shared is None or email in self.shared)

    def new_sheet_id(self) -> int:
        taken = {s.sheet_id for s in self.sheets}
        while True:
            candidate = self._rng.randrange(100_000_000, 2_100_000_000)
            if candidate not in taken:
                return candidate

    def add_sheet(self, title: str, rows: int = 1000, cols: int = 26,
                  sheet_id: int | None = None, index: int | None = None) -> Sheet:
        if any(s.title.casefold() == title.casefold() for s in self.sheets):
            raise ApiError.invalid(
                f'A sheet with the name "{title}" already exists. Please enter another name.')
        if sheet_id is None:
            sheet_id = 0 if not self.sheets else self.new_sheet_id()
        position = len(self.sheets) if index is None else min(index, len(self.sheets))
        sheet = Sheet(sheet_id, title, position, rows, cols)
        self.sheets.insert(position, sheet)
        self._reindex()
        return sheet

    def remove_sheet(self, sheet: Sheet) -> None:
        if len(self.sheets) == 1:
            raise ApiError.invalid("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        self._reindex()

    def _reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def by_title(self, title: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        for sheet in self.sheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        return None

    def by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError.invalid(f"No grid with id: {sheet_id}")

    def resolve(self, text: str, allow_beyond_rows: bool = False) -> Bounds:
        """An A1 range on this spreadsheet as bounds clipped/expanded to the grid."""
        name, cells = split_range(text)
        if name is not None:
            sheet = self.by_title(name)
            if sheet is None:
                raise ApiError.bad_range(text)
        elif cells is not None and self.by_title(cells) is not None:
            sheet, cells = self.by_title(cells), None
            assert sheet is not None
        else:
            sheet = self.sheets[0]
        if cells is None:
            return Bounds(sheet, 1, 1, sheet.row_count, sheet.col_count)
        rng = CellRange.parse(cells, text)
        r1, c1 = rng.r1 or 1, rng.c1 or 1
        r2 = rng.r2 if rng.r2 is not None else sheet.row_count
        c2 = rng.c2 if rng.c2 is not None else sheet.col_count
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
        rows_beyond = r2 > sheet.row_count and not allow_beyond_rows
        if rows_beyond or c2 > sheet.col_count:
            raise ApiError.invalid(
                f"Range ({sheet_ref(sheet.title)}!{rng.text}) exceeds grid limits. "
                f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
        return Bounds(sheet, r1, c1, r2, c2, rng.single)

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for sheet in self.sheets:
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if sheet.conditional_formats:
                entry["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
            sheets.append(entry)
        return {
            "spreadsheetId": self.id,
            "properties": {"title": self.title, "locale": self.locale,
                           "autoRecalc": "ON_CHANGE", "timeZone": self.time_zone,
                           "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                           "spreadsheetTheme": copy.deepcopy(SPREADSHEET_THEME)},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit",
        }


# =========================================================================== field masks


def parse_fields(mask: str) -> dict[str, Any]:
    """``"properties(title,locale),sheets.properties"`` -> a nested selection tree."""
    tree: dict[str, Any] = {}
    pos = 0

    def parse_list(end: str | None) -> dict[str, Any]:
        nonlocal pos
        out: dict[str, Any] = {}
        while pos < len(mask):
            m = re.compile(r"\s*([\w*]+(?:\.[\w*]+)*)\s*").match(mask, pos)
            if not m:
                raise ApiError.invalid(f"Invalid field selection {mask}")
            pos = m.end()
            sub: dict[str, Any] = {}
            if pos < len(mask) and mask[pos] == "(":
                pos += 1
                sub = parse_list(")")
            node = out
            parts = m.group(1).split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            leaf = node.setdefault(parts[-1], {})
            _merge(leaf, sub)
            if pos < len(mask) and mask[pos] == ",":
                pos += 1
                continue
            if end and pos < len(mask) and mask[pos] == end:
                pos += 1
                return out
        return out

    tree = parse_list(None)
    return tree


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        _merge(into.setdefault(key, {}), value)


def apply_fields(obj: Any, tree: dict[str, Any]) -> Any:
    """Keep only the selected fields; an empty selection keeps the whole value."""
    if not tree or "*" in tree:
        return obj
    if isinstance(obj, list):
        return [apply_fields(item, tree) for item in obj]
    if isinstance(obj, dict):
        return {key: apply_fields(obj[key], sub) for key, sub in tree.items() if key in obj}
    return obj


# =========================================================================== auth


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class ServiceAccount:
    email: str
    key_id: str
    public_key: rsa.RSAPublicKey


@dataclass(frozen=True)
class Token:
    email: str
    scopes: frozenset[str]
    expires: float  # time.time() epoch


def make_service_account_key(path: str | Path, token_uri: str,
                             client_email: str = "sheetsync@sheetsync-test.iam"
                                                 ".gserviceaccount.com",
                             project_id: str = "sheetsync-test") -> dict[str, Any]:
    """Write a service-account JSON key with a fresh RSA key; return its content."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": client_email,
        "client_id": str(random.randrange(10**20, 10**21)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                + client_email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }
    Path(path).write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


class TokenError(Exception):
    """An OAuth error answer: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


# =========================================================================== clocks


class RealClock:
    """Monotonic seconds; ``sleep`` is ``time.sleep``."""

    factor = 1.0

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class AcceleratedClock(RealClock):
    """Simulated seconds running ``factor`` times faster than real ones.

    ``sleep(s)`` sleeps ``s / factor`` real seconds, so a client that sleeps on this clock
    and a server that measures on it agree on simulated time.
    """

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self._origin = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.factor

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self.factor)


# =========================================================================== request log


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    json: Any
    user: str | None
    status: int
    at: float  # on the emulator clock


@dataclass
class _Fault:
    status: int
    body: str | None
    message: str | None
    remaining: int | None  # None: forever
    methods: frozenset[str] | None
    path_contains: str | None

    def matches(self, method: str, path: str) -> bool:
        if self.methods and method not in self.methods:
            return False
        return not self.path_contains or self.path_contains in path


# =========================================================================== the emulator

@dataclass
class _Hook:
    action: Callable[[SheetsEmulator], None]
    method: str | None
    path_contains: str | None
    skip: int
    times: int


_VALUES_PATH = re.compile(r"/v4/spreadsheets/([^/:]+)/values/(.+)")
_VALUES_BATCH = re.compile(r"/v4/spreadsheets/([^/:]+)/values:(batchGet|batchUpdate|batchClear)")
_SHEET_PATH = re.compile(r"/v4/spreadsheets/([^/:]+)(:batchUpdate)?")


class SheetsEmulator:
    """The emulator: state, test controls, and the request dispatch behind the HTTP server."""

    def __init__(self, clock: RealClock | None = None, seed: int = 1) -> None:
        self.clock = clock or RealClock()
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.accounts: dict[str, ServiceAccount] = {}
        self.tokens: dict[str, Token] = {}
        self.requests: list[LoggedRequest] = []
        self.drive_requests: list[LoggedRequest] = []
        self.latency = 0.0
        self.drive_disabled = False
        self._modified: dict[str, tuple[str, str]] = {}  # id -> (content mark, ISO moment)
        self._modified_now: Callable[[], datetime] = lambda: datetime.now(UTC)
        # set_modified_by_writes: the content mark is worked out again only after a write
        self._marks_by_writes = False
        self._written: set[str] = set()  # ids written since their mark was last worked out
        self.token_requests: list[LoggedRequest] = []
        self._faults: list[_Fault] = []
        self._hooks: list[_Hook] = []
        self._token_fault: tuple[int, str, str, int | None] | None = None
        self._quota: tuple[int, float] | None = None
        self._quota_hits: dict[str, deque[float]] = {}
        self._quota_per_kind = False  # reads and writes counted apart (Google's 60 + 60)
        self.quota_rejections = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ server
    def start(self) -> SheetsEmulator:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.emulator = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="sheets-emulator",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, to use as ``SHEETSYNC_SHEETS_ENDPOINT``."""
        assert self._server is not None, "start() the emulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    # ------------------------------------------------------------------ accounts
    def register_service_account(self, info: Mapping[str, Any]) -> ServiceAccount:
        """Accept JWTs signed by this key (``info`` is the key file's JSON)."""
        private = serialization.load_pem_private_key(info["private_key"].encode(), None)
        assert isinstance(private, rsa.RSAPrivateKey)
        account = ServiceAccount(info["client_email"], info["private_key_id"],
                                 private.public_key())
        with self._lock:
            self.accounts[account.email] = account
        return account

    def make_service_account_key(self, path: str | Path,
                                 client_email: str = "sheetsync@sheetsync-test.iam"
                                                     ".gserviceaccount.com") -> dict[str, Any]:
        """Write a key file whose ``token_uri`` is this emulator, and register it."""
        info = make_service_account_key(path, self.token_uri, client_email)
        self.register_service_account(info)
        return info

    # ------------------------------------------------------------------ spreadsheets
    def create_spreadsheet(self, spreadsheet_id: str, title: str,
                           tabs: Mapping[str, list[list[Any]]] | None = None, *,
                           time_zone: str = "Etc/GMT", locale: str = "en_US",
                           shared_with: Iterable[str] | None = None,
                           grid: Mapping[str, tuple[int, int]] | None = None) -> Spreadsheet:
        """Create a spreadsheet with tabs of seed values (see ``seed_cell``).

        ``shared_with`` None shares it with every service account; ``grid`` gives a tab's
        (rows, columns), else max(1000, data) x max(26, data) as Google's defaults.
        """
        with self._lock:
            book = Spreadsheet(spreadsheet_id, title, time_zone, locale, shared_with, self._rng)
            for name, rows in (tabs or {"Sheet1": []}).items():
                width = max((len(r) for r in rows), default=0)
                size = (grid or {}).get(name, (max(1000, len(rows)), max(26, width)))
                sheet = book.add_sheet(name, *size)
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row, start=1):
                        cell = seed_cell(value)
                        if cell is not None:
                            sheet.put(r, c, cell)
            self.spreadsheets[spreadsheet_id] = book
            return book

    def _sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        sheet = self.spreadsheets[spreadsheet_id].by_title(tab)
        if sheet is None:
            raise KeyError(f"no tab {tab!r} in {spreadsheet_id}")
        return sheet

    def values(self, spreadsheet_id: str, tab: str) -> list[list[Any]]:
        """A tab's content as Python values, trailing blanks trimmed (formulas as Formula)."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            out = []
            for r in range(1, sheet.data_height() + 1):
                row = [python_value(c) for c in (sheet.grid[r - 1] if r <= len(sheet.grid)
                                                  else [])]
                while row and row[-1] is None:
                    row.pop()
                out.append(row)
            return out

    def cell(self, spreadsheet_id: str, tab: str, a1: str) -> Cell | None:
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            rng = CellRange.parse(a1, a1)
            assert rng.r1 and rng.c1
            found = sheet.get(rng.r1, rng.c1)
            return copy.deepcopy(found)

    def grid_size(self, spreadsheet_id: str, tab: str) -> tuple[int, int]:
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            return sheet.row_count, sheet.col_count

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return [s.title for s in self.spreadsheets[spreadsheet_id].sheets]

    def set_values(self, spreadsheet_id: str, tab: str, start: str,
                   rows: list[list[Any]]) -> None:
        """Overwrite cells from ``start`` (e.g. "B3") with seed values, as staff typing."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            rng = CellRange.parse(start, start)
            assert rng.r1 and rng.c1
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    sheet.put(rng.r1 + i, rng.c1 + j, seed_cell(value))
            self._written.add(spreadsheet_id)

    def insert_rows(self, spreadsheet_id: str, tab: str, at: int, n: int = 1) -> None:
        """Insert ``n`` empty rows so that they become rows ``at``..``at+n-1``."""
        with self._lock:
            self._sheet(spreadsheet_id, tab).insert("ROWS", at - 1, at - 1 + n)

    def delete_rows(self, spreadsheet_id: str, tab: str, at: int, n: int = 1) -> None:
        with self._lock:
            self._sheet(spreadsheet_id, tab).delete("ROWS", at - 1, at - 1 + n)

    def insert_columns(self, spreadsheet_id: str, tab: str, at: int, n: int = 1) -> None:
        """Insert ``n`` empty columns so that they become columns ``at``..``at+n-1``."""
        with self._lock:
            self._sheet(spreadsheet_id, tab).insert("COLUMNS", at - 1, at - 1 + n)

    def delete_columns(self, spreadsheet_id: str, tab: str, at: int, n: int = 1) -> None:
        with self._lock:
            self._sheet(spreadsheet_id, tab).delete("COLUMNS", at - 1, at - 1 + n)

    def swap_columns(self, spreadsheet_id: str, tab: str, one: int, other: int) -> None:
        """Swap two whole columns (cut and paste, as staff would)."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            for row in range(1, len(sheet.grid) + 1):
                a, b = sheet.get(row, one), sheet.get(row, other)
                sheet.put(row, one, b)
                sheet.put(row, other, a)

    def rename_tab(self, spreadsheet_id: str, tab: str, title: str) -> None:
        with self._lock:
            self._sheet(spreadsheet_id, tab).title = title

    def add_tab(self, spreadsheet_id: str, title: str, rows: list[list[Any]]) -> None:
        """A new tab with seed values (another client creating it meanwhile)."""
        with self._lock:
            self.spreadsheets[spreadsheet_id].add_sheet(title)
        self.set_values(spreadsheet_id, title, "A1", rows)

    def formatting(self, spreadsheet_id: str) -> list[dict[str, Any]]:
        """Every formatting/validation request stored so far (as sent)."""
        with self._lock:
            return copy.deepcopy(self.spreadsheets[spreadsheet_id].formatting)

    def share(self, spreadsheet_id: str, email: str, role: str = "writer") -> None:
        """Share with ``email`` as "writer" (Editor) or "reader" (Viewer)."""
        with self._lock:
            book = self.spreadsheets[spreadsheet_id]
            book.revoked.discard(email)
            if book.shared is not None:
                book.shared.add(email)
            if role == "reader":
                book.readers.add(email)
            else:
                book.readers.discard(email)

    def protect(self, spreadsheet_id: str, tab: str, on: bool = True) -> None:
        """A protected range over the whole tab that the service account may not edit:
        every API write of its cells gets Google's 403 (the batchUpdate it is in applies
        nothing)."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            book = self.spreadsheets[spreadsheet_id]
            (book.protected.add if on else book.protected.discard)(sheet.sheet_id)

    def unshare(self, spreadsheet_id: str, email: str) -> None:
        with self._lock:
            book = self.spreadsheets[spreadsheet_id]
            book.revoked.add(email)
            if book.shared is not None:
                book.shared.discard(email)

    # ------------------------------------------------------------------ faults & quota
    def fail_next(self, n: int = 1, status: int = 429, body: str | None = None, *,
                  message: str | None = None, methods: Iterable[str] | None = None,
                  path_contains: str | None = None) -> None:
        """Answer the next ``n`` matching Sheets requests with ``status``.

        The body is Google's JSON error for that status (with ``message`` instead of the
        usual one if given), or ``body`` as it is (e.g. an HTML page from a proxy).
        """
        with self._lock:
            self._faults.append(_Fault(status, body, message, n, _methods(methods),
                                       path_contains))

    def fail_always(self, status: int = 500, body: str | None = None, *,
                    message: str | None = None, methods: Iterable[str] | None = None,
                    path_contains: str | None = None) -> None:
        with self._lock:
            self._faults.append(_Fault(status, body, message, None, _methods(methods),
                                       path_contains))

    def before(self, action: Callable[[SheetsEmulator], None], *, method: str | None = None,
               path_contains: str | None = None, skip: int = 0, times: int = 1) -> None:
        """Run ``action(emulator)`` just before a matching Sheets request is answered.

        The first ``skip`` matching requests pass untouched; the action then runs before each
        of the next ``times``. This is staff editing the sheet between a client's read and
        its write: e.g. ``before(delete_flag, method="GET", path_contains="batchGet",
        skip=1)`` changes the sheet after the first read and before the re-read.
        """
        with self._lock:
            self._hooks.append(_Hook(action, method.upper() if method else None,
                                     path_contains, skip, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._token_fault = None

    def fail_token_endpoint(self, status: int = 400, error: str = "invalid_grant",
                            description: str = "Invalid grant: account not found",
                            times: int | None = None) -> None:
        """Make the token endpoint answer an OAuth error (``times`` None: until cleared)."""
        with self._lock:
            self._token_fault = (status, error, description, times)

    def set_quota(self, limit: int | None, window: float = 60.0,
                  clock: RealClock | None = None, *, per_kind: bool = False) -> None:
        """At most ``limit`` Sheets requests per user per rolling ``window`` seconds; with
        ``per_kind``, ``limit`` reads (GET) and ``limit`` writes apart, as Google counts."""
        with self._lock:
            self._quota = None if limit is None else (limit, window)
            self._quota_per_kind = per_kind
            self._quota_hits.clear()
            if clock is not None:
                self.clock = clock

    def count(self, method: str | None = None, contains: str = "") -> int:
        """How many Sheets API requests were logged (optionally by method / path part)."""
        with self._lock:
            return sum(1 for r in self.requests
                       if (method is None or r.method == method.upper()) and contains in r.path)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.token_requests.clear()
            self.drive_requests.clear()

    def set_cell_limit(self, spreadsheet_id: str, cells: int) -> None:
        """Google's limit of cells in a spreadsheet (10 million), lowered for one sheet so a
        test reaches it: a ``batchUpdate`` request that grows the grids past it is refused
        whole with Google's 400."""
        with self._lock:
            self.spreadsheets[spreadsheet_id].cell_limit = cells

    def set_latency(self, seconds: float, clock: RealClock | None = None) -> None:
        """Delay every Sheets and Drive answer by ``seconds`` of the emulator's clock."""
        with self._lock:
            self.latency = seconds
            if clock is not None:
                self.clock = clock

    def disable_drive(self, disabled: bool = True) -> None:
        """Answer every Drive call as a Cloud project without the Drive API enabled."""
        with self._lock:
            self.drive_disabled = disabled

    def set_modified_by_writes(self, on: bool = True) -> None:
        """Work a spreadsheet's content mark (what moves Drive's ``modifiedTime``) out again
        only after an API write to it or ``set_values``, not on every ``files.get``.

        For benchmarks with many sheets and many idle ``files.get``: the answers are the same
        as without it as long as the sheets change only through the API and ``set_values``
        (a test that edits ``spreadsheets[...]`` directly or uses another helper must not
        turn it on).
        """
        with self._lock:
            self._marks_by_writes = on
            self._written = set(self.spreadsheets)

    def set_modified_clock(self, now: Callable[[], datetime]) -> None:
        """Where ``modifiedTime`` reads the time of a change (default: the wall clock, UTC)."""
        with self._lock:
            self._modified_now = now

    # ------------------------------------------------------------------ Drive files.get
    def _handle_drive(self, method: str, path: str, query: dict[str, list[str]],
                      headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
        user: str | None = None
        try:
            with self._lock:
                user = self._drive_user(headers)
                m = _DRIVE_FILE.fullmatch(unquote(path))
                if m is None or method != "GET":
                    raise _drive_error(404, "Not Found", "notFound")
                book = self.spreadsheets.get(m[1])
                if book is None or not book.allows(user):
                    raise _drive_error(404, f"File not found: {m[1]}.", "notFound",
                                       location="fileId")
                result = apply_fields(self._file_resource(book),
                                      parse_fields((query.get("fields") or [""])[0] or
                                                   "kind,id,name,mimeType"))
            status, out = 200, json.dumps(result, indent=2).encode()
        except ApiError as err:
            status, out = err.code, (err.raw or "").encode()
        with self._lock:
            self.drive_requests.append(LoggedRequest(method, unquote(path), query, None, user,
                                                     status, self.clock.now()))
        return status, {"Content-Type": "application/json; charset=UTF-8"}, out

    def _drive_user(self, headers: Mapping[str, str]) -> str:
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        token = self.tokens.get(auth[len("Bearer "):].strip()) if auth.startswith(
            "Bearer ") else None
        if token is None or token.expires < time.time():
            raise _drive_error(401, "Request is missing required authentication credential.",
                               "required", location="Authorization")
        if self.drive_disabled:
            raise _drive_error(403, "Google Drive API has not been used in project 000000000000 "
                               "before or it is disabled. Enable it by visiting the Google "
                               "Cloud console, then retry.", "accessNotConfigured")
        if not DRIVE_SCOPES & token.scopes:
            raise _drive_error(403, "Request had insufficient authentication scopes.",
                               "insufficientPermissions", message="Insufficient Permission")
        return token.email

    def _file_resource(self, book: Spreadsheet) -> dict[str, Any]:
        seen = self._modified.get(book.id)
        if (self._marks_by_writes and seen is not None and book.id not in self._written):
            return _drive_file(book, seen[1])
        self._written.discard(book.id)
        mark = repr([(s.title, s.index, s.row_count, s.col_count, s.grid, s.frozen_rows,
                      s.frozen_cols, s.hidden) for s in book.sheets]) + book.title
        seen = self._modified.get(book.id)
        if seen is None or seen[0] != mark:
            stamp = self._modified_now().astimezone(UTC)
            if seen is not None and stamp.isoformat() <= seen[1]:
                stamp = datetime.fromisoformat(seen[1]) + timedelta(milliseconds=1)
            seen = (mark, stamp.isoformat())
            self._modified[book.id] = seen
        return _drive_file(book, seen[1])

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, raw_path: str, headers: Mapping[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request: (status, headers, body)."""
        split = urlsplit(raw_path)
        query = parse_qs(split.query, keep_blank_values=True)
        if split.path == "/token" and method == "POST":
            return self._handle_token(body)
        if self.latency:
            self.clock.sleep(self.latency)
        if split.path.startswith("/drive/"):
            return self._handle_drive(method, split.path, query, headers)
        payload: Any = None
        user: str | None = None
        try:
            if body:
                try:
                    payload = json.loads(body)
                except ValueError as exc:
                    raise ApiError.invalid(f"Invalid JSON payload received. {exc}") from exc
            with self._lock:
                user = self._authenticate(headers, split.path)
            for action in self._due_hooks(method, unquote(split.path)):
                action(self)  # outside the lock: an action may wait for another request
            with self._lock:
                self._inject_fault(method, split.path)
                self._check_quota(user, method)
                result = self._route(method, split.path, query, payload, user)
            status, out = 200, json.dumps(result, indent=2, ensure_ascii=False).encode()
            content_type = "application/json; charset=UTF-8"
            extra: dict[str, str] = {}
        except ApiError as err:
            status = err.code
            if err.raw is not None:
                out, content_type = err.raw.encode(), err.content_type
            else:
                out = json.dumps(err.body(), indent=2, ensure_ascii=False).encode()
                content_type = "application/json; charset=UTF-8"
            extra = ({"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
                     if status == 401 else {})
        with self._lock:
            self.requests.append(LoggedRequest(method, unquote(split.path), query, payload,
                                               user, status, self.clock.now()))
        return status, {"Content-Type": content_type, **extra}, out

    def _authenticate(self, headers: Mapping[str, str], path: str) -> str:
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        if not auth.startswith("Bearer "):
            raise unauthenticated(True, "google.apps.sheets.v4.SpreadsheetsService")
        token = self.tokens.get(auth[len("Bearer "):].strip())
        if token is None or token.expires < time.time():
            raise unauthenticated(False, "google.apps.sheets.v4.SpreadsheetsService")
        if SPREADSHEETS_SCOPE not in token.scopes and not any(
                s.startswith(SPREADSHEETS_SCOPE) for s in token.scopes):
            raise ApiError(403, "Request had insufficient authentication scopes.",
                           "PERMISSION_DENIED")
        return token.email

    def _due_hooks(self, method: str, path: str) -> list[Callable[[SheetsEmulator], None]]:
        due = []
        with self._lock:
            for hook in list(self._hooks):
                if (hook.method not in (None, method)) or (
                        hook.path_contains is not None and hook.path_contains not in path):
                    continue
                if hook.skip > 0:
                    hook.skip -= 1
                    continue
                hook.times -= 1
                if hook.times <= 0:
                    self._hooks.remove(hook)
                due.append(hook.action)
        return due

    def _inject_fault(self, method: str, path: str) -> None:
        for item in self._faults:
            if item.matches(method, path):
                if item.remaining is not None:
                    item.remaining -= 1
                    if item.remaining <= 0:
                        self._faults.remove(item)
                error = fault(item.status, item.body, "Read" if method == "GET" else "Write")
                if item.message is not None and item.body is None:
                    error.message, error.details = item.message, None
                raise error

    def _check_quota(self, user: str, method: str) -> None:
        if self._quota is None:
            return
        limit, window = self._quota
        now = self.clock.now()
        kind = ("read" if method == "GET" else "write") if self._quota_per_kind else ""
        hits = self._quota_hits.setdefault(f"{user} {kind}", deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            self.quota_rejections += 1
            raise quota_error("Read" if method == "GET" else "Write", limit)
        hits.append(now)

    def _book(self, spreadsheet_id: str, user: str, write: bool = False) -> Spreadsheet:
        book = self.spreadsheets.get(unquote(spreadsheet_id))
        if book is None:
            raise ApiError.not_found()
        if not book.allows(user) or (write and user in book.readers):
            raise ApiError.forbidden()
        if write:
            self._written.add(book.id)
        return book

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any,
               user: str) -> Any:
        write = method != "GET"
        if m := _VALUES_BATCH.fullmatch(path):
            book, verb = self._book(m[1], user, write), m[2]
            if verb == "batchGet" and method == "GET":
                return values_batch_get(book, query)
            if verb == "batchUpdate" and method == "POST":
                return values_batch_update(book, body or {})
            if verb == "batchClear" and method == "POST":
                return values_batch_clear(book, body or {})
        elif m := _VALUES_PATH.fullmatch(path):
            book, rest = self._book(m[1], user, write), m[2]
            head, _, verb = rest.rpartition(":")
            if verb in ("append", "clear") and head:
                range_text = unquote(head)
                if verb == "append" and method == "POST":
                    return values_append(book, range_text, query, body or {})
                if verb == "clear" and method == "POST":
                    return values_clear(book, range_text)
            else:
                range_text = unquote(rest)
                if method == "GET":
                    return values_get(book, range_text, query)
                if method == "PUT":
                    return values_update(book, range_text, query, body or {})
        elif m := _SHEET_PATH.fullmatch(path):
            book = self._book(m[1], user, write)
            if m[2] and method == "POST":
                return batch_update(book, body or {}, query)
            if not m[2] and method == "GET":
                return spreadsheet_get(book, query)
        raise ApiError(404, "Method not found.", "NOT_FOUND")

    # ------------------------------------------------------------------ token endpoint
    def _handle_token(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        form = parse_qs(body.decode("utf-8", "replace"))
        status = 200
        user = None
        try:
            with self._lock:
                if self._token_fault is not None:
                    code, error, description, times = self._token_fault
                    if times is not None:
                        times -= 1
                        self._token_fault = (code, error, description, times) if times else None
                    raise TokenError(code, error, description)
                user, scopes = self._verify_assertion(form)
                token = "ya29.emu-" + secrets.token_urlsafe(24)
                self.tokens[token] = Token(user, scopes, time.time() + TOKEN_LIFETIME)
            out: dict[str, Any] = {"access_token": token, "expires_in": TOKEN_LIFETIME,
                                   "token_type": "Bearer"}
        except TokenError as err:
            status = err.status
            out = {"error": err.error, "error_description": err.description}
        with self._lock:
            self.token_requests.append(LoggedRequest("POST", "/token", {}, None, user, status,
                                                     self.clock.now()))
        data = json.dumps(out).encode()
        return status, {"Content-Type": "application/json; charset=utf-8"}, data

    def _verify_assertion(self, form: dict[str, list[str]]) -> tuple[str, frozenset[str]]:
        grant = (form.get("grant_type") or [""])[0]
        if grant != JWT_BEARER:
            raise TokenError(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
        assertion = (form.get("assertion") or [""])[0]
        try:
            head_b64, payload_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64url_decode(head_b64))
            claims = json.loads(_b64url_decode(payload_b64))
            signature = _b64url_decode(sig_b64)
        except ValueError as exc:
            raise TokenError(400, "invalid_grant", "Invalid JWT: bad assertion.") from exc
        if header.get("alg") != "RS256":
            raise TokenError(400, "invalid_grant", "Invalid JWT Signature.")
        account = self.accounts.get(str(claims.get("iss")))
        if account is None:
            raise TokenError(400, "invalid_grant", "Invalid grant: account not found")
        if header.get("kid") not in (None, account.key_id):
            raise TokenError(400, "invalid_grant", "Invalid JWT Signature.")
        try:
            account.public_key.verify(signature, f"{head_b64}.{payload_b64}".encode(),
                                      padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise TokenError(400, "invalid_grant", "Invalid JWT Signature.") from exc
        if claims.get("aud") != GOOGLE_TOKEN_URI:
            raise TokenError(400, "invalid_grant", "Invalid JWT: Failed audience check. "
                             f"The expected audience is {GOOGLE_TOKEN_URI}.")
        now = time.time()
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - 300 <= now < exp) or exp - iat > 3600:
            raise TokenError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived "
                             "token (60 minutes) and in a reasonable timeframe. Check your "
                             "iat and exp values in the JWT claim.")
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            raise TokenError(400, "invalid_scope",
                             "Invalid OAuth scope or ID token audience provided.")
        return account.email, scopes


def _drive_file(book: Spreadsheet, modified: str) -> dict[str, Any]:
    """Drive's file resource for a spreadsheet last modified at ``modified`` (ISO)."""
    moment = datetime.fromisoformat(modified)
    return {"kind": "drive#file", "id": book.id, "name": book.title,
            "mimeType": "application/vnd.google-apps.spreadsheet",
            "modifiedTime": moment.strftime("%Y-%m-%dT%H:%M:%S.") +
            f"{moment.microsecond // 1000:03d}Z"}


def _methods(methods: Iterable[str] | None) -> frozenset[str] | None:
    return None if methods is None else frozenset(m.upper() for m in methods)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # headers and body go out as two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer back ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        emulator: SheetsEmulator = self.server.emulator  # type: ignore[attr-defined]
        status, headers, out = emulator.handle(self.command, self.path, self.headers, body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


# =========================================================================== values API


def _option(query: Mapping[str, list[str]], name: str, default: str) -> str:
    return (query.get(name) or [default])[0] or default


def read_range(book: Spreadsheet, text: str, value_option: str, date_option: str,
               major: str) -> dict[str, Any]:
    """One ValueRange: trailing blanks trimmed, ``values`` left out when empty."""
    bounds = book.resolve(text)
    sheet = bounds.sheet
    rows = []
    for r in range(bounds.r1, min(bounds.r2, len(sheet.grid)) + 1):
        last = min(bounds.c2, len(sheet.grid[r - 1]))
        rows.append([render(sheet.get(r, c), value_option, date_option, book.locale)
                     for c in range(bounds.c1, last + 1)])
    if major == "COLUMNS":
        width = max((len(row) for row in rows), default=0)
        padded = [row + [""] * (width - len(row)) for row in rows]
        rows = [list(col) for col in zip(*padded, strict=True)] if padded else []
    trimmed = []
    for row in rows:
        while row and row[-1] == "":
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    out: dict[str, Any] = {"range": bounds.a1(), "majorDimension": major}
    if trimmed:
        out["values"] = trimmed
    return out


def values_get(book: Spreadsheet, text: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
    return read_range(book, text, _option(query, "valueRenderOption", "FORMATTED_VALUE"),
                      _option(query, "dateTimeRenderOption", "SERIAL_NUMBER"),
                      _option(query, "majorDimension", "ROWS"))


def values_batch_get(book: Spreadsheet, query: Mapping[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": book.id}
    ranges = query.get("ranges") or []
    if ranges:
        out["valueRanges"] = [values_get(book, text, query) for text in ranges]
    return out


def _input_option(value: Any) -> str:
    if value not in ("RAW", "USER_ENTERED"):
        raise ApiError.invalid("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED"
                               if not value else f"Invalid value at 'value_input_option', "
                               f"\"{value}\"")
    return str(value)


def _check_values(values: Any, where: str = "data.values") -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        message = (f"Invalid value at '{where}' (type.googleapis.com/google.protobuf"
                   f".ListValue), {json.dumps(values)}")
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": where, "description": message}]}]
        raise ApiError(400, message, "INVALID_ARGUMENT", details)
    return values


def write_values(book: Spreadsheet, text: str, values: list[list[Any]], option: str,
                 major: str = "ROWS", start_row: int | None = None) -> dict[str, Any]:
    """Write a block at a range; the answer's counts and ``updatedRange`` as Google's."""
    if major == "COLUMNS":
        width = max((len(r) for r in values), default=0)
        values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
    bounds = book.resolve(text, allow_beyond_rows=start_row is not None)
    sheet = bounds.sheet
    _check_protected(book, sheet)
    r1 = start_row or bounds.r1
    height = len(values)
    width = max((len(r) for r in values), default=0)
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if not height or not width:
        return out
    r2, c2 = r1 + height - 1, bounds.c1 + width - 1
    bounded = not bounds.single and start_row is None
    if bounded and (r2 > bounds.r2 or c2 > bounds.c2):
        beyond = f"column [{col_letters(c2)}]" if c2 > bounds.c2 else f"row [{r2}]"
        raise ApiError.invalid(f"Requested writing within range [{bounds.a1()}], but tried "
                               f"writing to {beyond}")
    if c2 > sheet.col_count or (r2 > sheet.row_count and start_row is None):
        raise ApiError.invalid(
            f"Range ({sheet_ref(sheet.title)}!{col_letters(bounds.c1)}{r1}:"
            f"{col_letters(c2)}{r2}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
    sheet.row_count = max(sheet.row_count, r2)
    cells = 0
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if value is None:
                continue
            sheet.set_value(r1 + i, bounds.c1 + j, parse_input(value, option, book.locale))
            cells += 1
    written = Bounds(sheet, r1, bounds.c1, r2, c2, height == 1 and width == 1)
    out.update({"updatedRange": written.a1(), "updatedRows": height,
                "updatedColumns": width, "updatedCells": cells})
    return out


def values_update(book: Spreadsheet, text: str, query: Mapping[str, list[str]],
                  body: Mapping[str, Any]) -> dict[str, Any]:
    option = _input_option(_option(query, "valueInputOption", ""))
    values = _check_values(body.get("values"))
    return write_values(book, text, values, option, body.get("majorDimension") or "ROWS")


def values_batch_update(book: Spreadsheet, body: Mapping[str, Any]) -> dict[str, Any]:
    option = _input_option(body.get("valueInputOption"))
    snapshot = copy.deepcopy(book.sheets)
    responses = []
    rows: set[tuple[int, int]] = set()
    cols: set[tuple[int, int]] = set()
    sheets: set[int] = set()
    cells = 0
    try:
        for i, item in enumerate(body.get("data") or []):
            values = _check_values(item.get("values"), f"data[{i}].values")
            reply = write_values(book, item.get("range", ""), values, option,
                                 item.get("majorDimension") or "ROWS")
            responses.append(reply)
            if "updatedRange" in reply:
                bounds = book.resolve(reply["updatedRange"])
                sid = bounds.sheet.sheet_id
                sheets.add(sid)
                rows.update((sid, r) for r in range(bounds.r1, bounds.r2 + 1))
                cols.update((sid, c) for c in range(bounds.c1, bounds.c2 + 1))
                cells += reply["updatedCells"]
    except ApiError:
        book.sheets[:] = snapshot
        raise
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if responses:
        out.update({"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
                    "totalUpdatedCells": cells, "totalUpdatedSheets": len(sheets),
                    "responses": responses})
    return out


def values_append(book: Spreadsheet, text: str, query: Mapping[str, list[str]],
                  body: Mapping[str, Any]) -> dict[str, Any]:
    """Append after the "table" found in the range (rows grow as needed)."""
    option = _input_option(_option(query, "valueInputOption", ""))
    values = _check_values(body.get("values"))
    bounds = book.resolve(text)
    sheet = bounds.sheet
    c_end = None if bounds.single else bounds.c2
    first = next((r for r in range(bounds.r1, min(bounds.r2, sheet.row_count) + 1)
                  if not sheet.row_empty(r, bounds.c1, c_end)), None)
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if first is None:
        target = bounds.r1
    else:
        last = first
        while not sheet.row_empty(last + 1, bounds.c1, c_end):
            last += 1
        width = max(len(sheet.grid[r - 1]) for r in range(first, last + 1))
        table = Bounds(sheet, first, bounds.c1, last, max(width, bounds.c1))
        out["tableRange"] = table.a1()
        target = last + 1
    if _option(query, "insertDataOption", "OVERWRITE") == "INSERT_ROWS" and values:
        sheet.insert("ROWS", target - 1, target - 1 + len(values))
    where = f"{sheet_ref(sheet.title)}!{col_letters(bounds.c1)}{target}"
    out["updates"] = write_values(book, where, values, option,
                                  body.get("majorDimension") or "ROWS", start_row=target)
    return out


def values_clear(book: Spreadsheet, text: str) -> dict[str, Any]:
    bounds = book.resolve(text)
    for r in range(bounds.r1, min(bounds.r2, len(bounds.sheet.grid)) + 1):
        for c in range(bounds.c1, bounds.c2 + 1):
            if bounds.sheet.get(r, c) is not None:
                bounds.sheet.set_value(r, c, None)
    whole = Bounds(bounds.sheet, bounds.r1, bounds.c1, bounds.r2, bounds.c2)
    return {"spreadsheetId": book.id, "clearedRange": whole.a1()}


def values_batch_clear(book: Spreadsheet, body: Mapping[str, Any]) -> dict[str, Any]:
    cleared = [values_clear(book, text)["clearedRange"] for text in body.get("ranges") or []]
    return {"spreadsheetId": book.id, "clearedRanges": cleared}


# =========================================================================== spreadsheets API


def spreadsheet_get(book: Spreadsheet, query: Mapping[str, list[str]]) -> dict[str, Any]:
    """Metadata; grid data for ``ranges`` when asked (``includeGridData`` or ``fields``)."""
    meta = book.metadata()
    fields = _option(query, "fields", "")
    if wants_grid_data(query):
        ranges = query.get("ranges") or []
        wanted = [book.resolve(t) for t in ranges] or [
            book.resolve(sheet_ref(s.title)) for s in book.sheets]
        by_sheet: dict[int, list[dict[str, Any]]] = {}
        cells = _cell_fields(fields)
        for bounds in wanted:
            by_sheet.setdefault(bounds.sheet.sheet_id, []).append(
                grid_data(book, bounds, cells))
        meta["sheets"] = [dict(entry, data=by_sheet[entry["properties"]["sheetId"]])
                          for entry in meta["sheets"]
                          if entry["properties"]["sheetId"] in by_sheet]
    if fields:
        meta = apply_fields(meta, parse_fields(fields))
    return meta


def wants_grid_data(query: Mapping[str, list[str]]) -> bool:
    """Whether a ``spreadsheets.get`` answers with grid data (``Sheet.data``).

    Google: "If a field mask is set, the includeGridData parameter is ignored": with a mask,
    grid data comes when the mask selects ``sheets.data`` (or all of ``sheets``, or ``*``);
    without one, when ``includeGridData=true``.
    """
    fields = _option(query, "fields", "")
    if not fields:
        return _option(query, "includeGridData", "false").lower() == "true"
    tree = parse_fields(fields)
    if "*" in tree or tree.get("sheets") == {}:
        return True
    sheets = tree.get("sheets") or {}
    return "data" in sheets or "*" in sheets


def _cell_fields(fields: str) -> frozenset[str] | None:
    """The CellData fields a mask names (``sheets.data.rowData.values(...)``); None: all.

    Only a shortcut: the mask is applied to the whole answer afterwards all the same."""
    if not fields:
        return None
    node: Any = parse_fields(fields)
    for key in ("sheets", "data", "rowData", "values"):
        node = node.get(key) if isinstance(node, dict) else None
        if not node or "*" in node:
            return None
    return frozenset(node)


def grid_data(book: Spreadsheet, bounds: Bounds,
              cells: frozenset[str] | None = None) -> dict[str, Any]:
    """One GridData: a ``rowData`` entry per row from ``startRow`` (zero-based; left out
    when 0, as protobuf JSON leaves out defaults), an empty row as ``{}``, each row's cells
    up to its last one with a value or a format, rows after the last such row left out,
    and no ``rowData`` at all for a range without any."""
    rows = []
    for r in range(bounds.r1, min(bounds.r2, len(bounds.sheet.grid)) + 1):
        stored = [bounds.sheet.get(r, c) for c in range(bounds.c1, bounds.c2 + 1)]
        while stored and not _holds_data(stored[-1]):
            stored.pop()
        rows.append({"values": [cell_data(book, c, cells) for c in stored]} if stored else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {"rowData": rows} if rows else {}
    if bounds.r1 > 1:
        out["startRow"] = bounds.r1 - 1
    if bounds.c1 > 1:
        out["startColumn"] = bounds.c1 - 1
    return out


def _holds_data(cell: Cell | None) -> bool:
    """Whether a stored cell is a CellData at all (a value, a format or a note)."""
    return cell is not None and bool(not cell.empty or cell.fmt or cell.note)


def cell_data(book: Spreadsheet, cell: Cell | None,
              fields: frozenset[str] | None = None) -> dict[str, Any]:
    """One CellData; ``fields`` (None: all) leaves out what a mask would drop anyway."""
    if cell is None:
        return {}
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return fields is None or name in fields

    if not cell.empty:
        if want("userEnteredValue"):
            out["userEnteredValue"] = cell.user_entered_value()
        effective = cell.effective_value() if want("effectiveValue") else None
        if effective is not None:  # a formula without a value yet has none
            out["effectiveValue"] = effective
        if want("formattedValue"):
            shown = render(cell, "FORMATTED_VALUE", "FORMATTED_STRING", book.locale)
            if shown != "" or isinstance(cell.value, SheetError):
                out["formattedValue"] = str(shown)
    if cell.fmt and want("userEnteredFormat"):
        out["userEnteredFormat"] = _with_styles(copy.deepcopy(cell.fmt))
    if cell.fmt and want("effectiveFormat"):
        out["effectiveFormat"] = effective_format(book, cell)
    if cell.note and want("note"):
        out["note"] = cell.note
    return out


def effective_format(book: Spreadsheet, cell: Cell) -> dict[str, Any]:
    """``CellData.effectiveFormat``: the spreadsheet's default format under the cell's own,
    a date's number format with the pattern it is shown with (the locale's when the cell
    has none). Google leaves it out when it is the default format; so does ``cell_data``
    (it is asked only for a cell with a format of its own)."""
    fmt = copy.deepcopy(DEFAULT_FORMAT)
    for key, value in cell.fmt.items():
        if key in ("textFormat", "padding") and isinstance(value, dict):  # field by field
            fmt[key] = {**fmt[key], **copy.deepcopy(value)}
        else:
            fmt[key] = copy.deepcopy(value)
    kind, pattern = cell.number_format
    if kind is not None:
        if pattern is None and kind in DATE_TYPES:
            pattern = locale_pattern(kind, book.locale)
        fmt["numberFormat"] = {"type": kind, **({"pattern": pattern} if pattern else {})}
    return _with_styles(fmt)


def _with_styles(fmt: dict[str, Any]) -> dict[str, Any]:
    """Add the ``*Style`` twins Google derives from colour fields."""
    if "backgroundColor" in fmt:
        fmt["backgroundColorStyle"] = {"rgbColor": fmt["backgroundColor"]}
    text = fmt.get("textFormat")
    if isinstance(text, dict) and "foregroundColor" in text:
        text["foregroundColorStyle"] = {"rgbColor": text["foregroundColor"]}
    return fmt


def batch_update(book: Spreadsheet, body: Mapping[str, Any],
                 query: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """``spreadsheets:batchUpdate``: every request applies, or none (atomic); the answer
    carries the spreadsheet after it when asked (``updated_spreadsheet``)."""
    # the formatting log only ever grows by entries copied in and never changed, so a copy
    # of the list restores it; the sheets change in place and are copied whole
    snapshot = (copy.deepcopy(book.sheets), list(book.formatting), book.title, book.locale,
                book.time_zone)
    replies = []
    try:
        for i, request in enumerate(body.get("requests") or []):
            if not isinstance(request, dict) or len(request) != 1:
                raise ApiError.invalid(f"Invalid requests[{i}]: exactly one kind of request "
                                       "must be set.")
            (kind, spec), = request.items()
            handler = _REQUESTS.get(kind)
            if handler is None:
                raise ApiError.invalid(f"Invalid JSON payload received. Unknown name "
                                       f"\"{kind}\" at 'requests[{i}]': Cannot find field.")
            try:
                before = book.cells()
                replies.append(handler(book, spec or {}))
                if book.cells() > max(before, book.cell_limit):
                    raise ApiError.invalid(
                        "This action would increase the number of cells in the workbook "
                        f"above the limit of {book.cell_limit} cells.")
            except ApiError as err:
                err.message = f"Invalid requests[{i}].{kind}: {err.message}"
                raise
    except ApiError:
        (book.sheets, book.formatting, book.title, book.locale, book.time_zone) = snapshot
        raise
    return updated_spreadsheet(book, body, query or {},
                               {"spreadsheetId": book.id, "replies": replies})


def updated_spreadsheet(book: Spreadsheet, body: Mapping[str, Any],
                        query: Mapping[str, list[str]], out: dict[str, Any]) -> dict[str, Any]:
    """A batchUpdate's answer as Google shapes it (BatchUpdateSpreadsheetRequest):
    ``includeSpreadsheetInResponse`` adds ``updatedSpreadsheet``, the spreadsheet as after
    the update, as ``spreadsheets.get`` gives it; ``responseRanges`` limits it to those
    ranges (and their tabs); ``responseIncludeGridData`` adds their cells, and is ignored
    when a field mask (``fields``) is set: then the mask says what comes, grid data too.
    The mask applies to the whole answer (``replies``, ``updatedSpreadsheet(...)``)."""
    fields = _option(query, "fields", "")
    tree = parse_fields(fields) if fields else {}
    if body.get("includeSpreadsheetInResponse") is True:
        ranges = [str(r) for r in body.get("responseRanges") or []]
        if fields:
            wanted = tree.get("updatedSpreadsheet") or {}
            sheets = wanted.get("sheets") or {}
            grid = not wanted or "*" in wanted or not sheets or "data" in sheets
        else:
            grid = body.get("responseIncludeGridData") is True
        inner: dict[str, list[str]] = {"includeGridData": ["true" if grid else "false"]}
        if ranges:
            inner["ranges"] = ranges
        updated = spreadsheet_get(book, inner)
        if ranges and not grid:  # the tabs of the ranges, without their cells
            ids = {book.resolve(r).sheet.sheet_id for r in ranges}
            updated["sheets"] = [e for e in updated["sheets"]
                                 if e["properties"]["sheetId"] in ids]
        out["updatedSpreadsheet"] = updated
    return apply_fields(out, tree) if tree else out


def _check_protected(book: Spreadsheet, sheet: Sheet) -> None:
    if sheet.sheet_id in book.protected:
        raise ApiError(403, "You are trying to edit a protected cell or object. Please contact "
                       "the spreadsheet owner to remove protection if you need to edit.",
                       "PERMISSION_DENIED")


def _append_cells(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    """AppendCellsRequest: "Appends new cells after the last row with data in a sheet,
    inserting new rows into the sheet if necessary." ``fields`` (at least one) says which
    parts of each CellData are set; a row wider than the grid is refused."""
    sheet = book.by_id(int(spec.get("sheetId", 0)))
    _check_protected(book, sheet)
    fields = str(spec.get("fields") or "")
    if not fields:
        raise ApiError.invalid("At least one field must be specified.")
    last = sheet.data_height()
    for i, row in enumerate(spec.get("rows") or []):
        values = (row or {}).get("values") or []
        if len(values) > sheet.col_count:
            raise ApiError.invalid(f"Range ({sheet_ref(sheet.title)}) exceeds grid limits. "
                                   f"Max rows: {sheet.row_count}, max columns: "
                                   f"{sheet.col_count}")
        r = last + i + 1
        sheet.row_count = max(sheet.row_count, r)  # new rows at the end, as needed
        for j, data in enumerate(values):
            _apply_cell(book, sheet, r, j + 1, data or {}, fields)
    return {}


def _grid_range(book: Spreadsheet, spec: Mapping[str, Any]) -> tuple[Sheet, int, int, int, int]:
    """A GridRange as (sheet, r0, r1, c0, c1), 0-based half-open, clipped to the grid."""
    sheet = book.by_id(int(spec.get("sheetId", 0)))
    r0 = int(spec.get("startRowIndex", 0))
    r1 = int(spec.get("endRowIndex", sheet.row_count))
    c0 = int(spec.get("startColumnIndex", 0))
    c1 = int(spec.get("endColumnIndex", sheet.col_count))
    if r1 > sheet.row_count or c1 > sheet.col_count or r0 < 0 or c0 < 0:
        raise ApiError.invalid(f"Range ({sheet_ref(sheet.title)}) exceeds grid limits. "
                               f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
    return sheet, r0, r1, c0, c1


def _store(kind: str) -> Callable[[Spreadsheet, dict[str, Any]], dict[str, Any]]:
    def handler(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
        for key in ("range",):
            if isinstance(spec.get(key), dict):
                _grid_range(book, spec[key])
        book.formatting.append({kind: copy.deepcopy(spec)})
        return {}
    return handler


def _add_sheet(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    props = spec.get("properties") or {}
    grid = props.get("gridProperties") or {}
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    sheet = book.add_sheet(title, int(grid.get("rowCount", 1000)),
                           int(grid.get("columnCount", 26)), props.get("sheetId"),
                           props.get("index"))
    sheet.frozen_rows = int(grid.get("frozenRowCount", 0))
    sheet.frozen_cols = int(grid.get("frozenColumnCount", 0))
    sheet.hidden = bool(props.get("hidden", False))
    sheet.tab_color = copy.deepcopy(props.get("tabColorStyle"))
    return {"addSheet": {"properties": sheet.properties()}}


def _delete_sheet(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    book.remove_sheet(book.by_id(int(spec.get("sheetId", 0))))
    return {}


def _update_sheet_properties(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    props = spec.get("properties") or {}
    sheet = book.by_id(int(props.get("sheetId", 0)))
    fields = [f.strip() for f in str(spec.get("fields", "")).split(",") if f.strip()]
    if not fields:
        raise ApiError.invalid("At least one field must be updated.")
    grid = props.get("gridProperties") or {}
    for name in fields:
        if name in ("title", "*") and "title" in props:
            if any(s is not sheet and s.title.casefold() == props["title"].casefold()
                   for s in book.sheets):
                raise ApiError.invalid(f'A sheet with the name "{props["title"]}" already '
                                       "exists. Please enter another name.")
            sheet.title = props["title"]
        if name in ("index", "*") and "index" in props:
            book.sheets.remove(sheet)
            book.sheets.insert(min(int(props["index"]), len(book.sheets)), sheet)
            book._reindex()
        if name in ("hidden", "*"):
            sheet.hidden = bool(props.get("hidden", False))
        if name in ("tabColorStyle", "*"):
            sheet.tab_color = copy.deepcopy(props.get("tabColorStyle"))
        if name in ("gridProperties/rowCount", "gridProperties", "*") and "rowCount" in grid:
            sheet.resize(rows=int(grid["rowCount"]))
        if name in ("gridProperties/columnCount", "gridProperties", "*") and (
                "columnCount" in grid):
            sheet.resize(cols=int(grid["columnCount"]))
        if name in ("gridProperties/frozenRowCount", "gridProperties", "*"):
            sheet.frozen_rows = int(grid.get("frozenRowCount", sheet.frozen_rows))
        if name in ("gridProperties/frozenColumnCount", "gridProperties", "*"):
            sheet.frozen_cols = int(grid.get("frozenColumnCount", sheet.frozen_cols))
    return {}


def _update_spreadsheet_properties(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    props = spec.get("properties") or {}
    fields = str(spec.get("fields", ""))
    for name in (f.strip() for f in fields.split(",")):
        if name in ("title", "*") and "title" in props:
            book.title = props["title"]
        if name in ("locale", "*") and "locale" in props:
            book.locale = props["locale"]
        if name in ("timeZone", "*") and "timeZone" in props:
            book.time_zone = props["timeZone"]
    return {}


def _dimension_range(book: Spreadsheet, spec: Mapping[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = book.by_id(int(spec.get("sheetId", 0)))
    dimension = spec.get("dimension", "ROWS")
    limit = sheet.row_count if dimension == "ROWS" else sheet.col_count
    start, end = int(spec.get("startIndex", 0)), int(spec.get("endIndex", limit))
    if not 0 <= start < end:
        raise ApiError.invalid("Invalid dimension range: start must be before end.")
    return sheet, dimension, start, end


def _append_dimension(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet = book.by_id(int(spec.get("sheetId", 0)))
    length = int(spec.get("length", 0))
    if length <= 0:
        raise ApiError.invalid("length must be greater than zero.")
    if spec.get("dimension", "ROWS") == "ROWS":
        sheet.row_count += length
    else:
        sheet.col_count += length
    return {}


def _insert_dimension(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, spec.get("range") or {})
    limit = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if start > limit:
        raise ApiError.invalid("Cannot insert beyond the end of the grid.")
    sheet.insert(dimension, start, end)
    return {}


def _delete_dimension(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, spec.get("range") or {})
    limit = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if end > limit:
        raise ApiError.invalid("Cannot delete beyond the end of the grid.")
    if end - start >= limit:
        raise ApiError.invalid("You can't delete all the rows on the sheet." if
                               dimension == "ROWS" else
                               "You can't delete all the columns on the sheet.")
    sheet.delete(dimension, start, end)
    return {}


def _set_fields(target: dict[str, Any], source: Mapping[str, Any], mask: str) -> None:
    """Copy ``userEnteredFormat(a,b)``-style masked fields of ``source`` into ``target``."""
    tree = parse_fields(mask) if mask and mask != "*" else {"*": {}}
    for key, sub in tree.items():
        if key == "*":
            target.update(copy.deepcopy(dict(source)))
        elif not sub or "*" in sub:
            if key in source:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
        else:
            node = target.setdefault(key, {})
            _set_fields(node, source.get(key) or {}, ",".join(_flatten(sub)))


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, sub in tree.items():
        path = f"{prefix}{key}"
        out.extend(_flatten(sub, path + ".") if sub else [path])
    return out


def _apply_cell(book: Spreadsheet, sheet: Sheet, row: int, col: int,
                data: Mapping[str, Any], mask: str) -> None:
    cell = sheet.get(row, col) or Cell()
    tree = parse_fields(mask) if mask and mask != "*" else {"*": {}}
    everything = "*" in tree
    if everything or "userEnteredValue" in tree:
        entered = data.get("userEnteredValue")
        if not entered:
            cell.value, cell.formula = None, None
        elif "formulaValue" in entered:
            cell.formula = entered["formulaValue"]
            cell.value = evaluate(cell.formula)
        else:
            (_, value), = entered.items()
            cell.value, cell.formula = (_num(value) if isinstance(value, float) else value), None
    if everything or "userEnteredFormat" in tree:
        sub = tree.get("userEnteredFormat") or {}
        if everything or not sub:
            cell.fmt = copy.deepcopy(data.get("userEnteredFormat") or {})
        else:
            _set_fields(cell.fmt, data.get("userEnteredFormat") or {}, ",".join(_flatten(sub)))
    if everything or "note" in tree:
        cell.note = str(data.get("note") or "")
    sheet.put(row, col, None if cell.empty and not cell.fmt and not cell.note else cell)


def _repeat_cell(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet, r0, r1, c0, c1 = _grid_range(book, spec.get("range") or {})
    for r in range(r0 + 1, r1 + 1):
        for c in range(c0 + 1, c1 + 1):
            _apply_cell(book, sheet, r, c, spec.get("cell") or {}, spec.get("fields", "*"))
    book.formatting.append({"repeatCell": copy.deepcopy(spec)})
    return {}


def _update_cells(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    if "start" in spec:
        start = spec["start"]
        sheet = book.by_id(int(start.get("sheetId", 0)))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
    else:
        sheet, r0, _, c0, _ = _grid_range(book, spec.get("range") or {})
    _check_protected(book, sheet)
    for i, row in enumerate(spec.get("rows") or []):
        for j, data in enumerate(row.get("values") or []):
            if r0 + i >= sheet.row_count or c0 + j >= sheet.col_count:
                raise ApiError.invalid(f"Range ({sheet_ref(sheet.title)}) exceeds grid limits."
                                       f" Max rows: {sheet.row_count}, max columns: "
                                       f"{sheet.col_count}")
            _apply_cell(book, sheet, r0 + i + 1, c0 + j + 1, data, spec.get("fields", "*"))
    if any("userEnteredFormat" in (d or {}) for row in spec.get("rows") or []
           for d in row.get("values") or []):
        book.formatting.append({"updateCells": copy.deepcopy(spec)})
    return {}


def _set_data_validation(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet = _grid_range(book, spec.get("range") or {})[0]
    sheet.validations.append(copy.deepcopy(spec))
    book.formatting.append({"setDataValidation": copy.deepcopy(spec)})
    return {}


def _add_conditional_format_rule(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    rule = spec.get("rule") or {}
    ranges = rule.get("ranges") or []
    if not ranges:
        raise ApiError.invalid("At least one range must be specified.")
    sheet = _grid_range(book, ranges[0])[0]
    index = int(spec.get("index", len(sheet.conditional_formats)))
    sheet.conditional_formats.insert(index, copy.deepcopy(rule))
    book.formatting.append({"addConditionalFormatRule": copy.deepcopy(spec)})
    return {}


def _delete_conditional_format_rule(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet = book.by_id(int(spec.get("sheetId", 0)))
    index = int(spec.get("index", 0))
    if not 0 <= index < len(sheet.conditional_formats):
        raise ApiError.invalid(f"No conditional format on sheet {sheet.sheet_id} at index "
                               f"{index}.")
    rule = sheet.conditional_formats.pop(index)
    book.formatting.append({"deleteConditionalFormatRule": copy.deepcopy(spec)})
    return {"deleteConditionalFormatRule": {"rule": rule}}


def _sort_range(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet, r0, r1, c0, c1 = _grid_range(book, spec.get("range") or {})
    r1 = min(r1, len(sheet.grid))
    block = [[sheet.get(r, c) for c in range(c0 + 1, c1 + 1)] for r in range(r0 + 1, r1 + 1)]
    for sort in reversed(spec.get("sortSpecs") or [{}]):
        index = int(sort.get("dimensionIndex", c0)) - c0

        def key(row: list[Cell | None], index: int = index) -> tuple[int, Any]:
            cell = row[index] if index < len(row) else None
            value = None if cell is None else cell.value
            if value is None:
                return (3, "")
            if isinstance(value, bool):
                return (2, value)
            return (0, value) if isinstance(value, int | float) else (1, str(value).lower())

        filled = [r for r in block if key(r)[0] < 3]
        blanks = [r for r in block if key(r)[0] == 3]
        filled.sort(key=key, reverse=sort.get("sortOrder") == "DESCENDING")
        block = filled + blanks
    for i, row in enumerate(block):
        for j, cell in enumerate(row):
            sheet.put(r0 + i + 1, c0 + j + 1, cell)
    return {}


_REQUESTS: dict[str, Callable[[Spreadsheet, dict[str, Any]], dict[str, Any]]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "appendDimension": _append_dimension,
    "insertDimension": _insert_dimension,
    "deleteDimension": _delete_dimension,
    "setDataValidation": _set_data_validation,
    "repeatCell": _repeat_cell,
    "updateCells": _update_cells,
    "appendCells": _append_cells,
    "addConditionalFormatRule": _add_conditional_format_rule,
    "deleteConditionalFormatRule": _delete_conditional_format_rule,
    "updateBorders": _store("updateBorders"),
    "autoResizeDimensions": _store("autoResizeDimensions"),
    "updateDimensionProperties": _store("updateDimensionProperties"),
    "mergeCells": _store("mergeCells"),
    "addProtectedRange": _store("addProtectedRange"),
    "sortRange": _sort_range,
}
