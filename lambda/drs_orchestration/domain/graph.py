"""Dependency graphs of waves: cycle detection and topological order (pure, iterative, no recursion).

A graph maps each node to the nodes it depends on. Edges to nodes outside the graph are ignored here
(plan validation reports them as unknown waves).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence

__all__ = ["CycleError", "find_cycles", "topological_order"]


class CycleError(ValueError):
    """The graph has a cycle; ``cycle`` is one of them, first node repeated last."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("cycle: " + " -> ".join(cycle))
        self.cycle = cycle


def _strongly_connected(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in no particular order."""
    known = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = [t for t in edges.get(node, ()) if t in known]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _cycle_through(start: str, members: set[str], edges: Mapping[str, Sequence[str]]) -> list[str]:
    """The shortest cycle from ``start`` back to itself within one strongly connected component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in edges.get(node, ()):
            if target not in members:
                continue
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if target not in previous:
                previous[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a strongly connected component but on no cycle")


def find_cycles(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (self-loops included).

    Each cycle starts and ends at the component's earliest node in ``nodes`` order and follows the
    edges: ``["app", "db", "app"]`` means app depends on db and db on app. Sorted by that first node.
    """
    position = {node: i for i, node in enumerate(dict.fromkeys(nodes))}
    cycles: list[list[str]] = []
    for component in _strongly_connected(list(position), edges):
        start = min(component, key=position.__getitem__)
        if len(component) > 1 or start in edges.get(start, ()):
            cycles.append(_cycle_through(start, set(component), edges))
    cycles.sort(key=lambda cycle: position[cycle[0]])
    return cycles


def topological_order(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[str]:
    """Dependencies first; among nodes free at the same time, the earlier in ``nodes`` goes first.

    Raises ``CycleError`` when the graph has a cycle.
    """
    position = {node: i for i, node in enumerate(dict.fromkeys(nodes))}
    waiting = {node: {d for d in edges.get(node, ()) if d in position} for node in position}
    dependants: dict[str, list[str]] = {node: [] for node in position}
    for node, deps in waiting.items():
        for dep in deps:
            dependants[dep].append(node)
    ready = [(position[node], node) for node, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for dependant in dependants[node]:
            waiting[dependant].discard(node)
            if not waiting[dependant]:
                heapq.heappush(ready, (position[dependant], dependant))
    if len(order) < len(position):
        raise CycleError(find_cycles(list(position), edges)[0])
    return order
