"""The events API sends the last EVENT_SETTLE_SECONDS of a run's timeline again on each incremental
read, because a step may store an event that long after stamping it: no function that writes
timeline events may run longer than that window."""

from __future__ import annotations

from drs_orchestration.domain.services.execution_events import EVENT_SETTLE_SECONDS
from tests.infra.templates import CFN, load

#: Functions that write no run's timeline, or only an event stamped as it is written, and why.
NO_TIMELINE = {
    "api-stack.yaml:ReadinessWorkerFunction": "checks a plan's readiness; it has no run",
    "api-stack.yaml:ReadinessScanFunction": "scores the whole estate's readiness; it has no run",
    "api-stack.yaml:ScheduledDrillFunction": (
        "writes one event, the drill's creation, stamped by a clock read after the readiness check"
    ),
}


def test_no_engine_or_api_function_outlives_the_event_settle_window_when_deployed() -> None:
    timeouts: dict[str, int] = {}
    for name in ("orchestration-stack.yaml", "api-stack.yaml"):
        template = load(CFN / name)
        default = template.get("Globals", {}).get("Function", {}).get("Timeout", 3)
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Serverless::Function":
                timeouts[f"{name}:{logical_id}"] = int(resource["Properties"].get("Timeout", default))

    assert timeouts, "no functions found"
    too_long = {
        function: seconds
        for function, seconds in timeouts.items()
        if seconds > EVENT_SETTLE_SECONDS and function not in NO_TIMELINE
    }
    assert too_long == {}
