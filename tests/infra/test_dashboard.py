"""The dashboard shows the metrics the functions publish, under the namespace and service names the
stacks give them."""

from __future__ import annotations

import json
import re
from typing import Any

from drs_orchestration.handlers.observability import MetricName
from tests.infra.templates import CFN, load

MONITORING = CFN / "monitoring-stack.yaml"


def _dashboard() -> dict[str, Any]:
    """The dashboard body with its parameters at their defaults and every other name filled in."""
    template = load(MONITORING)
    body, names = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    defaults = {name: p["Default"] for name, p in template["Parameters"].items() if "Default" in p}
    values = {**{name: f"<{name}>" for name in names}, **defaults, "AWS::Region": "eu-west-1"}
    text = re.sub(r"\$\{([^}!]+)\}", lambda match: str(values.get(match[1], f"<{match[1]}>")), body)
    return dict(json.loads(text))


def _metric_widgets() -> dict[str, list[Any]]:
    return {
        widget["properties"]["title"]: widget["properties"]["metrics"]
        for widget in _dashboard()["widgets"]
        if widget["type"] == "metric"
    }


def _globals_environment(stack: str) -> dict[str, str]:
    return dict(load(CFN / stack)["Globals"]["Function"]["Environment"]["Variables"])


def test_dashboard_reads_the_namespace_and_services_the_functions_publish_under() -> None:
    parameters = load(MONITORING)["Parameters"]
    api, engine = _globals_environment("api-stack.yaml"), _globals_environment("orchestration-stack.yaml")

    assert parameters["MetricsNamespace"]["Default"] == api["POWERTOOLS_METRICS_NAMESPACE"]
    assert parameters["MetricsNamespace"]["Default"] == engine["POWERTOOLS_METRICS_NAMESPACE"]
    assert parameters["ApiServiceName"]["Default"] == api["POWERTOOLS_SERVICE_NAME"]
    assert parameters["EngineServiceName"]["Default"] == engine["POWERTOOLS_SERVICE_NAME"]


def test_dashboard_shows_engine_ticks_waves_launches_quota_waits_and_drs_calls() -> None:
    widgets = _metric_widgets()

    tick = widgets["Engine tick duration (ms)"]
    assert tick[0][:6] == [
        "DrsOrchestration",
        "TickDuration",
        "service",
        "drs-orchestration-engine",
        "step",
        "advance",
    ]
    assert [line[-1]["stat"] for line in tick] == ["p50", "p99"]
    counts = widgets["Waves moved, servers launched, quota waits"]
    assert [line[1] for line in counts] == ["WavesMoved", "ServersLaunched", "QuotaWaits"]
    [[drs]] = widgets["DRS calls by operation"]
    assert "{DrsOrchestration,service,operation}" in drs["expression"]
    assert 'MetricName="DrsCalls"' in drs["expression"]


def test_dashboard_shows_api_latency_p95_and_errors_by_route() -> None:
    widgets = _metric_widgets()

    expressions = {
        title: widgets[title][0][0]["expression"]
        for title in ("API latency p95 by route (ms)", "API 4xx by route", "API 5xx by route")
    }

    for expression in expressions.values():
        assert "{DrsOrchestration,service,route}" in expression
        assert 'service="drs-orchestration-api"' in expression
    assert 'MetricName="ApiLatency"' in expressions["API latency p95 by route (ms)"]
    assert "'p95'" in expressions["API latency p95 by route (ms)"]
    assert 'MetricName="Api4xx"' in expressions["API 4xx by route"]
    assert 'MetricName="Api5xx"' in expressions["API 5xx by route"]


def test_every_metric_the_functions_publish_is_on_the_dashboard() -> None:
    text = json.dumps(_dashboard())

    shown = {name for name in MetricName if f'"{name.value}"' in text or f'\\"{name.value}\\"' in text}

    assert set(MetricName) - shown == {MetricName.DURATION}
