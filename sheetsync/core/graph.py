"""The ``Depends on`` graph: who waits on whom, cycles, and a safe topological order.

Pure functions over ``{id: (ids it depends on)}`` in sheet order. IDs that are not keys of
the graph (unknown IDs, which the parser reports) are ignored here. Cycles are found and
reported, never followed forever; nothing recurses, so a chain of 5,000 milestones is fine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

Graph = Mapping[str, tuple[str, ...]]


def reverse(graph: Graph) -> dict[str, tuple[str, ...]]:
    """``{id: (ids that depend on it)}``, in sheet order."""
    waiting: dict[str, list[str]] = {node: [] for node in graph}
    for node, deps in graph.items():
        for dep in deps:
            if dep in waiting and dep != node:
                waiting[dep].append(node)
    return {node: tuple(nodes) for node, nodes in waiting.items()}


def reachable(graph: Graph, start: str) -> tuple[str, ...]:
    """Every node reached from ``start`` along the graph's edges, nearest first."""
    seen: dict[str, None] = {}
    queue = deque(graph.get(start, ()))
    while queue:
        node = queue.popleft()
        if node in seen or node == start or node not in graph:
            continue
        seen[node] = None
        queue.extend(graph[node])
    return tuple(seen)


def upstream(graph: Graph, start: str) -> tuple[str, ...]:
    """Every ID that ``start`` depends on, directly or through others, nearest first."""
    return reachable(graph, start)


def downstream(graph: Graph, start: str) -> tuple[str, ...]:
    """Every ID that waits on ``start``, directly or through others, nearest first."""
    return reachable(reverse(graph), start)


def cycles(graph: Graph) -> tuple[tuple[str, ...], ...]:
    """Each cycle found by a depth-first walk, as the IDs along it (self-loops excluded)."""
    found: list[tuple[str, ...]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 finished
    for root in graph:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            deps = [d for d in graph[node] if d in graph and d != node]
            if i < len(deps):
                stack.append((node, i + 1))
                dep = deps[i]
                if state.get(dep) == 1:
                    found.append(tuple(path[path.index(dep):]))
                elif dep not in state:
                    stack.append((dep, 0))
            else:
                state[node] = 2
                path.pop()
    return tuple(found)


def topological(graph: Graph) -> tuple[str, ...]:
    """IDs with every dependency before its dependants (Kahn); members of cycles come last."""
    waiting = reverse(graph)
    missing = {n: len({d for d in deps if d in graph and d != n}) for n, deps in graph.items()}
    queue = deque(n for n in graph if missing[n] == 0)
    order: list[str] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in dict.fromkeys(waiting[node]):
            missing[nxt] -= 1
            if missing[nxt] == 0:
                queue.append(nxt)
    placed = set(order)
    return tuple(order) + tuple(n for n in graph if n not in placed)
