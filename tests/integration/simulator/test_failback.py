"""Failback: failback client, StartFailbackLaunch, StopFailback, disconnect/delete, reverse replication."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from drs_simulator.events import FAILBACK_STATE
from drs_simulator.testing import SimulatorHandle

from .conftest import drill, finish, hostname_ids, job, sim_events

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def _recovered(sim: SimulatorHandle, drs: DrsClient, hostname: str = "shop-app-01") -> str:
    drill(drs, hostname_ids(drs)[hostname], is_drill=False)
    finish(sim)
    return str(drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"])


def _failback_state(drs: DrsClient, instance_id: str) -> str:
    items = drs.describe_recovery_instances(filters={"recoveryInstanceIDs": [instance_id]})["items"]
    return str(items[0]["failback"]["state"])


def test_a_failback_runs_from_client_connection_to_completion(sim: SimulatorHandle, drs: DrsClient) -> None:
    # Given a recovered server and a failback client paired with its recovery instance
    instance = _recovered(sim, drs)
    assert _failback_state(drs, instance) == "FAILBACK_NOT_STARTED"
    sim.control("POST", "failback-client/connect", {"recoveryInstanceID": instance})
    assert _failback_state(drs, instance) == "FAILBACK_IN_PROGRESS"
    finish(sim)
    assert _failback_state(drs, instance) == "FAILBACK_READY_FOR_LAUNCH"
    # When the failback is launched
    launched = drs.start_failback_launch(recoveryInstanceIDs=[instance])["job"]
    assert (launched["type"], launched["initiatedBy"]) == ("LAUNCH", "FAILBACK")
    finish(sim)
    # Then the job completes and the failback is COMPLETED, with state-change events on the way
    assert job(drs, launched["jobID"])["status"] == "COMPLETED"
    assert _failback_state(drs, instance) == "FAILBACK_COMPLETED"
    states = [e["detail"]["state"] for e in sim_events(sim, FAILBACK_STATE)]
    assert states == ["FAILBACK_IN_PROGRESS", "FAILBACK_COMPLETED"]


def test_a_failback_error_is_reported_when_injected(sim: SimulatorHandle, drs: DrsClient) -> None:
    instance = _recovered(sim, drs)
    sim.control("POST", "failback-client/connect", {"recoveryInstanceID": instance})
    finish(sim)
    sim.simulator.set_faults(failback_error=True)
    drs.start_failback_launch(recoveryInstanceIDs=[instance])
    finish(sim)
    assert _failback_state(drs, instance) == "FAILBACK_ERROR"


def test_a_failback_launch_is_a_conflict_when_not_ready(sim: SimulatorHandle, drs: DrsClient) -> None:
    instance = _recovered(sim, drs)
    with pytest.raises(drs.exceptions.ConflictException):
        drs.start_failback_launch(recoveryInstanceIDs=[instance])


def test_stop_failback_returns_to_not_started(sim: SimulatorHandle, drs: DrsClient) -> None:
    instance = _recovered(sim, drs)
    sim.control("POST", "failback-client/connect", {"recoveryInstanceID": instance})
    drs.stop_failback(recoveryInstanceID=instance)
    assert _failback_state(drs, instance) == "FAILBACK_NOT_STARTED"
    with pytest.raises(drs.exceptions.ResourceNotFoundException):
        drs.stop_failback(recoveryInstanceID="i-0123456789abcdef0")


def test_a_recovery_instance_is_deleted_only_after_it_is_disconnected(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    instance = _recovered(sim, drs)
    with pytest.raises(drs.exceptions.ConflictException):
        drs.delete_recovery_instance(recoveryInstanceID=instance)
    drs.disconnect_recovery_instance(recoveryInstanceID=instance)
    drs.delete_recovery_instance(recoveryInstanceID=instance)
    assert drs.describe_recovery_instances()["items"] == []


def test_reverse_replication_creates_a_failback_source_server_in_the_origin_region(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    # Given an EC2-origin server (from us-west-2) recovered into us-east-1
    instance = _recovered(sim, drs, "shop-web-02")
    # When replication is reversed
    arn = drs.reverse_replication(recoveryInstanceID=instance)["reversedDirectionSourceServerArn"]
    # Then us-west-2 has a FAILBACK source server replicating from the recovery instance
    west = sim.drs_client(region="us-west-2", max_attempts=1)
    server = west.describe_source_servers()["items"][0]
    assert server["arn"] == arn
    assert arn.startswith("arn:aws:drs:us-west-2:111122223333:source-server/s-")
    assert server["replicationDirection"] == "FAILBACK"
    assert server["sourceProperties"]["identificationHints"]["awsInstanceID"] == instance
    original = drs.describe_source_servers(filters={"sourceServerIDs": [hostname_ids(drs)["shop-web-02"]]})
    assert original["items"][0]["reversedDirectionSourceServerArn"] == arn
    with pytest.raises(drs.exceptions.ConflictException):
        drs.reverse_replication(recoveryInstanceID=instance)


def test_reverse_replication_is_a_conflict_for_an_on_premises_server(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    instance = _recovered(sim, drs)
    with pytest.raises(drs.exceptions.ConflictException):
        drs.reverse_replication(recoveryInstanceID=instance)
