"""With the instance-health emulation installed, EC2 still reports each instance's own tags."""

import boto3
import pytest
from moto import mock_aws

from drs_local.instance_health import InstanceHealth
from tests.integration.accounts import use_fake_credentials


def test_each_instance_lists_exactly_its_own_tags_when_many_instances_are_tagged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_fake_credentials(monkeypatch)
    with mock_aws(), InstanceHealth().installed():
        ec2 = boto3.client("ec2")
        ids = []
        for n in range(12):
            tags = [{"Key": "Name", "Value": f"host-{n}"}, {"Key": "Index", "Value": str(n)}]
            ids.append(
                ec2.run_instances(
                    ImageId="ami-12345678",
                    MinCount=1,
                    MaxCount=1,
                    TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
                )["Instances"][0]["InstanceId"]
            )
        ec2.create_tags(Resources=[ids[3]], Tags=[{"Key": "Late", "Value": "yes"}])

        described = ec2.describe_instances(InstanceIds=ids)["Reservations"]
        tags_of = {
            i["InstanceId"]: {t["Key"]: t["Value"] for t in i["Tags"]}
            for r in described
            for i in r["Instances"]
        }
        listed = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [ids[3]]}])["Tags"]

    assert tags_of[ids[0]] == {"Name": "host-0", "Index": "0"}
    assert tags_of[ids[3]] == {"Name": "host-3", "Index": "3", "Late": "yes"}
    assert all(tags_of[i]["Index"] == str(n) for n, i in enumerate(ids))
    assert {(t["Key"], t["ResourceType"]) for t in listed} == {
        ("Name", "instance"),
        ("Index", "instance"),
        ("Late", "instance"),
    }
