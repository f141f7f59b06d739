"""Plan validation reports every problem at once, each named by its field path."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drs_orchestration.domain.errors import ValidationFailed
from drs_orchestration.domain.models.recovery_plan import RecoveryPlanInput, RecoveryPlanUpdate
from drs_orchestration.domain.plan_validation import parse_plan, plan_problems
from tests.unit.domain.builders import plan_input, server_id, wave
from tests.unit.domain.test_graph import dags


def _wave(wave_id: str, *deps: str, groups: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": wave_id,
        "name": wave_id.title(),
        "protectionGroupIds": groups or [f"pg-{wave_id}"],
        "dependsOn": [{"waveId": dep, "condition": "HEALTHY"} for dep in deps],
        **extra,
    }


def _plan(*waves: dict[str, Any]) -> dict[str, Any]:
    return {"name": "shop-dr", "rtoTargetMinutes": 60, "waves": list(waves)}


def _problems(document: dict[str, Any], **kwargs: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in plan_problems(document, **kwargs):
        found.setdefault(problem.name, []).append(problem.message)
    return found


def test_valid_plan_has_no_problems_when_groups_are_known() -> None:
    document = _plan(_wave("network"), _wave("db", "network"), _wave("app", "db", "network"))
    membership = {f"pg-{w}": [server_id(i)] for i, w in enumerate(["network", "db", "app"])}
    assert plan_problems(document, membership=membership) == []
    parsed = parse_plan(document, RecoveryPlanInput, membership=membership)
    assert [w.id for w in parsed.waves] == ["network", "db", "app"]


def test_cycle_is_printed_at_the_first_wave_of_the_cycle() -> None:
    document = _plan(_wave("web", "app"), _wave("app", "db"), _wave("db", "app"))
    assert _problems(document) == {"waves[1].dependsOn": ["cycle: app -> db -> app"]}


def test_every_problem_is_reported_when_a_plan_has_many() -> None:
    # Given a plan with a malformed action, a cycle, a self-dependency, an unknown wave and duplicates
    document = _plan(
        _wave("db", "app", postActions=[{"type": "WAIT", "name": "w", "seconds": 0}]),
        _wave("app", "db", "app", "ghost"),
        _wave("app", groups=["pg-db"]),
        {**_wave("web"), "name": "DB "},
    )
    # When it is validated
    problems = _problems(document, membership={"pg-db": [server_id(1)], "pg-app": [server_id(1)]})
    # Then each is named by its path
    assert problems == {
        "waves[0].postActions[0].seconds": ["Input should be greater than or equal to 1"],
        "waves[0].dependsOn": ["cycle: db -> app -> db"],
        "waves[1].dependsOn[1].waveId": ["wave 'app' depends on itself"],
        "waves[1].dependsOn[2].waveId": ["unknown wave 'ghost'"],
        "waves[2].id": ["duplicate wave id 'app' (also waves[1].id)"],
        "waves[2].name": ["duplicate wave name 'App' (also waves[1].name)"],
        "waves[3].name": ["duplicate wave name 'DB' (also waves[0].name)"],
        "waves[1].protectionGroupIds[0]": [f"servers {server_id(1)} of pg-app are already in wave 'db'"],
        "waves[2].protectionGroupIds[0]": ["protection group pg-db is already in wave 'db'"],
        "waves[3].protectionGroupIds[0]": ["unknown protection group pg-web"],
    }
    with pytest.raises(ValidationFailed) as caught:
        parse_plan(document, RecoveryPlanInput, membership={"pg-db": [], "pg-app": []})
    assert len(caught.value.fields) >= 7


def test_server_clash_lists_a_sample_when_many_servers_are_shared() -> None:
    shared = [server_id(n) for n in range(5)]
    problems = _problems(_plan(_wave("a"), _wave("b")), membership={"pg-a": shared, "pg-b": shared})
    sample = ", ".join(shared[:3])
    assert problems == {
        "waves[1].protectionGroupIds[0]": [f"servers {sample} (+2 more) of pg-b are already in wave 'a'"]
    }


def test_server_limit_is_enforced_when_groups_hold_too_many() -> None:
    membership = {
        "pg-a": [server_id(n) for n in range(2500)],
        "pg-b": [server_id(n) for n in range(2500, 4001)],
    }
    problems = _problems(_plan(_wave("a"), _wave("b")), membership=membership)
    assert problems == {"waves": ["the plan holds 4,001 servers; at most 4,000 are allowed"]}


def test_wave_limit_is_enforced_when_a_plan_has_more_than_100_waves() -> None:
    problems = _problems(_plan(*[_wave(f"w{n}") for n in range(101)]))
    assert "waves" in problems
    assert "at most 100" in problems["waves"][0]


def test_group_limit_is_enforced_when_a_plan_names_more_than_97_groups() -> None:
    # Given 98 waves, each with a protection group of its own
    document = _plan(*[_wave(f"w{n}", protectionGroupIds=[f"pg-{n}"]) for n in range(98)])
    # Then the plan is refused with the limit, not left to fail in storage
    assert _problems(document)["waves"] == ["the plan names 98 protection groups; at most 97 are allowed"]
    assert "waves" not in _problems(
        _plan(*[_wave(f"w{n}", protectionGroupIds=[f"pg-{n}"]) for n in range(97)])
    )


def test_optional_server_must_belong_to_its_wave() -> None:
    document = _plan(_wave("db", optionalServerIds=[server_id(1), server_id(9)]))
    problems = _problems(document, membership={"pg-db": [server_id(1)]})
    assert problems == {
        "waves[0].optionalServerIds[1]": [
            f"server {server_id(9)} is not in the protection groups of wave 'db'"
        ]
    }


def test_repeated_dependency_is_reported_when_listed_twice() -> None:
    problems = _problems(_plan(_wave("a"), _wave("b", "a", "a")))
    assert problems == {"waves[1].dependsOn[1].waveId": ["dependency on 'a' is listed twice"]}


def test_non_object_body_is_reported_as_such() -> None:
    assert [p.name for p in plan_problems([1, 2])] == ["body"]  # type: ignore[arg-type]


def test_parsed_plan_is_checked_without_reparsing() -> None:
    parsed = plan_input(wave("a", "b"), wave("b", "a"))
    assert [(p.name, p.message) for p in plan_problems(parsed)] == [
        ("waves[0].dependsOn", "cycle: a -> b -> a")
    ]


def test_update_model_needs_version_when_parsed() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_plan(_plan(_wave("a")), RecoveryPlanUpdate)
    assert [f.name for f in caught.value.fields] == ["version"]


def _dag_plan(nodes: list[str], graph: dict[str, list[str]]) -> dict[str, Any]:
    return _plan(*[_wave(node, *graph[node]) for node in nodes])


@settings(max_examples=100)
@given(dags(max_nodes=10))
def test_any_dag_plan_validates(dag: tuple[list[str], dict[str, list[str]]]) -> None:
    nodes, graph = dag
    membership = {f"pg-{node}": [server_id(i)] for i, node in enumerate(nodes)}
    assert plan_problems(_dag_plan(nodes, graph), membership=membership) == []


@settings(max_examples=100)
@given(dags(max_nodes=10), st.data())
def test_added_back_edge_makes_validation_report_a_real_cycle(
    dag: tuple[list[str], dict[str, list[str]]], data: st.DataObject
) -> None:
    nodes, graph = dag
    edges = [(u, v) for u in nodes for v in graph[u]]
    if not edges:
        return
    u, v = data.draw(st.sampled_from(edges))
    graph[v].append(u)
    problems = [p for p in plan_problems(_dag_plan(nodes, graph)) if p.message.startswith("cycle: ")]
    assert problems
    for problem in problems:
        cycle = problem.message.removeprefix("cycle: ").split(" -> ")
        assert cycle[0] == cycle[-1]
        assert all(target in graph[source] for source, target in itertools.pairwise(cycle))
        index = int(re.fullmatch(r"waves\[(\d+)\]\.dependsOn", problem.name).group(1))  # type: ignore[union-attr]
        assert nodes[index] == cycle[0]
