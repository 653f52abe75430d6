"""The colours a flag gives a row or a card, in one place: the templates' conditional
formats (``blueprint``) and the Board tab use the same ones. Colours are ``RRGGBB``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sheetsync.model import Flag


@dataclass(frozen=True)
class FlagColour:
    name: str
    flags: tuple[Flag, ...]
    fill: str
    font: str


# In priority order: a row or card with flags of several groups takes the first.
FLAG_COLOURS = (
    FlagColour("late", (Flag.OVERDUE, Flag.CLIENT_OVERDUE), fill="F4C7C3", font="A50E0E"),
    FlagColour("at risk", (Flag.BLOCKED, Flag.AT_RISK, Flag.CHANGES_REQUESTED),
               fill="F9CB9C", font="7F3F00"),
    FlagColour("due soon", (Flag.DUE_SOON,), fill="FFE599", font="7F6000"),
    FlagColour("waiting for the client", (Flag.AWAITING_CONFIRMATION, Flag.UNCONFIRMED),
               fill="CFE2F3", font="0B5394"),
    FlagColour("cannot be judged", (Flag.INVALID,), fill="D9D9D9", font="434343"),
)
JOB_FILL = "E8EAED"  # headers of what sheetsync writes: grey, italic
JOB_FONT = "5F6368"


def colour_of(flags: Iterable[str]) -> FlagColour | None:
    """The colour of the first group any of these flags belongs to; None for no flag."""
    found = set(flags)
    return next((c for c in FLAG_COLOURS if found & set(c.flags)), None)


def rank_of(flags: Iterable[str]) -> int:
    """How urgent a set of flags looks: the index of its colour group; unflagged last."""
    colour = colour_of(flags)
    found = set(flags)
    if colour is None:
        return len(FLAG_COLOURS) + (0 if found else 1)
    return FLAG_COLOURS.index(colour)
