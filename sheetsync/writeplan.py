"""The write plan: what a job wants written, as the difference from what the sheet holds.

Pure: it takes the parsed ``Project`` (whose ``layout`` says what the job-owned cells hold
now) and the rules' conclusions, and returns a ``WritePlan`` that names only the cells whose
text must change. A run on unchanged data therefore plans nothing and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from sheetsync.model import CellWrite


def remap(cells: Iterable[CellWrite], ids_by_row: Mapping[int, str]) -> tuple[CellWrite, ...]:
    """Move keyed cells to the row that holds their ID now; drop those whose ID is lost.

    ``ids_by_row`` is the ID column as re-read just before writing (row -> ID text). Header
    cells (``key == ""``) stay where they are. An ID that now stands on no row, or on more
    than one, drops its cells: the next run will write them.
    """
    counts = Counter(ids_by_row.values())
    row_of = {key: row for row, key in ids_by_row.items() if counts[key] == 1}
    moved: list[CellWrite] = []
    for cell in cells:
        if not cell.key or ids_by_row.get(cell.row) == cell.key:
            moved.append(cell)
        elif cell.key in row_of:
            moved.append(CellWrite(row_of[cell.key], cell.col, cell.value, cell.key))
    return tuple(moved)
