"""The Board tab: a Kanban board of the milestones, rewritten by each check (CONTRACT §8).

One column a state (``Not started``, ``In progress``, ``Waiting on client``, ``Blocked``,
``Done``), one cell a milestone (``M5 Visual design · due 27 Nov``), flagged ones first (the
most urgent flag first, then by date), each cell coloured by its flag with the same colours
as the Milestones rows. Where a card goes:

- Cancelled: nowhere.
- Done, and the client has not confirmed it yet (AWAITING_CONFIRMATION, UNCONFIRMED):
  Waiting on client, as the ball is in their court; Done once they confirm, or when no
  confirmation is asked (a client's own item). The client asked for changes: In progress.
- Blocked: Blocked. An open Client-owned item: Waiting on client.
- Else its Status: Not started or In progress.

Pure: assessments in, ``TabWrite`` out, in the project's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sheetsync.core import palette
from sheetsync.lang import catalog
from sheetsync.lang.catalog import Catalog
from sheetsync.model import (
    Assessment,
    CellStyle,
    Flag,
    OwnedTab,
    Owner,
    Status,
    TabWrite,
)

COLUMNS = ("not_started", "in_progress", "waiting", "blocked", "done")
CARD_WIDTH = 38.0
WAITING_FLAGS = frozenset({Flag.AWAITING_CONFIRMATION, Flag.UNCONFIRMED})
CHANGES_REQUESTED = "CHANGES_REQUESTED"  # the inbox's flag: the client sent the work back


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    title: str
    flags: tuple[str, ...]
    due: date | None
    done_on: date | None
    row: int  # the sheet row, to keep sheet order among equals
    done: bool = False


def column_of(a: Assessment) -> str | None:
    """The board column of a milestone (see the module's rules); None when not shown."""
    m, flags = a.milestone, set(a.flags)
    if m.status is Status.CANCELLED:
        return None
    if m.status is Status.DONE:
        if CHANGES_REQUESTED in flags:
            return "in_progress"
        return "waiting" if flags & WAITING_FLAGS else "done"
    if m.status is Status.BLOCKED:
        return "blocked"
    if m.owner is Owner.CLIENT:
        return "waiting"
    return "in_progress" if m.status is Status.IN_PROGRESS else "not_started"


def _order(card: Card) -> tuple[int, date, int]:
    when = card.due or card.done_on or date.max
    return (palette.rank_of(card.flags), when, card.row)


def board(assessments: Iterable[Assessment]) -> dict[str, tuple[Card, ...]]:
    """The cards of each column, flagged first; a duplicate ID shows on its first row only."""
    seen: set[str] = set()
    columns: dict[str, list[Card]] = {key: [] for key in COLUMNS}
    for a in assessments:
        m = a.milestone
        key = column_of(a)
        if key is None or m.id in seen:
            continue
        seen.add(m.id)
        columns[key].append(Card(m.id, m.title, tuple(a.flags), m.due, m.done_on, m.row,
                                m.status is Status.DONE))
    return {key: tuple(sorted(cards, key=_order)) for key, cards in columns.items()}


def card_text(card: Card, words: Catalog) -> str:
    title = " ".join(card.title.split())
    if card.done and card.done_on:
        return words.sheet("board_card_done", id=card.id, title=title,
                           date=words.short(card.done_on))
    if card.due:
        return words.sheet("board_card_due", id=card.id, title=title, date=words.short(card.due))
    return words.sheet("board_card", id=card.id, title=title)


def tab(assessments: Iterable[Assessment], as_of: date, language: str,
        old: OwnedTab | None, title: str) -> TabWrite:
    """The whole Board tab: a header of the columns and their counts, then the cards."""
    words = catalog.get(language)
    cards = board(assessments)
    header = tuple(words.sheet("board_column", name=words.sheet(f"board_{key}"),
                               n=len(cards[key])) for key in COLUMNS)
    note = words.sheet("board_note", date=words.long(as_of))
    height = max((len(c) for c in cards.values()), default=0)
    rows: list[tuple[str, ...]] = [(*header, "", note)]
    styles: list[tuple[int, int, CellStyle]] = [
        (1, c, CellStyle(palette.JOB_FILL, palette.JOB_FONT, bold=True))
        for c in range(1, len(COLUMNS) + 1)]
    styles.append((1, len(COLUMNS) + 2, CellStyle(font=palette.JOB_FONT)))
    for r in range(height):
        row: list[str] = []
        for c, key in enumerate(COLUMNS, start=1):
            column = cards[key]
            if r < len(column):
                row.append(card_text(column[r], words))
                colour = palette.colour_of(column[r].flags)
                if colour is not None:
                    styles.append((r + 2, c, CellStyle(colour.fill, colour.font)))
            else:
                row.append("")
        rows.append(tuple(row))
    old_rows = old.rows if old is not None else ()
    return TabWrite(
        title=title, rows=tuple(rows),
        old_height=len(old_rows), old_width=max((len(r) for r in old_rows), default=0),
        styles=tuple(styles),
        widths=(*((c, CARD_WIDTH) for c in range(1, len(COLUMNS) + 1)), (len(COLUMNS) + 1, 3.0),
                (len(COLUMNS) + 2, 60.0)),
        freeze_rows=1,
    )
