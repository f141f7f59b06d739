"""The product's health check applies by default: a wave without ``healthCheck`` runs the product's
document (the one named by ``HEALTH_CHECK_DOCUMENT``); ``null`` turns the gate off; a wave's own
document wins; with no product document configured, only the EC2 status checks run, and say so."""

from collections.abc import Callable
from typing import Any

import boto3

from drs_orchestration.domain.models.execution import EventType, HealthStatus
from tests.integration.engine.harness import HEALTH_CHECK_DOCUMENT, HEALTH_DOCUMENT, Engine, fleet, server_id

OWN_DOCUMENT = "Shop-HealthProbe"


def _one_wave(engine: Engine, count: int, **wave: Any) -> str:
    group = engine.group("g", [server_id(n) for n in range(count)])
    return engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], **wave}])


def _commands_by_document() -> dict[str, int]:
    found: dict[str, int] = {}
    for command in boto3.client("ssm").list_commands()["Commands"]:
        found[command["DocumentName"]] = found.get(command["DocumentName"], 0) + 1
    return found


def _health_events(engine: Engine, execution_id: str) -> list[str]:
    return [e.message for e in engine.timeline(execution_id) if e.type == EventType.HEALTH_CHECK_STARTED]


def test_wave_runs_the_products_document_when_it_names_no_health_check(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a wave with no healthCheck at all
    engine = engine_factory(servers=fleet(2))
    plan = _one_wave(engine, 2)

    # When it is drilled
    execution = engine.finish(engine.start(plan))

    # Then the wave went through the health gate with the product's document on every server
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    statuses = [e.details.get("status") for e in engine.timeline(execution["id"]) if e.wave_id == "app"]
    assert "HEALTH_CHECK" in statuses
    assert _commands_by_document() == {HEALTH_CHECK_DOCUMENT: 1}
    for server in engine.servers(execution["id"]):
        assert server.health is HealthStatus.HEALTHY
        assert server.health_evidence["document"] == HEALTH_CHECK_DOCUMENT
        assert server.health_evidence["productDocument"] is True
        command = server.health_evidence["command"]
        assert isinstance(command, dict)
        assert command["status"] == "Success"
    assert _health_events(engine, execution["id"]) == [
        f"wave app health check: EC2 status checks, then {HEALTH_CHECK_DOCUMENT} (the product's health check)"
    ]
    # and RTO runs to the servers' health, not their launch
    healthy = max(s.healthy_at for s in engine.servers(execution["id"]) if s.healthy_at)
    assert execution["rto"]["recoveredAt"] == healthy.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_wave_fails_on_the_products_document_when_a_default_checked_server_does_not_boot(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a wave with no healthCheck, and a server whose recovery instance does not boot
    engine = engine_factory(servers=fleet(2), faults={"boot_failure_servers": [server_id(0)]})

    # When it is drilled
    execution = engine.finish(engine.start(_one_wave(engine, 2)))

    # Then the default gate caught it: the wave fails, naming the unhealthy server
    assert execution["status"] == "FAILED"
    unhealthy = f"1 critical server(s) unhealthy ({server_id(0)})"
    assert execution["waves"][0]["reason"] == f"{unhealthy}: EC2 status checks failed"
    servers = {s.source_server_id: s for s in engine.servers(execution["id"])}
    assert servers[server_id(0)].health is HealthStatus.UNHEALTHY
    assert servers[server_id(0)].health_evidence["document"] == HEALTH_CHECK_DOCUMENT
    assert servers[server_id(1)].health is HealthStatus.HEALTHY


def test_wave_skips_the_health_gate_when_health_check_is_null(engine_factory: Callable[..., Engine]) -> None:
    # Given a wave that turns the gate off
    engine = engine_factory(servers=fleet(2))
    plan = _one_wave(engine, 2, healthCheck=None)

    # When it is drilled
    execution = engine.finish(engine.start(plan))

    # Then no health check ran: no command, no HEALTH_CHECK step, no verdict on any server
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    statuses = [e.details.get("status") for e in engine.timeline(execution["id"]) if e.wave_id == "app"]
    assert "HEALTH_CHECK" not in statuses
    assert _commands_by_document() == {}
    assert _health_events(engine, execution["id"]) == []
    assert {s.health for s in engine.servers(execution["id"])} == {None}
    launched = max(s.launched_at for s in engine.servers(execution["id"]) if s.launched_at)
    assert execution["rto"]["recoveredAt"] == launched.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_wave_runs_its_own_document_when_it_names_one(engine_factory: Callable[..., Engine]) -> None:
    # Given a wave naming its own document, installed next to the product's
    engine = engine_factory(servers=fleet(2))
    boto3.client("ssm").create_document(
        Name=OWN_DOCUMENT, Content=HEALTH_DOCUMENT.read_text(), DocumentType="Command", DocumentFormat="YAML"
    )
    plan = _one_wave(engine, 2, healthCheck={"documentName": OWN_DOCUMENT, "timeoutSeconds": 600})

    # When it is drilled
    execution = engine.finish(engine.start(plan))

    # Then its document ran, not the product's
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    assert _commands_by_document() == {OWN_DOCUMENT: 1}
    evidence = [s.health_evidence for s in engine.servers(execution["id"])]
    assert {(e["document"], e["productDocument"]) for e in evidence} == {(OWN_DOCUMENT, False)}
    assert _health_events(engine, execution["id"]) == [
        f"wave app health check: EC2 status checks, then {OWN_DOCUMENT} (the wave's own document)"
    ]


def test_only_ec2_status_checks_run_and_say_so_when_no_product_document_is_configured(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given an engine configured without the product's document, a wave naming none, and a server
    # whose recovery instance does not boot
    engine = engine_factory(
        servers=fleet(2),
        faults={"boot_failure_servers": [server_id(0)]},
        settings={"health_check_document": None},
    )

    # When it is drilled
    execution = engine.finish(engine.start(_one_wave(engine, 2)))

    # Then no command ran, the EC2 status checks still judged each server, and the evidence says why
    assert execution["status"] == "FAILED"
    unhealthy = f"1 critical server(s) unhealthy ({server_id(0)})"
    assert execution["waves"][0]["reason"] == f"{unhealthy}: EC2 status checks failed"
    assert _commands_by_document() == {}
    servers = {s.source_server_id: s for s in engine.servers(execution["id"])}
    sick, well = servers[server_id(0)], servers[server_id(1)]
    assert (sick.health, well.health) == (HealthStatus.UNHEALTHY, HealthStatus.HEALTHY)
    for server in (sick, well):
        assert server.health_evidence["document"] is None
        assert (
            server.health_evidence["note"] == "EC2 status checks only: no health-check document is configured"
        )
    assert sick.health_evidence["reason"] == "EC2 status checks failed"
    ec2 = well.health_evidence["ec2"]
    assert isinstance(ec2, dict)
    assert ec2["state"] == "running"
    assert _health_events(engine, execution["id"]) == [
        "wave app health check: EC2 status checks only: no health-check document is configured"
    ]
