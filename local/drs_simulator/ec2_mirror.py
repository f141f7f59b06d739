"""Mirror recovery instances as EC2 instances in an EC2 endpoint (moto), so EC2/SSM calls work on them.

The recovery instance ID is the EC2 instance ID RunInstances returned. Each instance is tagged:

* ``AWSElasticDisasterRecoveryManaged = drs.amazonaws.com``
* ``AWSElasticDisasterRecoverySourceServerID = s-...``
* ``AWSElasticDisasterRecoveryJobID = drsjob-...``
* ``AWSElasticDisasterRecoveryDrill = true|false``
* ``Name`` = the source server's hostname, plus the source server's own tags when ``copyTags`` is on.

A boot failure stops the instance and tags it ``DrsSimulatorBootFailure = true``; TerminateRecoveryInstances
(and the cleanup of a replaced instance) terminates it; an "instance vanishes" fault terminates it too.
Clients use the account ID as access key. moto maps an access key it did not issue to its default
account, so by default every instance lands there, where clients with plain test credentials find it.
Given ``home_account``, only that account's instances stay in moto's default account; every other
account's go to that account itself (moto's ``x-moto-account-id`` header), where clients holding its
credentials - say from moto's STS AssumeRole of a role in it - find them, as on AWS.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3

DEFAULT_IMAGE = "ami-0a1b2c3d4e5f60789"
BOOT_FAILURE_TAG = "DrsSimulatorBootFailure"


class Ec2Mirror:
    def __init__(
        self,
        endpoint_url: str | None = None,
        image_id: str = DEFAULT_IMAGE,
        *,
        home_account: str | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.image_id = image_id
        self.home_account = home_account
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def _client(self, account: str, region: str) -> Any:
        with self._lock:
            key = (account, region)
            if key not in self._clients:
                self._clients[key] = boto3.client(
                    "ec2",
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    aws_access_key_id=account,
                    aws_secret_access_key="testing",  # noqa: S106 - local endpoints only
                )
                if self.home_account is not None and account != self.home_account:
                    self._clients[key].meta.events.register("before-sign.ec2", _in_account(account))
            return self._clients[key]

    def run_instance(self, account: str, region: str, instance_type: str, tags: dict[str, str]) -> str:
        response = self._client(account, region).run_instances(
            ImageId=self.image_id,
            InstanceType=instance_type,
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            ],
        )
        return str(response["Instances"][0]["InstanceId"])

    def terminate(self, account: str, region: str, instance_id: str) -> None:
        self._client(account, region).terminate_instances(InstanceIds=[instance_id])

    def stop(self, account: str, region: str, instance_id: str, boot_failure: bool = False) -> None:
        client = self._client(account, region)
        client.stop_instances(InstanceIds=[instance_id])
        if boot_failure:
            client.create_tags(Resources=[instance_id], Tags=[{"Key": BOOT_FAILURE_TAG, "Value": "true"}])


def _in_account(account: str) -> Any:
    def add_header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    return add_header
