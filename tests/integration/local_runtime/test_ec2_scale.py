"""moto's EC2 with the local runtime's instance index: the same answers, without walking every
reservation to find one instance."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.ec2.models.instances import InstanceBackend

from drs_local.ec2_scale import LeanEc2
from tests.integration.accounts import use_fake_credentials

IMAGE = "ami-0a1b2c3d4e5f60789"


@pytest.fixture
def ec2(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    use_fake_credentials(monkeypatch)
    with mock_aws(), LeanEc2().installed():
        yield boto3.client("ec2")


def _run(ec2: Any, name: str) -> str:
    reservation = ec2.run_instances(
        ImageId=IMAGE,
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
    )
    return str(reservation["Instances"][0]["InstanceId"])


def test_instances_are_found_without_walking_the_reservations(
    ec2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given 30 instances, and a count of how often moto walks every reservation
    ids = [_run(ec2, f"web-{n}") for n in range(30)]
    walks: list[int] = []
    walk = InstanceBackend.all_reservations

    def counting(backend: Any, filters: Any = None) -> Any:
        walks.append(1)
        return walk(backend, filters)

    monkeypatch.setattr(InstanceBackend, "all_reservations", counting)

    # When ten more are run (each attaching its root volume, found by the instance's ID)
    ids += [_run(ec2, f"app-{n}") for n in range(10)]

    # Then none of that walked the reservations, and every instance is there as before
    assert walks == []
    monkeypatch.undo()
    described = ec2.describe_instances(InstanceIds=[ids[3], ids[-1]])["Reservations"]
    names = {i["InstanceId"]: i["Tags"] for r in described for i in r["Instances"]}
    assert names == {
        ids[3]: [{"Key": "Name", "Value": "web-3"}],
        ids[-1]: [{"Key": "Name", "Value": "app-9"}],
    }
    volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [ids[-1]]}])
    assert len(volumes["Volumes"]) == 1


def test_an_unknown_instance_still_gets_motos_error(ec2: Any) -> None:
    _run(ec2, "web-0")

    with pytest.raises(ec2.exceptions.ClientError) as raised:
        ec2.get_console_output(InstanceId="i-0123456789abcdef0")

    assert raised.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"


def test_moto_is_restored_when_uninstalled() -> None:
    before = vars(InstanceBackend)["get_instance"]
    with LeanEc2().installed():
        assert vars(InstanceBackend)["get_instance"] is not before
    assert vars(InstanceBackend)["get_instance"] is before
