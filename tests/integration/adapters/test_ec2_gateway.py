"""EC2 status checks through the gateway under moto: 100 instance ids a DescribeInstanceStatus call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_orchestration.adapters.ec2.boto_ec2_gateway import BotoEc2Gateway
from tests.integration.adapters.conftest import REGION


@pytest.fixture
def ec2(moto_environment: None) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


def test_health_of_250_instances_costs_three_calls_of_at_most_100_ids(ec2: Any) -> None:
    # Given 250 instances, one of them stopped
    reservation = ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60789", MinCount=250, MaxCount=250)
    ids = [str(i["InstanceId"]) for i in reservation["Instances"]]
    ec2.stop_instances(InstanceIds=[ids[123]])
    gateway = BotoEc2Gateway(ec2)
    calls: list[list[str]] = []
    ec2.meta.events.register(
        "provide-client-params.ec2.DescribeInstanceStatus",
        lambda params, **_: calls.append(list(params["InstanceIds"])),
    )

    # When the gateway reads their health
    health = gateway.instance_health(ids)

    # Then three calls asked for every instance once, none for more than 100
    assert sorted(len(call) for call in calls) == [50, 100, 100]
    assert sorted(i for call in calls for i in call) == sorted(ids)
    assert set(health) == set(ids)
    assert health[ids[0]].passed
    assert health[ids[123]].hopeless
