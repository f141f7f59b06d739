"""EventBridge rules delivered to Python handlers through SQS, and the simulator's events put on the bus."""

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from drs_local.event_bridge import EventBridgeBridge, Route, check_hooks, forward_simulator_events
from drs_simulator.events import LAUNCH_RESULT
from drs_simulator.testing import simulator_server

FAILED_LAUNCHES = {
    "source": ["aws.drs"],
    "detail-type": [LAUNCH_RESULT],
    "detail": {"state": ["RECOVERY_LAUNCH_FAILED"]},
}
LAUNCH_RESULTS = {"source": ["aws.drs"], "detail-type": [LAUNCH_RESULT]}


@pytest.fixture
def events(moto_aws: None) -> Any:
    return boto3.client("events")


@pytest.fixture
def bridge(events: Any) -> Iterator[EventBridgeBridge]:
    with EventBridgeBridge(events, boto3.client("sqs"), max_attempts=2) as running:
        yield running


def _put(events: Any, state: str) -> None:
    events.put_events(
        Entries=[
            {
                "Source": "aws.drs",
                "DetailType": LAUNCH_RESULT,
                "Detail": json.dumps({"state": state, "job-id": "drsjob-1"}),
                "Resources": ["arn:aws:drs:us-east-1:123456789012:source-server/s-1"],
            }
        ]
    )


def _until(condition: Any, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def _bridge_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("bridge-")]


def test_hooks_exist_in_the_installed_moto() -> None:
    check_hooks()


def test_handler_receives_only_events_the_rule_pattern_matches(
    bridge: EventBridgeBridge, events: Any
) -> None:
    # Given a rule for failed launches routed to a handler
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    route = bridge.route("failed-launches", FAILED_LAUNCHES, received.put)
    # When a successful and then a failed launch result are put on the bus
    _put(events, "RECOVERY_LAUNCH_SUCCEEDED")
    _put(events, "RECOVERY_LAUNCH_FAILED")
    # Then the handler gets the failed one, as a whole EventBridge event, and nothing else
    event = received.get(timeout=10)
    assert (event["source"], event["detail-type"]) == ("aws.drs", LAUNCH_RESULT)
    assert event["detail"] == {"state": "RECOVERY_LAUNCH_FAILED", "job-id": "drsjob-1"}
    assert received.empty()
    _until(lambda: route.delivered == 1)
    rule = events.describe_rule(Name="failed-launches")
    assert json.loads(rule["EventPattern"]) == FAILED_LAUNCHES


def test_failing_handler_gets_the_event_again_then_it_is_kept_as_a_dead_letter(
    bridge: EventBridgeBridge, events: Any
) -> None:
    calls: list[dict[str, Any]] = []

    def broken(event: dict[str, Any]) -> None:
        calls.append(event)
        raise RuntimeError("handler bug")

    route = bridge.route("launch-results", LAUNCH_RESULTS, broken)
    _put(events, "RECOVERY_LAUNCH_SUCCEEDED")
    _until(lambda: bool(route.dead_letters))
    assert len(calls) == 2
    assert (route.delivered, route.failed_attempts) == (0, 2)
    assert route.dead_letters[0]["detail"]["state"] == "RECOVERY_LAUNCH_SUCCEEDED"


def test_handler_that_fails_once_is_delivered_on_the_retry(bridge: EventBridgeBridge, events: Any) -> None:
    attempts: list[int] = []

    def flaky(event: dict[str, Any]) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first attempt fails")

    route = bridge.route("launch-results", LAUNCH_RESULTS, flaky)
    _put(events, "RECOVERY_LAUNCH_SUCCEEDED")
    _until(lambda: route.delivered == 1)
    assert (len(attempts), route.failed_attempts, route.dead_letters) == (2, 1, [])


def test_stop_ends_every_drainer_thread(events: Any) -> None:
    bridge = EventBridgeBridge(events, boto3.client("sqs"))
    bridge.route("one", LAUNCH_RESULTS, lambda event: None)
    bridge.route("two", FAILED_LAUNCHES, lambda event: None)
    assert len(_bridge_threads()) == 2
    bridge.stop()
    assert _bridge_threads() == []
    with pytest.raises(RuntimeError):
        bridge.route("three", LAUNCH_RESULTS, lambda event: None)


def test_simulator_launch_results_reach_the_handler_through_the_rule(
    bridge: EventBridgeBridge, events: Any
) -> None:
    # Given the simulator's events forwarded to the bus, and the failed-launch rule routed to a handler
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    route: Route = bridge.route("failed-launches", FAILED_LAUNCHES, received.put)
    with simulator_server(fleet=2) as sim, forward_simulator_events(sim.simulator, events):
        drs = sim.drs_client(max_attempts=1)
        servers = [s["sourceServerID"] for s in drs.describe_source_servers()["items"]]
        sim.simulator.set_faults(fail_servers={servers[1]: "launch"})
        job_id = drs.start_recovery(sourceServers=[{"sourceServerID": s} for s in servers], isDrill=True)[
            "job"
        ]["jobID"]
        # When the recovery runs to its end
        sim.simulator.clock.advance(3600)
        # Then exactly the failed server's launch result reaches the handler
        event = received.get(timeout=10)
    assert event["detail"]["job-id"] == job_id
    assert event["detail"]["state"] == "RECOVERY_LAUNCH_FAILED"
    assert event["resources"][0].endswith(servers[1])
    assert received.empty()
    assert route.delivered == 1


def test_a_bridge_without_drainers_delivers_on_pump_retries_and_keeps_dead_letters(events: Any) -> None:
    # Given a bridge with no drainer thread, a rule for failed launches, and a handler that always raises
    received: list[dict[str, Any]] = []

    def refuse(event: dict[str, Any]) -> None:
        raise RuntimeError("handler down")

    with EventBridgeBridge(events, boto3.client("sqs"), max_attempts=2, drainers=False) as pumped:
        good = pumped.route("failed-launches", FAILED_LAUNCHES, received.append)
        bad = pumped.route("all-launches", LAUNCH_RESULTS, refuse)
        assert _bridge_threads() == []

        # When a failed launch result is put on the bus, nothing is delivered until the bridge pumps
        _put(events, "RECOVERY_LAUNCH_FAILED")
        assert received == []
        handled = pumped.pump()

        # Then the matching handler got it once, the raising one twice before it went to dead letters,
        # and a second pump finds nothing left
        assert [event["detail"]["state"] for event in received] == ["RECOVERY_LAUNCH_FAILED"]
        assert (good.delivered, bad.failed_attempts, len(bad.dead_letters)) == (1, 2, 1)
        assert handled == 3
        assert pumped.pump() == 0
