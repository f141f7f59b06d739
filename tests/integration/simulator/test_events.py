"""EventBridge-shaped events: what is emitted, best-effort knobs, and the three sinks."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from drs_simulator.events import (
    LAUNCH_RESULT,
    PIT_SNAPSHOT,
    REPLICATION_STALLED,
    CallbackSink,
    Event,
    EventBridgeSink,
    WebhookSink,
)
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, finish, hostname_ids, server_ids, sim_events

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def test_launch_results_appear_in_the_event_log_with_increasing_sequence(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    job_id = drill(drs, *server_ids(drs)[:2])
    finish(sim)
    events = sim_events(sim, LAUNCH_RESULT)
    assert [e["detail"]["job-id"] for e in events] == [job_id, job_id]
    later = sim.control("GET", f"events?since={events[0]['seq']}")["events"]
    assert events[1] in later
    assert events[0] not in later


def test_events_are_dropped_when_the_drop_rate_is_one(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(event_drop_rate=1.0)
    drill(drs, server_ids(drs)[0])
    finish(sim)
    assert sim_events(sim, LAUNCH_RESULT) == []


def test_events_are_duplicated_when_the_duplicate_rate_is_one(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(event_duplicate_rate=1.0)
    drill(drs, server_ids(drs)[0])
    finish(sim)
    events = sim_events(sim, LAUNCH_RESULT)
    assert len(events) == 2
    assert events[0]["id"] == events[1]["id"]


def test_events_arrive_late_when_delayed(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(event_delay_seconds=3 * 3600)
    job_id = drill(drs, server_ids(drs)[0])
    finish(sim)
    assert drs.describe_jobs(filters={"jobIDs": [job_id]})["items"][0]["status"] == "COMPLETED"
    assert sim_events(sim, LAUNCH_RESULT) == []
    finish(sim, 3 * 3600)
    assert len(sim_events(sim, LAUNCH_RESULT)) == 1


def test_a_stall_and_its_recovery_emit_stalled_change_events(sim: SimulatorHandle, drs: DrsClient) -> None:
    # Given a healthy server
    server = hostname_ids(drs)["shop-db-01"]
    # When replication stalls for 30 minutes
    sim.control(
        "POST", "faults", {"replication_state": {server: {"state": "STALLED", "until_seconds": 1800}}}
    )
    sim.simulator.clock.advance(600)
    # Then the server shows STALLED with its error and a growing lag, and a STALLED event is sent
    info = drs.describe_source_servers(filters={"sourceServerIDs": [server]})["items"][0][
        "dataReplicationInfo"
    ]
    assert (info["dataReplicationState"], info["dataReplicationError"]["error"]) == (
        "STALLED",
        "AGENT_NOT_SEEN",
    )
    assert info["lagDuration"] == "PT10M"
    sim.simulator.clock.advance(1800)
    states = [e["detail"]["state"] for e in sim_events(sim, REPLICATION_STALLED)]
    assert states == ["STALLED", "NOT_STALLED"]
    info = drs.describe_source_servers(filters={"sourceServerIDs": [server]})["items"][0][
        "dataReplicationInfo"
    ]
    assert info["dataReplicationState"] == "CONTINUOUS"


def test_pit_snapshots_are_taken_every_ten_minutes_for_healthy_servers(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    healthy = server_ids(drs)
    sim.simulator.clock.advance(600)
    events = sim_events(sim, PIT_SNAPSHOT)
    assert len(events) == len(healthy)
    newest = drs.describe_recovery_snapshots(sourceServerID=healthy[0], order="DESC")["items"][0]
    mine = [e for e in events if e["detail"]["DrsSnapshotID"] == newest["snapshotID"]]
    assert mine[0]["detail"]["EbsSnapshotIDs"] == ",".join(newest["ebsSnapshots"])


def test_snapshots_are_pruned_by_the_retention_policy(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    sim.simulator.clock.advance(2 * 86400)
    snapshots = drs.describe_recovery_snapshots(sourceServerID=server)["items"]
    # 6 ten-minute slots in the last hour + hourly slots for 24 h + daily slots, overlapping
    assert 24 <= len(snapshots) <= 6 + 24 + 2


def test_a_server_in_initial_sync_becomes_continuous_when_the_sync_ends(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    syncing = hostname_ids(drs)["payroll-db-01"]
    sim.simulator.clock.advance(5400)
    info = drs.describe_source_servers(filters={"sourceServerIDs": [syncing]})["items"][0][
        "dataReplicationInfo"
    ]
    assert info["dataReplicationState"] == "CONTINUOUS"


class _Collector(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def do_POST(self) -> None:
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Handler", (_Collector,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/events", received
    server.shutdown()
    server.server_close()


def test_the_webhook_sink_posts_each_event(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    with simulator_server(fleet="demo", sinks=[WebhookSink(url)]) as sim:
        drs = sim.drs_client(max_attempts=1)
        job_id = drill(drs, server_ids(drs)[0])
        finish(sim)
        launch = [e for e in received if e["detail-type"] == LAUNCH_RESULT]
        assert [e["detail"]["job-id"] for e in launch] == [job_id]


def test_the_eventbridge_sink_puts_events_that_rules_match() -> None:
    with mock_aws():
        # Given an EventBridge rule in the DRS account for its drill launch results, with an SQS target (moto)
        sqs = boto3.client(
            "sqs", region_name="us-east-1", aws_access_key_id="111122223333", aws_secret_access_key="x"
        )
        queue = sqs.create_queue(QueueName="drs-events")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
        events = boto3.client(
            "events", region_name="us-east-1", aws_access_key_id="111122223333", aws_secret_access_key="x"
        )
        pattern = {"source": ["aws.drs"], "detail-type": [LAUNCH_RESULT], "detail": {"is-drill": ["TRUE"]}}
        events.put_rule(Name="drs-launch", EventPattern=json.dumps(pattern))
        events.put_targets(Rule="drs-launch", Targets=[{"Id": "queue", "Arn": attributes["QueueArn"]}])
        # When a drill completes with the EventBridge sink on
        with simulator_server(fleet="demo", sinks=[EventBridgeSink()]) as sim:
            drs = sim.drs_client(max_attempts=1)
            job_id = drill(drs, server_ids(drs)[0])
            finish(sim)
        # Then the rule delivered the launch result to the queue
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        bodies = [json.loads(m["Body"]) for m in messages]
        assert [(b["detail-type"], b["detail"]["job-id"]) for b in bodies] == [(LAUNCH_RESULT, job_id)]


def test_random_stalls_emit_stalled_and_recovered_events_when_a_stall_rate_is_set(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    sim.simulator.set_faults(stall_rate_per_hour=0.5)
    sim.simulator.clock.advance(6 * 3600)
    sim.simulator.clear_faults()
    sim.simulator.clock.advance(3600)
    states = Counter(e["detail"]["state"] for e in sim_events(sim, REPLICATION_STALLED))
    assert states["STALLED"] > 0
    assert states["NOT_STALLED"] == states["STALLED"]


def test_a_scaled_clock_runs_jobs_and_delivers_events_without_requests() -> None:
    # Given a simulator whose clock runs 100,000x faster than real time
    arrived = threading.Event()

    def on_event(event: Event) -> None:
        if event["detail-type"] == LAUNCH_RESULT:
            arrived.set()

    with simulator_server(fleet="demo", time_scale=100_000, sinks=[CallbackSink(on_event)]) as sim:
        drs = sim.drs_client(max_attempts=1)
        # When a drill starts and nobody polls
        drill(drs, server_ids(drs)[0])
        # Then the background ticker finishes it and the sink hears the launch result
        assert arrived.wait(timeout=30)
