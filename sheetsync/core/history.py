"""The History tab: what changed in each milestone, one row a change (CONTRACT section 8).

The tab is its own memory: the state a check compares against is the last ``To`` recorded
for each (ID, Field) in the tab as read, so a new host with an empty state dir still knows
the history, and nothing keeps a second copy. The first row of a milestone is its
``Baseline due``; until a ``Due`` row follows, the baseline is also its recorded Due. A check
that sees no change appends nothing. Pure: the tab's rows and the project in, rows out.

Values are written in the project's language (a Status as the sheet's own word, a date as
ISO text) and read back through the schema's aliases, so a project that changes language
does not look changed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sheetsync.core import cells, schema
from sheetsync.lang import catalog
from sheetsync.model import Assessment, Milestone, OwnedTab

HISTORY = schema.HISTORY
BASELINE = "baseline_due"
# The tracked fields, in the order a check records them; keys are Milestones column keys.
TRACKED = ("due", "status", "owner", "done_on", "client_confirmed", "flag")
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    BASELINE: tuple(w for code in catalog.LANGUAGES
                    for w in catalog.get(code).data["sheet"]["history_baseline"]),
    **{key: schema.COLUMNS[schema.MILESTONES][key] for key in TRACKED},
}
_FIELD_INDEX = schema.word_index(FIELD_NAMES)
_STATUS = schema.word_index(schema.STATUSES)
_OWNER = schema.word_index(schema.OWNERS)
_CONFIRMED = schema.word_index(schema.CONFIRMATIONS)
_DATES = frozenset({BASELINE, "due", "done_on"})


@functools.lru_cache(maxsize=4096)  # a tab of 300,000 rows holds a few hundred dates
def _ymd(text: str) -> cells.Read[date]:
    """A recorded date (ISO text, as History writes it)."""
    return cells.parse_date(text, "YMD")


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the History tab: on ``day``, ``field`` of milestone ``id`` went ``old`` ->
    ``new`` (texts as written; a blank ``old`` on a milestone's first rows)."""

    day: date
    id: str
    field: str  # a key of FIELD_NAMES
    old: str
    new: str


def field_name(key: str, language: str) -> str:
    """How the Field column names a field, in the project's language."""
    if key == BASELINE:
        return str(catalog.get(language).data["sheet"]["history_baseline"][0])
    return schema.header(schema.MILESTONES, key, language)


def canonical(key: str, text: str) -> str:
    """The language-free form of a recorded value, for comparing: ISO date, English word."""
    text = text.strip()
    if not text:
        return ""
    if key in _DATES:
        day = _ymd(text)
        return day.isoformat() if isinstance(day, date) else text
    tables: dict[str, Mapping[str, object]] = {"status": _STATUS, "owner": _OWNER,
                                               "client_confirmed": _CONFIRMED}
    table = tables.get(key, {})
    found = table.get(schema.norm(text))
    if isinstance(found, bool):
        return "Yes" if found else "No"
    if found is not None:
        return str(found)
    if key == "flag":
        return ", ".join(sorted(p.strip() for p in text.split(",") if p.strip()))
    return text


def values_of(a: Assessment, language: str) -> dict[str, str]:
    """The tracked fields of a milestone as History writes them; unreadable ones left out."""
    m: Milestone = a.milestone
    out = {
        "due": m.due.isoformat() if m.due else "",
        "status": schema.shown(schema.STATUSES, m.status, language),
        "owner": schema.shown(schema.OWNERS, m.owner, language),
        "done_on": m.done_on.isoformat() if m.done_on else "",
        "client_confirmed": _confirmed(m, language),
        "flag": ", ".join(a.flags),
    }
    for key in m.unreadable & set(out):
        del out[key]  # never record a value nobody could read
    return out


def _confirmed(m: Milestone, language: str) -> str:
    """Client confirmed as the sheet says it: Yes, No, Changes needed (typed or replied)."""
    if m.changes_note is not None:
        return schema.shown(schema.CONFIRMATIONS, schema.CHANGES_NEEDED, language)
    if m.client_confirmed is None:
        return ""
    return schema.shown(schema.CONFIRMATIONS, m.client_confirmed, language)


@dataclass(frozen=True)
class Recorded:
    """What the History tab says: the last value of each (ID, field) and each baseline."""

    last: Mapping[tuple[str, str], str]  # (id, field key) -> the last To, as written
    baselines: Mapping[str, date]  # id -> the first Baseline due
    entries: tuple[Entry, ...] = ()


def read(tab: OwnedTab | None) -> Recorded:
    """The recorded state of every milestone in the tab as read (header first)."""
    if tab is None or not tab.rows:
        return Recorded({}, {})
    cols = {schema.column_key(HISTORY, h): i for i, h in enumerate(tab.rows[0])}
    cols.pop(None, None)
    last: dict[tuple[str, str], str] = {}
    baselines: dict[str, date] = {}
    entries: list[Entry] = []

    def cell(row: tuple[str, ...], key: str) -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    for row in tab.rows[1:]:
        ident, key = cell(row, "id"), _FIELD_INDEX.get(schema.norm(cell(row, "field")))
        day = _ymd(cell(row, "date"))
        if not ident or key is None:
            continue  # a row nobody can read (a staff note, a blank line) is not history
        new = cell(row, "to")
        last[(ident, key)] = new
        if key == BASELINE:
            base = _ymd(new)
            if isinstance(base, date):
                baselines.setdefault(ident, base)
        if isinstance(day, date):
            entries.append(Entry(day, ident, key, cell(row, "from"), new))
    return Recorded(last, baselines, tuple(entries))


def _previous(recorded: Recorded, ident: str, key: str) -> str | None:
    """The last recorded text of a field; None when never recorded."""
    found = recorded.last.get((ident, key))
    if found is None and key == "due":
        return recorded.last.get((ident, BASELINE))
    return found


def changes(assessments: Iterable[Assessment], recorded: Recorded, day: date,
            language: str) -> tuple[Entry, ...]:
    """The rows a check on ``day`` appends: each tracked field that differs from its last
    recorded value, and ``Baseline due`` the first time a milestone has a readable Due.
    A duplicate ID is judged on its first row only; a field never recorded counts as blank.
    """
    out: list[Entry] = []
    seen: set[str] = set()
    for a in assessments:
        ident = a.milestone.id
        if ident in seen:
            continue
        seen.add(ident)
        now = values_of(a, language)
        if ident not in recorded.baselines and now.get("due"):
            out.append(Entry(day, ident, BASELINE, "", now["due"]))
        for key in TRACKED:
            if key not in now:
                continue
            old = _previous(recorded, ident, key)
            if old is None and key == "due" and now["due"]:
                continue  # the baseline just written is the first recorded Due
            if (old or "") != now[key] and canonical(key, old or "") != canonical(key, now[key]):
                out.append(Entry(day, ident, key, old or "", now[key]))
    return tuple(out)


def rows(entries: Iterable[Entry], language: str) -> tuple[tuple[str, ...], ...]:
    """The History tab rows of these entries, in the project's language."""
    return tuple((e.day.isoformat(), e.id, field_name(e.field, language), e.old, e.new)
                 for e in entries)


def header(language: str) -> tuple[str, ...]:
    return schema.headers(HISTORY, language)



def baseline_of(recorded: Recorded, m: Milestone) -> date | None:
    """A milestone's baseline: the first recorded Baseline due, else its Due now."""
    return recorded.baselines.get(m.id, m.due)

