"""The readiness scan on AWS: its Lambda function, invoked asynchronously by the API on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.domain.readiness_scans import ReadinessScanEvent

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

__all__ = ["LambdaReadinessScanner"]


class LambdaReadinessScanner:
    """``start`` queues one asynchronous invocation (``InvocationType=Event``) of the scan function."""

    def __init__(self, client: LambdaClient, function_name: str) -> None:
        self.client = client
        self.function_name = function_name

    def start(self, requested_by: str) -> None:
        payload = ReadinessScanEvent(requested_by=requested_by).model_dump_json(by_alias=True)
        self.client.invoke(FunctionName=self.function_name, InvocationType="Event", Payload=payload.encode())
