"""The Depends on graph: who waits on whom, cycles, and a safe order."""

from __future__ import annotations

from sheetsync.core import graph

# M4 waits on M2 and M3, which both wait on M1; M9 is an ID nobody has.
DIAMOND = {"M1": (), "M2": ("M1",), "M3": ("M1", "M9"), "M4": ("M2", "M3")}


def test_reverse_lists_who_waits_on_each_id_in_sheet_order() -> None:
    assert graph.reverse(DIAMOND) == {"M1": ("M2", "M3"), "M2": ("M4",), "M3": ("M4",),
                                      "M4": ()}


def test_upstream_is_everything_depended_on_nearest_first() -> None:
    assert graph.upstream(DIAMOND, "M4") == ("M2", "M3", "M1")
    assert graph.upstream(DIAMOND, "M1") == ()


def test_downstream_is_everything_waiting_nearest_first() -> None:
    assert graph.downstream(DIAMOND, "M1") == ("M2", "M3", "M4")
    assert graph.downstream(DIAMOND, "M4") == ()


def test_unknown_ids_are_ignored() -> None:
    assert "M9" not in graph.upstream(DIAMOND, "M3")
    assert graph.upstream(DIAMOND, "M9") == ()
    assert graph.cycles(DIAMOND) == ()


def test_no_cycle_in_a_tree() -> None:
    assert graph.cycles(DIAMOND) == ()


def test_a_cycle_is_found_once_with_the_ids_along_it() -> None:
    loops = graph.cycles({"A": ("B",), "B": ("C",), "C": ("A",), "D": ("C",)})
    assert len(loops) == 1
    assert set(loops[0]) == {"A", "B", "C"}


def test_two_separate_cycles_are_both_found() -> None:
    loops = graph.cycles({"A": ("B",), "B": ("A",), "C": ("D",), "D": ("C",), "E": ()})
    assert sorted(sorted(loop) for loop in loops) == [["A", "B"], ["C", "D"]]


def test_a_self_dependency_is_not_a_cycle_here() -> None:
    assert graph.cycles({"A": ("A",)}) == ()  # parse reports it as its own problem


def test_walks_terminate_inside_cycles() -> None:
    loop = {"A": ("B",), "B": ("C",), "C": ("A",)}
    assert set(graph.upstream(loop, "A")) == {"B", "C"}
    assert set(graph.downstream(loop, "A")) == {"B", "C"}


def test_topological_puts_every_dependency_before_its_dependants() -> None:
    order = graph.topological({"M4": ("M2", "M3"), "M3": ("M1",), "M2": ("M1",), "M1": ()})
    assert order.index("M1") < order.index("M2") < order.index("M4")
    assert order.index("M3") < order.index("M4")
    assert sorted(order) == ["M1", "M2", "M3", "M4"]


def test_topological_puts_cycle_members_last_and_keeps_every_id() -> None:
    order = graph.topological({"A": ("B",), "B": ("A",), "C": (), "D": ("C",)})
    assert order[:2] == ("C", "D")
    assert set(order[2:]) == {"A", "B"}


def test_a_chain_of_5000_needs_no_recursion() -> None:
    chain = {f"M{i}": ((f"M{i - 1}",) if i else ()) for i in range(5000)}
    assert graph.upstream(chain, "M4999")[0] == "M4998"
    assert len(graph.upstream(chain, "M4999")) == 4999
    assert graph.topological(chain)[-1] == "M4999"
    assert graph.cycles(chain) == ()
    chain["M0"] = ("M4999",)
    (loop,) = graph.cycles(chain)
    assert len(loop) == 5000
