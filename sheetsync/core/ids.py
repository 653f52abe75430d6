"""Milestone IDs as staff type them: trimmed, and one ID whatever its case.

``M1``, ``m1 `` and ``M1`` name one milestone: a cell's ID is read trimmed (``cells``),
and two IDs are the same when their ``key`` is. A row keeps the ID as its own cell spells
it (flags find their rows by that text); a reference (``Depends on``, an update's or a
change's milestone) is spelled as the first row of that ID spells it (``respell``), so
every rule compares IDs by plain equality. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from sheetsync.model import Milestone


def key(text: str) -> str:
    """What two spellings of one ID share."""
    return text.strip().casefold()


def spellings(milestones: Iterable[Milestone]) -> dict[str, str]:
    """key -> the ID as the first row of that ID spells it."""
    out: dict[str, str] = {}
    for m in milestones:
        out.setdefault(key(m.id), m.id)
    return out


def spelled(ref: str, known: Mapping[str, str]) -> str:
    """``ref`` as the milestone it names spells it; an unknown ID stays as typed."""
    return known.get(key(ref), ref.strip())


def respell(milestones: tuple[Milestone, ...]) -> tuple[Milestone, ...]:
    """Each row's ``Depends on`` in the spelling of the IDs it names, each once."""
    known = spellings(milestones)
    out = []
    for m in milestones:
        deps = tuple(dict.fromkeys(spelled(d, known) for d in m.depends_on))
        out.append(m if deps == m.depends_on else replace(m, depends_on=deps))
    return tuple(out)
