"""EC2 status checks of recovered instances (DescribeInstanceStatus, every state included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from drs_orchestration.domain.engine.ports import InstanceHealth

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

__all__ = ["BotoEc2Gateway"]

_CHUNK = 100


class BotoEc2Gateway:
    def __init__(self, client: EC2Client) -> None:
        self.client = client

    def instance_health(self, instance_ids: Sequence[str]) -> dict[str, InstanceHealth]:
        found: dict[str, InstanceHealth] = {}
        ids = list(dict.fromkeys(instance_ids))
        chunks = [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
        while chunks:
            chunk = chunks.pop()
            try:
                response = self.client.describe_instance_status(InstanceIds=chunk, IncludeAllInstances=True)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "InvalidInstanceID.NotFound":
                    raise
                if len(chunk) > 1:
                    # EC2 refuses the whole call for one unknown ID: ask for each, so the others are seen
                    chunks += [[one] for one in chunk]
                continue  # a vanished instance: absent from the answer, judged unhealthy
            for status in response.get("InstanceStatuses", []):
                found[status["InstanceId"]] = InstanceHealth(
                    instance_id=status["InstanceId"],
                    state=status.get("InstanceState", {}).get("Name"),
                    system_status=status.get("SystemStatus", {}).get("Status"),
                    instance_status=status.get("InstanceStatus", {}).get("Status"),
                )
        return found
