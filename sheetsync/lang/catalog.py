"""Every word sheetsync writes or reads, one catalog file per language, and the one lookup.

A catalog is plain data, ``sheetsync/lang/<code>.toml`` (``en.toml``, ``zh.toml``):

- ``[words]`` what the client reads in reports and reminders, ``[dates]`` how they write
  a date, ``[html]`` the email's lang attribute and fonts;
- ``[sheet]`` flag details and template hints, ``[problems]`` each problem and its fix,
  ``[notes]`` and ``[help]`` the template's header notes and Project field help,
  ``[sample]`` the sample rows of a blank template;
- ``[tabs]``, ``[columns]``, ``[fields]``, ``[values]`` the names staff may type in this
  language (the first of each list is the one a template shows and sheetsync writes);
  ``names`` what staff may type in the Language field to choose it.

Everything else reads words through ``get(language)`` (a ``Catalog``) or the name tables
``schema`` builds from ``aliases``. Nothing else holds a word of any language.

**Adding a language** is one new file, ``sheetsync/lang/<code>.toml``: copy ``en.toml``
and translate every value (keep the keys and ``{placeholders}``). It is found and checked
when this module is imported: a catalog that lacks a key of ``en.toml``, or has one
``en.toml`` has not, stops the import with ``CatalogError`` naming the keys. The email
templates (``render/templates/*.j2``) are per format and take all their words from here;
if a language needs its own layout, add its templates beside them.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from sheetsync.errors import SheetsyncError

REFERENCE = "en"  # every catalog has exactly this one's keys; unknown languages fall back to it
LIST_SHOWN = 4  # names a list spells out before "and N more"


class CatalogError(SheetsyncError):
    """A language catalog is not complete (a defect of the package, found at import)."""


def keys_of(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Every key of a catalog as a dotted path ("words.subject"); lists are values."""
    out: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= keys_of(value, f"{path}.")
        else:
            out.add(path)
    return out


class Catalog:
    """One language's words, with its dates, day counts and lists."""

    def __init__(self, code: str, data: Mapping[str, Any]) -> None:
        self.language = code
        self.data = data
        self.table: Mapping[str, str] = data["words"]
        self.name: str = data["names"][0]  # its own name: "English", "中文"
        self.html_lang: str = data["html"]["lang"]
        self.fonts: str = data["html"]["fonts"]

    # ------------------------------------------------------------------ client words

    def __call__(self, key: str, **facts: object) -> str:
        """The pattern ``key`` of ``[words]`` filled with ``facts``."""
        return self.table[key].format(**facts)

    def n(self, key: str, count: int, **facts: object) -> str:
        """The pattern ``key`` (or ``key_one`` when ``count`` is 1) filled with ``facts``."""
        return _counted(self.table, key, count).format(**facts)

    def days(self, count: int) -> str:
        """"1 day", "3 days" / "3 天"."""
        return self.n("days", count, n=count)

    def when(self, days_left: int) -> str:
        """How far off a due date is: "today", "tomorrow", "in 5 days"."""
        if days_left <= 0:
            return self("today")
        if days_left == 1:
            return self("tomorrow")
        return self("in_days", days=self.days(days_left))

    def ordinal(self, n: int) -> str:
        """"1st", "2nd", "3rd", "11th" / "第1次": ``ordinal_1``..``_3`` for a number ending
        in 1..3 (but not 11..13), else ``ordinal``."""
        last = n % 10
        key = "ordinal" if 10 <= n % 100 <= 20 or last not in (1, 2, 3) else f"ordinal_{last}"
        return self(key, n=n)

    def join(self, names: Iterable[str], shown: int = LIST_SHOWN) -> str:
        """"A, B and C"; past ``shown`` names: "A, B, C, D and 2 more"."""
        items = list(names)
        if len(items) > shown + 1:
            items = [*items[:shown], self("more", n=len(items) - shown)]
        if len(items) <= 1:
            return "".join(items)
        return self("sep").join(items[:-1]) + self("and") + items[-1]

    # ------------------------------------------------------------------ dates

    def month(self, day: dt.date) -> str:
        return str(self.data["dates"]["months"][day.month - 1])

    def _date(self, form: str, day: dt.date) -> str:
        dates = self.data["dates"]
        facts = {"day": day.day, "month": self.month(day), "year": day.year,
                 "weekday": dates["weekdays"][day.weekday()]}
        facts["short"] = dates["short"].format(**facts)
        facts["date"] = dates["date"].format(**facts)
        return str(dates[form].format(**facts))

    def short(self, day: dt.date) -> str:
        """"27 Nov" / "11月27日"."""
        return self._date("short", day)

    def date(self, day: dt.date) -> str:
        """"Fri 27 Nov" / "11月27日（周五）"."""
        return self._date("date", day)

    def long(self, day: dt.date) -> str:
        """"27 Nov 2026" / "2026年11月27日"."""
        return self._date("long", day)

    def full(self, day: dt.date) -> str:
        """"Fri 27 Nov 2026" / "2026年11月27日（周五）"."""
        return self._date("full", day)

    def span(self, start: dt.date, end: dt.date) -> str:
        """A date range without weekdays: "9 Nov – 25 Nov" / "11月9日–11月25日"."""
        if start == end:
            return self.short(start)
        return str(self.data["dates"]["span"].format(start=self.short(start),
                                                     end=self.short(end)))

    # ------------------------------------------------------------------ staff words

    def sheet(self, key: str, **facts: object) -> str:
        """The pattern ``key`` of ``[sheet]`` (flag details, hints) filled with ``facts``;
        without facts, the pattern as it is (a hint the blueprint fills later)."""
        pattern = str(self.data["sheet"][key])
        return pattern.format(**facts) if facts else pattern

    def sheet_n(self, key: str, count: int, **facts: object) -> str:
        """The pattern ``key`` of ``[sheet]`` (or ``key_one`` when ``count`` is 1), filled."""
        return _counted(self.data["sheet"], key, count).format(**facts)

    def problem(self, code: str, **facts: object) -> tuple[str, str]:
        """(what is wrong, how to fix it) of a problem code, filled with ``facts``."""
        entry = self.data["problems"][code]
        return entry["problem"].format(**facts), entry["fix"].format(**facts)

    def note(self, tab: str, column: str) -> str:
        """The note of a header in a template (placeholders left for the blueprint)."""
        return str(self.data["notes"][f"{tab}.{column}"])

    def help(self, field: str) -> str:
        """The About text of a Project field in a template (placeholders left)."""
        return str(self.data["help"][field])

    def sample(self, key: str) -> str:
        """A word of the sample rows of a blank template."""
        return str(self.data["sample"][key])

    # ------------------------------------------------------------------ names

    def tab(self, tab: str) -> str:
        """The title of a tab sheetsync creates, e.g. "Milestones" / "里程碑"."""
        return str(self.data["tabs"][tab][0])

    def header(self, tab: str, column: str) -> str:
        return str(self.data["columns"][tab][column][0])

    def field(self, key: str) -> str:
        return str(self.data["fields"][key][0])

    def value(self, table: str, key: str) -> str:
        """The word a template and a problem show for a value, e.g. ("status", "DONE")."""
        return str(self.data["values"][table][key][0])


