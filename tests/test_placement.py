"""``core/placement``: where flag cells go on the Milestones tab as re-read before a write."""

from __future__ import annotations

from sheetsync.core import placement
from sheetsync.model import CellWrite, RawTab, WritePlan


def plan(*cells: CellWrite, flag_col: int = 3, detail_col: int = 4, **extra: object) -> WritePlan:
    return WritePlan(flags_tab="Milestones", id_col=1, flag_cells=cells, header_row=1,
                     flag_col=flag_col, detail_col=detail_col, **extra)  # type: ignore[arg-type]


CELLS = (CellWrite(2, 3, "OVERDUE", "M1"), CellWrite(2, 4, "Overdue by 2 days", "M1"),
         CellWrite(3, 3, "", "M2"))


def test_unchanged_tab_keeps_every_cell() -> None:
    tab = RawTab("Milestones", (("ID", "Due", "Flag", "Flag detail"), ("M1",), ("M2", None, "X")))
    assert placement.place(plan(*CELLS), tab) == placement.Placed(CELLS)


def test_cells_follow_their_header_and_their_id() -> None:
    tab = RawTab("Milestones", (("Depends on", "Due", "Risk", "Flag", "Flag detail", "ID"),
                                (None, None, None, None, None, "M2"),
                                (None, None, None, None, None, "M1")))
    assert placement.place(plan(*CELLS), tab).cells == (
        CellWrite(3, 4, "OVERDUE", "M1"), CellWrite(3, 5, "Overdue by 2 days", "M1"),
        CellWrite(2, 4, "", "M2"))


def test_a_vanished_flag_column_places_nothing() -> None:
    tab = RawTab("Milestones", (("ID", "Due", "Flag detail", "PM notes"), ("M1",), ("M2",)))
    assert placement.place(plan(*CELLS), tab) == placement.Placed((), "Flag")


def test_a_new_column_is_written_only_while_empty() -> None:
    cells = (CellWrite(1, 3, "Flag"), CellWrite(2, 3, "OVERDUE", "M1"))
    empty = RawTab("Milestones", (("ID", "Due"), ("M1",)))
    assert placement.place(plan(*cells), empty).cells == cells
    taken = RawTab("Milestones", (("ID", "Due", "Budget"), ("M1", None, 5)))
    assert placement.place(plan(*cells), taken) == placement.Placed((), "Flag")
    made = RawTab("Milestones", (("ID", "Flag"), ("M1", "OVERDUE")))  # another run made it
    assert placement.place(plan(*cells), made).cells == (CellWrite(2, 2, "OVERDUE", "M1"),)


def test_a_lost_or_duplicated_id_drops_only_its_cells() -> None:
    tab = RawTab("Milestones", (("ID", "Due", "Flag", "Flag detail"), ("M0",), ("M3",), ("M3",)))
    cells = (CellWrite(2, 3, "X", "M1"), CellWrite(3, 3, "Y", "M3"), CellWrite(9, 3, "Z", "M3"))
    assert placement.place(plan(*cells), tab).cells == (CellWrite(3, 3, "Y", "M3"),)


def test_with_note_says_why_in_problems() -> None:
    noted = placement.with_note(plan(*CELLS, problems_now=(("Tab", "Cell"),)), "Flag")
    assert noted.flag_cells == ()
    assert noted.problems_rows is not None and noted.problems_rows[0] == ("Tab", "Cell")
    assert noted.problems_rows[-1][:3] == ("Milestones", "C1", "Flag")
    assert "wrote no flags" in noted.problems_rows[-1][3]
