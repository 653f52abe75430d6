"""Every name staff may type: tabs, headers, Project fields, value words, and their keys.

This module owns the structure (which tabs and columns there are, what is required, what
sheetsync owns); the words are the language catalogs' (``lang/catalog.py``). Each table
here holds every language's names at once, English first, because staff may type any of
them in any project. Matching is case-insensitive with surrounding spaces ignored
(CONTRACT section 1). What a template or sheetsync writes is the first name of the
project's language: ``tab_title``, ``header``, ``field_name``, ``shown``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sheetsync.lang import catalog
from sheetsync.model import ChangeStatus, Owner, Status, UpdateType


def norm(text: object) -> str:
    """The key a name is matched by: trimmed, casefolded, inner spaces collapsed."""
    return " ".join(str(text).split()).casefold()


def _index(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, names in table.items():
        for name in names:
            index[norm(name)] = key
    return index


# --------------------------------------------------------------------------- tabs

PROJECT, MILESTONES, UPDATES, CHANGES, PROBLEMS, LOG, RESPONSES = (
    "Project", "Milestones", "Updates", "Changes", "Problems", "Log", "Responses",
)
HISTORY, BOARD, TIMELINE = "History", "Board", "Timeline"  # job-owned (CONTRACT section 8)

TABS: dict[str, tuple[str, ...]] = catalog.aliases("tabs")  # in workbook order
JOB_OWNED_TABS = (PROBLEMS, LOG, RESPONSES, HISTORY, BOARD, TIMELINE)
# not in a template: Responses made when the first client reply arrives, Board and Timeline
# by the first check
LATER_TABS = (RESPONSES, BOARD, TIMELINE)
_TAB_INDEX = _index(TABS)


def canonical_tab(title: str) -> str | None:
    """The canonical name of a tab title, or None for a tab sheetsync leaves alone."""
    return _TAB_INDEX.get(norm(title))


def tab_title(tab: str, language: str) -> str:
    """The title sheetsync gives a tab it creates, in the project's language."""
    return catalog.get(language).tab(tab)


# --------------------------------------------------------------------------- columns

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {  # each tab's columns in order
    tab: catalog.aliases("columns", tab) for tab in TABS
    if tab not in (BOARD, TIMELINE)}  # laid out by each check, not by columns
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    PROJECT: ("field", "value"),
    MILESTONES: ("id", "title", "due"),
    UPDATES: ("date", "type", "text"),
    CHANGES: ("id",),
}
JOB_OWNED_COLUMNS = ("flag", "flag_detail")
_COLUMN_INDEX = {tab: _index(cols) for tab, cols in COLUMNS.items()}


def column_key(tab: str, header: object) -> str | None:
    """The key of a header in a tab (e.g. ``"due"``), or None for a column left alone."""
    return _COLUMN_INDEX[tab].get(norm(header))


def header(tab: str, key: str, language: str = "en") -> str:
    """The header text a template or sheetsync itself writes for a column."""
    return catalog.get(language).header(tab, key)


def headers(tab: str, language: str = "en") -> tuple[str, ...]:
    return tuple(header(tab, key, language) for key in COLUMNS[tab])


# --------------------------------------------------------------------------- Project fields

FIELDS: dict[str, tuple[str, ...]] = catalog.aliases("fields")  # in Project tab order
_FIELD_INDEX = _index(FIELDS)


def field_key(name: object) -> str | None:
    return _FIELD_INDEX.get(norm(name))


def field_name(key: str, language: str = "en") -> str:
    return catalog.get(language).field(key)


# --------------------------------------------------------------------------- value words

def _values(table: str, key_of: Callable[[str], Any]) -> dict[Any, tuple[str, ...]]:
    return {key_of(key): words for key, words in catalog.aliases("values", table).items()}


DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OWNERS: dict[Owner, tuple[str, ...]] = _values("owner", lambda k: Owner[k])
STATUSES: dict[Status, tuple[str, ...]] = _values("status", lambda k: Status[k])
UPDATE_TYPES: dict[UpdateType, tuple[str, ...]] = _values("update_type", lambda k: UpdateType[k])
CHANGE_STATUSES: dict[ChangeStatus, tuple[str, ...]] = _values("change_status",
                                                               lambda k: ChangeStatus[k])
YES_NO: dict[bool, tuple[str, ...]] = _values("yes_no", lambda key: key == "yes")
# Client confirmed: True, False ("not yet"), or CHANGES_NEEDED (the client did not accept it)
CHANGES_NEEDED = "changes"
CONFIRMATIONS: dict[bool | str, tuple[str, ...]] = _values(
    "confirmation", lambda key: {"yes": True, "no": False}.get(key, key))
WEEKDAYS: dict[int, tuple[str, ...]] = _values("weekday", DAY_NAMES.index)
DATE_ORDERS: dict[str, tuple[str, ...]] = _values("date_order", str)
# A Delay reason's key is its English word ("Client late"): what retro --json counts by.
_REASON_KEYS = {catalog.get("en").value("delay_reason", k): k
                for k in catalog.aliases("values", "delay_reason")}
DELAY_REASONS: dict[str, tuple[str, ...]] = _values(
    "delay_reason", lambda k: catalog.get("en").value("delay_reason", k))
LANGUAGES: dict[str, tuple[str, ...]] = catalog.language_names()

# table -> (its name in a catalog's [values], the catalog key of one of its values)
_CATALOG_KEYS: dict[int, tuple[str, Callable[[Any], str]]] = {
    id(OWNERS): ("owner", lambda v: v.name),
    id(STATUSES): ("status", lambda v: v.name),
    id(UPDATE_TYPES): ("update_type", lambda v: v.name),
    id(CHANGE_STATUSES): ("change_status", lambda v: v.name),
    id(YES_NO): ("yes_no", lambda v: "yes" if v else "no"),
    id(CONFIRMATIONS): ("confirmation",
                        lambda v: v if isinstance(v, str) else ("yes" if v else "no")),
    id(WEEKDAYS): ("weekday", lambda v: DAY_NAMES[v]),
    id(DATE_ORDERS): ("date_order", str),
    id(DELAY_REASONS): ("delay_reason", lambda v: _REASON_KEYS[v]),
}


K = TypeVar("K")


def word_index(table: Mapping[K, Iterable[str]]) -> dict[str, K]:
    return {norm(word): key for key, words in table.items() for word in words}


def shown(table: Mapping[K, tuple[str, ...]], key: K, language: str) -> str:
    """The word a template's dropdown and a problem's "use one of" show for a value, in
    ``language``. Languages are shown by their own names (English, 中文) in every language."""
    if table is LANGUAGES:
        return catalog.get(str(key)).name
    words = catalog.get(language)
    found = _SHOWN.get((id(table), type(key), key, words))
    if found is None:  # asked per milestone by History and the Timeline: looked up once
        name, catalog_key = _CATALOG_KEYS[id(table)]
        found = _SHOWN[(id(table), type(key), key, words)] = words.value(name, catalog_key(key))
    return found


_SHOWN: dict[tuple[int, type, object, catalog.Catalog], str] = {}


def choices(table: Mapping[K, tuple[str, ...]], language: str) -> str:
    """The words of a value list, as a template shows them, for a how-to-fix sentence."""
    return catalog.get(language).sheet("list_sep").join(shown(table, key, language)
                                                         for key in table)