def _counted(table: Mapping[str, Any], key: str, count: int) -> str:
    """``key``'s pattern, or ``key_one``'s when ``count`` is 1 and the table has one."""
    return str(table.get(f"{key}_one", table[key]) if count == 1 else table[key])


CATALOGS: dict[str, Catalog] = {}


def register(code: str, data: Mapping[str, Any]) -> Catalog:
    """Check a catalog against the reference (English) and make it known; a key missing or
    extra is a ``CatalogError`` that names it."""
    if code != REFERENCE:
        want, have = keys_of(CATALOGS[REFERENCE].data), keys_of(data)
        missing, extra = sorted(want - have), sorted(have - want)
        if missing:
            raise CatalogError(f"The {code} language catalog lacks {', '.join(missing)}: "
                               f"add them to {code}.toml (see {REFERENCE}.toml).")
        if extra:
            raise CatalogError(f"The {code} language catalog has keys {REFERENCE}.toml "
                               f"lacks: {', '.join(extra)}.")
    if data.get("code") != code:
        raise CatalogError(f"{code}.toml says code = {data.get('code')!r}; it must be {code!r}.")
    CATALOGS[code] = Catalog(code, data)
    return CATALOGS[code]


def _load_all() -> None:
    files = {f.name[:-len(".toml")]: f for f in resources.files(__package__).iterdir()
             if f.name.endswith(".toml")}
    for code in sorted(files, key=lambda c: (c != REFERENCE, c)):  # English first
        register(code, tomllib.loads(files[code].read_text(encoding="utf-8")))


_load_all()
LANGUAGES = tuple(CATALOGS)  # the codes, English first


def get(language: str) -> Catalog:
    """The catalog of a language code; English for a code without one."""
    return CATALOGS.get(language, CATALOGS[REFERENCE])


def aliases(section: str, *path: str) -> dict[str, tuple[str, ...]]:
    """A names table of every language at once, for matching what staff type: e.g.
    ``aliases("columns", "Milestones")`` maps "due" to ("Due", "Due date", ..., "截止日期",
    ...), English first. Its keys are in English's order."""
    tables = []
    for cat in CATALOGS.values():
        table: Any = cat.data[section]
        for step in path:
            table = table[step]
        tables.append(table)
    return {key: tuple(w for t in tables for w in t[key]) for key in tables[0]}


def language_names() -> dict[str, tuple[str, ...]]:
    """What staff may type in the Language field, by language code (the code included)."""
    return {code: (code, *cat.data["names"]) for code, cat in CATALOGS.items()}
