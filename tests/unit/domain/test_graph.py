"""Cycle detection and topological order agree with a brute-force reference on random graphs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drs_orchestration.domain.graph import CycleError, find_cycles, topological_order

Graph = dict[str, list[str]]


def _reach(graph: Graph) -> dict[str, set[str]]:
    """Reference: every node reachable from each node in one or more steps (Floyd-Warshall style)."""
    reach = {node: set(targets) for node, targets in graph.items()}
    for middle in graph:
        for node in graph:
            if middle in reach[node]:
                reach[node] |= reach[middle]
    return reach


def _cyclic_components(graph: Graph) -> set[frozenset[str]]:
    reach = _reach(graph)
    return {
        frozenset({node} | {o for o in reach[node] if node in reach[o]})
        for node in graph
        if node in reach[node]
    }


@st.composite
def dags(draw: st.DrawFn, max_nodes: int = 12) -> tuple[list[str], Graph]:
    """A random DAG: nodes in a random order, edges only to nodes earlier in a hidden ranking."""
    count = draw(st.integers(1, max_nodes))
    nodes = [f"w{i}" for i in range(count)]
    ranking = draw(st.permutations(nodes))
    graph: Graph = {node: [] for node in nodes}
    for later in range(count):
        for earlier in range(later):
            if draw(st.booleans()):
                graph[ranking[later]].append(ranking[earlier])
    return nodes, graph


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], Graph]:
    nodes = [f"w{i}" for i in range(draw(st.integers(1, 9)))]
    graph = {node: draw(st.lists(st.sampled_from(nodes), max_size=3, unique=True)) for node in nodes}
    return nodes, graph


def _assert_real_cycle(cycle: list[str], graph: Graph) -> None:
    assert len(cycle) >= 2
    assert cycle[0] == cycle[-1]
    for source, target in itertools.pairwise(cycle):
        assert target in graph[source], f"{source} -> {target} is not an edge"


@settings(max_examples=150)
@given(dags())
def test_dag_has_no_cycle_and_orders_dependencies_first(dag: tuple[list[str], Graph]) -> None:
    nodes, graph = dag
    assert find_cycles(nodes, graph) == []
    order = topological_order(nodes, graph)
    assert sorted(order) == sorted(nodes)
    position = {node: i for i, node in enumerate(order)}
    assert all(position[dep] < position[node] for node in nodes for dep in graph[node])


@settings(max_examples=150)
@given(dags(), st.data())
def test_added_back_edge_is_reported_as_a_real_cycle(
    dag: tuple[list[str], Graph], data: st.DataObject
) -> None:
    # Given a DAG with one edge u -> v
    nodes, graph = dag
    edges = [(u, v) for u in nodes for v in graph[u]]
    if not edges:
        graph[nodes[0]].append(nodes[0])
        u = v = nodes[0]
    else:
        u, v = data.draw(st.sampled_from(edges))
        # When the back-edge v -> u is added
        graph[v].append(u)
    # Then a cycle through it is reported, and every reported cycle follows real edges
    cycles = find_cycles(nodes, graph)
    assert cycles
    for cycle in cycles:
        _assert_real_cycle(cycle, graph)
    assert any(u in cycle and v in cycle for cycle in cycles)
    with pytest.raises(CycleError) as caught:
        topological_order(nodes, graph)
    _assert_real_cycle(caught.value.cycle, graph)


@settings(max_examples=200)
@given(graphs())
def test_one_cycle_is_reported_per_cyclic_component_as_the_reference_finds(
    g: tuple[list[str], Graph],
) -> None:
    nodes, graph = g
    cycles = find_cycles(nodes, graph)
    expected = _cyclic_components(graph)
    assert len(cycles) == len(expected)
    for cycle in cycles:
        _assert_real_cycle(cycle, graph)
        component = next(c for c in expected if cycle[0] in c)
        assert set(cycle) <= component
        assert cycle[0] == min(component, key=nodes.index)


def test_cycle_is_printed_along_dependencies_from_the_earliest_wave() -> None:
    with pytest.raises(CycleError, match=r"^cycle: app -> db -> app$"):
        topological_order(["web", "app", "db"], {"web": ["app"], "app": ["db"], "db": ["app"]})


def test_order_keeps_plan_order_among_independent_waves() -> None:
    assert topological_order(["c", "a", "b"], {"a": ["b"]}) == ["c", "b", "a"]


def test_deep_chain_is_handled_without_recursion() -> None:
    nodes = [f"w{i}" for i in range(5000)]
    graph = {node: [nodes[i - 1]] if i else [] for i, node in enumerate(nodes)}
    assert topological_order(list(reversed(nodes)), graph) == nodes
    graph[nodes[0]] = [nodes[-1]]
    assert len(find_cycles(nodes, graph)[0]) == 5001
