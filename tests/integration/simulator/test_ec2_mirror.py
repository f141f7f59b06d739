"""Recovery instances mirrored as EC2 instances in moto: same IDs, tags, lifecycle and boot failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from drs_simulator.ec2_mirror import BOOT_FAILURE_TAG, Ec2Mirror
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, finish, server_ids

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


@pytest.fixture
def mirrored() -> Iterator[tuple[SimulatorHandle, EC2Client]]:
    with mock_aws(), simulator_server(fleet="demo", ec2_mirror=Ec2Mirror()) as sim:
        ec2 = boto3.client(
            "ec2", region_name="us-east-1", aws_access_key_id="111122223333", aws_secret_access_key="testing"
        )
        yield sim, ec2


def _instance(ec2: EC2Client, instance_id: str) -> Any:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def test_a_launched_recovery_instance_is_an_ec2_instance_tagged_with_its_server_and_job(
    mirrored: tuple[SimulatorHandle, EC2Client],
) -> None:
    sim, ec2 = mirrored
    drs = sim.drs_client(max_attempts=1)
    server = server_ids(drs)[0]
    job_id = drill(drs, server)
    finish(sim)
    recovery = drs.describe_recovery_instances()["items"][0]
    instance = _instance(ec2, recovery["recoveryInstanceID"])
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert tags["AWSElasticDisasterRecoverySourceServerID"] == server
    assert tags["AWSElasticDisasterRecoveryJobID"] == job_id
    assert tags["AWSElasticDisasterRecoveryDrill"] == "true"
    assert instance["State"]["Name"] == "running"


def test_terminate_and_replacement_terminate_the_ec2_instance(
    mirrored: tuple[SimulatorHandle, EC2Client],
) -> None:
    sim, ec2 = mirrored
    drs = sim.drs_client(max_attempts=1)
    first_server, second_server = server_ids(drs)[:2]
    drill(drs, first_server, second_server)
    finish(sim)
    by_server = {
        i["sourceServerID"]: i["recoveryInstanceID"] for i in drs.describe_recovery_instances()["items"]
    }
    drill(drs, first_server)
    drs.terminate_recovery_instances(recoveryInstanceIDs=[by_server[second_server]])
    finish(sim)
    assert _instance(ec2, by_server[first_server])["State"]["Name"] == "terminated"
    assert _instance(ec2, by_server[second_server])["State"]["Name"] == "terminated"
    replacement = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
    assert _instance(ec2, replacement)["State"]["Name"] == "running"


def test_a_boot_failure_stops_and_tags_the_ec2_instance(mirrored: tuple[SimulatorHandle, EC2Client]) -> None:
    sim, ec2 = mirrored
    drs = sim.drs_client(max_attempts=1)
    sim.simulator.set_faults(boot_failure_rate=1.0)
    drill(drs, server_ids(drs)[0])
    finish(sim)
    instance = _instance(ec2, drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"])
    assert instance["State"]["Name"] == "stopped"
    assert {"Key": BOOT_FAILURE_TAG, "Value": "true"} in instance["Tags"]


def test_the_mirror_can_target_an_ec2_endpoint_url() -> None:
    # Given a moto server (its own HTTP endpoint, as in local mode)
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    try:
        endpoint = "http://{}:{}".format(*moto_server.get_host_and_port())
        # When a drill runs with the mirror pointed at it
        with simulator_server(fleet="demo", ec2_endpoint=endpoint) as sim:
            drs = sim.drs_client(max_attempts=1)
            drill(drs, server_ids(drs)[0])
            finish(sim)
            instance_id = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
        # Then the recovery instance is an EC2 instance of that endpoint, in the DRS account
        ec2 = boto3.client(
            "ec2",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="111122223333",
            aws_secret_access_key="x",
        )
        assert _instance(ec2, instance_id)["InstanceId"] == instance_id
    finally:
        moto_server.stop()
