"""Milestone IDs as staff type them (issue 11 item 8): trimmed, one ID whatever its case."""

from __future__ import annotations

from datetime import date

import pytest

from sheetsync.core import rules
from sheetsync.model import Flag
from tests.test_parse import book

AS_OF = date(2026, 11, 25)


def flags(project: object) -> dict[int, tuple[Flag, ...]]:
    return {a.milestone.row: a.flags for a in rules.assess(project, AS_OF)}  # type: ignore[arg-type]


def test_depends_on_names_an_id_in_any_case_and_spacing() -> None:
    p = book([["M1", "Design", "", "2026-11-02", "wip", None, None, ""],
              [" m2 ", "Build", "", "2026-12-20", "wip", None, None, " m1 ; M1"]])
    assert p.problems == ()
    _, m2 = p.milestones
    assert (m2.id, m2.depends_on) == ("m2", ("M1",))
    assert Flag.AT_RISK in flags(p)[3]  # M1 is late, so m2, which waits on it, is at risk


def test_a_second_row_of_an_id_in_another_case_is_a_duplicate_and_invalid() -> None:
    p = book([["M1", "Design", "", "2026-12-02", "wip", None, None, ""],
              ["m1 ", "Build", "", "2026-12-20", "wip", None, None, ""]])
    [problem] = p.problems
    assert problem.cell == "A3" and problem.value == "m1"
    assert Flag.INVALID in flags(p)[3] and Flag.INVALID not in flags(p)[2]


@pytest.mark.parametrize("itself", ["M1", "m1 "])
def test_a_milestone_depending_on_itself_in_any_case_is_flagged_invalid(itself: str) -> None:
    p = book([["M1", "Design", "", "2026-12-02", "wip", None, None, itself]])
    [problem] = p.problems
    assert problem.cell == "H2"
    assert Flag.INVALID in flags(p)[2]


def test_an_update_names_its_milestone_in_any_case() -> None:
    p = book([["M1", "Design", "", "2026-12-02", "wip", None, None, ""]],
             Updates=[["Date", "Type", "Update", "Milestone"],
                      ["2026-11-20", "Done", "Sketches done", " m1"]])
    assert p.problems == ()
    assert p.updates[0].milestone == "M1"
