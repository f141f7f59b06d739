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


class _Tarjan:
    """Tarjan's algorithm, iterative: one explicit work stack of ``(node, next child)`` frames."""

    def __init__(self, nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> None:
        known = set(nodes)
        self.targets = {node: [t for t in edges.get(node, ()) if t in known] for node in nodes}
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.on_stack: set[str] = set()
        self.stack: list[str] = []
        self.components: list[list[str]] = []

    def visit(self, root: str) -> None:
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                self._enter(node)
            targets = self.targets[node]
            if child < len(targets):
                work.append((node, child + 1))
                self._follow(node, targets[child], work)
                continue
            self._leave(node, work[-1][0] if work else None)

    def _enter(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)

    def _follow(self, node: str, target: str, work: list[tuple[str, int]]) -> None:
        if target not in self.index:
            work.append((target, 0))
        elif target in self.on_stack:
            self.low[node] = min(self.low[node], self.index[target])

    def _leave(self, node: str, parent: str | None) -> None:
        if self.low[node] == self.index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                member = self.stack.pop()
                self.on_stack.discard(member)
                component.append(member)
            self.components.append(component)
        if parent is not None:
            self.low[parent] = min(self.low[parent], self.low[node])


def _strongly_connected(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in no particular order."""
    tarjan = _Tarjan(nodes, edges)
    for root in nodes:
        if root not in tarjan.index:
            tarjan.visit(root)
    return tarjan.components


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
