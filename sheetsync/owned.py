"""The places of a workbook only sheetsync writes: where they are and what they hold when
read (``FlagCells``, ``OwnedTab``, ``Layout``), and a whole job-owned tab as a job wants it
written (``TabWrite``, its cells' look ``CellStyle``). Base: plain frozen dataclasses,
re-exported by ``model``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlagCells:
    """Where the job-owned Flag columns of the Milestones tab are, and what they hold now."""

    tab: str
    header_row: int
    id_col: int
    flag_col: int
    detail_col: int
    flag_header: str  # the header text to write when the column is new, else ""
    detail_header: str
    current: tuple[tuple[int, str, str, str], ...] = ()  # (row, id, flag, detail) as read


@dataclass(frozen=True)
class OwnedTab:
    """A tab only sheetsync writes (Problems, Log): its name and what it holds now."""

    name: str
    exists: bool
    rows: tuple[tuple[str, ...], ...] = ()  # as read, header included


@dataclass(frozen=True)
class Layout:
    flags: FlagCells | None
    problems: OwnedTab
    log: OwnedTab
    responses: OwnedTab | None = None  # None: not read (an older caller's Layout)
    history: OwnedTab | None = None  # None: not read (a Layout built before History existed)
    board: OwnedTab | None = None
    timeline: OwnedTab | None = None
    delay_col: int = 0  # the Milestones tab's Delay reason column; 0 when it has none


@dataclass(frozen=True, slots=True)
class CellStyle:
    """The job's own look for a cell of a tab it owns: colours as ``RRGGBB`` ("" = none)."""

    fill: str = ""
    font: str = ""
    bold: bool = False


@dataclass(frozen=True)
class TabWrite:
    """A whole job-owned tab (History, Board, Timeline): rows appended, or the tab rewritten.

    ``append``: ``rows`` go after the tab's last row; ``header`` is written first when the
    tab is new. Otherwise ``rows`` are the whole tab (header first): every cell of
    ``old_height`` x ``old_width`` beyond them is blanked and loses the job's style.
    ``styles`` are (row, col, style), 1-based, of the rows written; the rest of the tab
    keeps the default look. ``widths`` are (col, characters). Everything is text.
    """

    title: str
    rows: tuple[tuple[str, ...], ...]
    append: bool = False
    header: tuple[str, ...] = ()
    old_height: int = 0
    old_width: int = 0
    styles: tuple[tuple[int, int, CellStyle], ...] = ()
    widths: tuple[tuple[int, float], ...] = ()
    freeze_rows: int = 1
    freeze_cols: int = 0
