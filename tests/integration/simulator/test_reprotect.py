"""Re-protection after a failback: an on-premises source server waits STOPPED until StartReplication;
an EC2-origin failback instance replicates back to the recovery Region after ReverseReplication."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from drs_simulator.testing import SimulatorHandle

from .conftest import drill, finish, hostname_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def _server(drs: DrsClient, server_id: str) -> Any:
    return drs.describe_source_servers(filters={"sourceServerIDs": [server_id]})["items"][0]


def _state(drs: DrsClient, server_id: str) -> str:
    return str(_server(drs, server_id)["dataReplicationInfo"]["dataReplicationState"])


def _instance_of(drs: DrsClient, server_id: str) -> Any:
    items = drs.describe_recovery_instances(filters={"sourceServerIDs": [server_id]})["items"]
    return items[0]


def _failed_back(sim: SimulatorHandle, drs: DrsClient, hostname: str) -> str:
    """Recover ``hostname``, connect a failback client, fail back; returns the source server id."""
    server_id = hostname_ids(drs)[hostname]
    drill(drs, server_id, is_drill=False)
    finish(sim)
    instance = _instance_of(drs, server_id)["recoveryInstanceID"]
    sim.control("POST", "failback-client/connect", {"recoveryInstanceID": instance})
    finish(sim)
    drs.start_failback_launch(recoveryInstanceIDs=[instance])
    finish(sim)
    return server_id


def test_an_on_premises_server_waits_stopped_after_its_failback_until_replication_starts(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    # Given an on-premises server that failed back to its origin machine
    server_id = _failed_back(sim, drs, "shop-app-01")
    assert _instance_of(drs, server_id)["failback"]["state"] == "FAILBACK_COMPLETED"
    assert _state(drs, server_id) == "STOPPED"
    assert drs.describe_recovery_snapshots(sourceServerID=server_id)["items"] == []
    # When replication is started again
    started = drs.start_replication(sourceServerID=server_id)["sourceServer"]
    # Then it initiates, and replicates continuously in the FAILOVER direction after the rescan
    assert started["dataReplicationInfo"]["dataReplicationState"] == "INITIATING"
    finish(sim)
    assert _state(drs, server_id) == "CONTINUOUS"
    assert _server(drs, server_id)["replicationDirection"] == "FAILOVER"
    with pytest.raises(drs.exceptions.ConflictException):
        drs.start_replication(sourceServerID=server_id)


def test_a_failed_failback_leaves_the_source_server_replicating(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(failback_error=True)
    server_id = _failed_back(sim, drs, "shop-app-01")
    assert _instance_of(drs, server_id)["failback"]["state"] == "FAILBACK_ERROR"
    assert _state(drs, server_id) == "CONTINUOUS"


def test_stop_replication_stops_it_and_deletes_the_snapshots(sim: SimulatorHandle, drs: DrsClient) -> None:
    server_id = hostname_ids(drs)["crm-web-01"]
    assert drs.describe_recovery_snapshots(sourceServerID=server_id)["items"]
    drs.stop_replication(sourceServerID=server_id)
    assert _state(drs, server_id) == "STOPPED"
    assert drs.describe_recovery_snapshots(sourceServerID=server_id)["items"] == []
    with pytest.raises(drs.exceptions.ConflictException):
        drs.stop_replication(sourceServerID=server_id)
    with pytest.raises(drs.exceptions.ResourceNotFoundException):
        drs.start_replication(sourceServerID="s-00000000000000000")


def test_reverse_replication_of_a_failback_instance_replicates_back_into_the_original_server(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    # Given an EC2-origin server recovered into us-east-1, reversed, and failed back into us-west-2
    original = hostname_ids(drs)["shop-web-02"]
    drill(drs, original, is_drill=False)
    finish(sim)
    recovery_instance = _instance_of(drs, original)["recoveryInstanceID"]
    reversed_arn = drs.reverse_replication(recoveryInstanceID=recovery_instance)[
        "reversedDirectionSourceServerArn"
    ]
    finish(sim)
    west = sim.drs_client(region="us-west-2", max_attempts=1)
    reversed_id = reversed_arn.rsplit("/", 1)[1]
    assert _state(west, reversed_id) == "CONTINUOUS"
    drill(west, reversed_id, is_drill=False)
    finish(sim)
    failback_instance = _instance_of(west, reversed_id)
    assert failback_instance["dataReplicationInfo"]["dataReplicationState"] == "NOT_STARTED"
    # When the failback instance's replication is reversed
    back = west.reverse_replication(recoveryInstanceID=failback_instance["recoveryInstanceID"])
    # Then it replicates into the original source server in us-east-1, which converges to CONTINUOUS
    assert back["reversedDirectionSourceServerArn"] == _server(drs, original)["arn"]
    assert _state(drs, original) == "RESCAN"
    finish(sim)
    assert _state(drs, original) == "CONTINUOUS"
    assert _server(drs, original)["replicationDirection"] == "FAILOVER"
    again = _instance_of(west, reversed_id)
    assert again["dataReplicationInfo"]["dataReplicationState"] == "CONTINUOUS"
    with pytest.raises(west.exceptions.ConflictException):
        west.reverse_replication(recoveryInstanceID=failback_instance["recoveryInstanceID"])
