"""Each function logs JSON with its correlation id and writes its metrics as EMF."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from botocore.stub import Stubber

from drs_orchestration.adapters import aws_clients
from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event
from drs_orchestration.handlers.observability import (
    API_SERVICE,
    ENGINE_SERVICE,
    StepCounts,
    Telemetry,
    api_function,
    count_step,
    engine_step,
    event_function,
    record_route,
    telemetry,
)


@pytest.fixture
def emf(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """The EMF documents the functions print, by metric name."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "DrsOrchestration")

    def documents() -> list[dict[str, Any]]:
        lines = capsys.readouterr().out.splitlines()
        return [json.loads(line) for line in lines if line.startswith("{") and '"_aws"' in line]

    return documents


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """What the engine's and the API's loggers write, at DEBUG."""
    buffer = io.StringIO()
    saved = []
    for service in (API_SERVICE, ENGINE_SERVICE):
        logger = telemetry(service).logger
        logger.registered_handler.setStream(buffer)
        saved.append((logger, logger.log_level))
        logger.setLevel("DEBUG")
    yield buffer
    for logger, level in saved:
        logger.setLevel(level)
        logger.registered_handler.setStream(None)


def _metric(documents: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [
        d for d in documents if any(m["Name"] == name for m in d["_aws"]["CloudWatchMetrics"][0]["Metrics"])
    ]


def _value(document: dict[str, Any], name: str) -> float:
    value = document[name]
    return float(value[0] if isinstance(value, list) and len(value) == 1 else value)


def _api() -> Any:
    app = APIGatewayRestResolver()
    app.use([record_route])

    @app.get("/protection-groups/<group_id>")
    def get_group(group_id: str) -> tuple[dict[str, str], int]:
        return {"error": group_id}, 404

    @api_function
    def handler(product: Any, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler


def test_api_counts_a_4xx_and_its_latency_by_route_template_when_a_route_answers_404(emf: Any) -> None:
    handler = _api()

    response = handler(None, rest_proxy_event("GET", "/protection-groups/pg-404"), None)

    assert response["statusCode"] == 404
    [document] = _metric(emf(), "ApiLatency")
    assert document["route"] == "GET /protection-groups/{group_id}"
    assert document["service"] == API_SERVICE
    assert _value(document, "Api4xx") == 1
    assert _value(document, "Api5xx") == 0
    assert _value(document, "ApiLatency") >= 0
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "DrsOrchestration"


def test_api_counts_an_unmatched_request_when_no_route_takes_it(emf: Any) -> None:
    handler = _api()

    response = handler(None, rest_proxy_event("GET", "/nowhere"), None)

    assert response["statusCode"] == 404
    [document] = _metric(emf(), "ApiLatency")
    assert document["route"] == "UNMATCHED"


def test_api_logs_the_request_id_as_correlation_id_when_it_logs_at_debug(logs: io.StringIO) -> None:
    event = rest_proxy_event("GET", "/protection-groups/pg-1")

    _api()(None, event, None)

    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert any(line.get("correlation_id") == event["requestContext"]["requestId"] for line in lines)


def _drs_step(counts: dict[str, int] | None) -> Any:
    @engine_step("advance")
    def handler(product: Any, event: dict[str, Any], context: Any) -> dict[str, Any]:
        drs = aws_clients.client("drs", "eu-west-1")
        with Stubber(drs) as stub:
            stub.add_response("describe_jobs", {"items": []})
            stub.add_response("describe_jobs", {"items": []})
            drs.describe_jobs(filters={})
            drs.describe_jobs(filters={})
        if counts is not None:
            count_step(StepCounts(**counts))
        return {"executionId": event["executionId"]}

    return handler


def test_engine_step_publishes_its_duration_and_drs_calls_by_operation_when_it_calls_drs(
    emf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    _drs_step(None)(None, {"executionId": "ex-1"}, None)

    documents = emf()
    [tick] = _metric(documents, "TickDuration")
    assert tick["step"] == "advance"
    assert tick["service"] == ENGINE_SERVICE
    [calls] = _metric(documents, "DrsCalls")
    assert calls["operation"] == "DescribeJobs"
    assert _value(calls, "DrsCalls") == 2
    assert _metric(documents, "WavesMoved") == []


def test_engine_step_publishes_the_domain_counts_when_the_step_reports_them(
    emf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    _drs_step({"waves_moved": 2, "servers_launched": 40, "quota_waits": 1})(
        None, {"executionId": "ex-2"}, None
    )

    [counts] = _metric(emf(), "WavesMoved")
    assert tuple(_value(counts, name) for name in ("WavesMoved", "ServersLaunched", "QuotaWaits")) == (
        2,
        40,
        1,
    )
    assert counts["step"] == "advance"


def test_engine_step_logs_the_execution_id_as_correlation_id_even_when_the_step_fails(
    logs: io.StringIO,
) -> None:
    @engine_step("finalize")
    def handler(product: Any, event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handler(None, {"executionId": "ex-3"}, None)

    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert [line["correlation_id"] for line in lines if line["message"] == "invocation"] == ["ex-3"]


def test_event_function_publishes_its_duration_when_it_runs(emf: Any) -> None:
    @event_function("drs_events")
    def handler(product: Any, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"woken": []}

    handler(None, {"id": "evt-1", "detail": {}}, None)

    [document] = _metric(emf(), "Duration")
    assert document["function"] == "drs_events"


def test_metrics_stay_off_outside_lambda_unless_asked_for() -> None:
    assert not Telemetry("svc", environ={}).metrics_enabled
    assert Telemetry("svc", environ={"AWS_LAMBDA_FUNCTION_NAME": "f"}).metrics_enabled
    assert Telemetry("svc", environ={"POWERTOOLS_METRICS_DISABLED": "false"}).metrics_enabled
    assert not Telemetry(
        "svc", environ={"AWS_LAMBDA_FUNCTION_NAME": "f", "POWERTOOLS_METRICS_DISABLED": "1"}
    ).metrics_enabled


def test_tracing_is_on_only_on_lambda_when_not_disabled() -> None:
    assert not Telemetry("svc", environ={}).tracing_enabled
    assert Telemetry("svc", environ={"LAMBDA_TASK_ROOT": "/var/task"}).tracing_enabled
    disabled = {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}
    assert not Telemetry("svc", environ=disabled).tracing_enabled
    assert Telemetry("svc", environ={}).tracer is None
