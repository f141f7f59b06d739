"""The readiness worker on AWS: its Lambda function, invoked asynchronously with the check's id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.domain.readiness_checks import ReadinessWorkerEvent

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

__all__ = ["LambdaReadinessWorker"]


class LambdaReadinessWorker:
    """``start`` queues one asynchronous invocation (``InvocationType=Event``): Lambda accepts it at
    once (202) and runs the function outside the API request, under its own timeout."""

    def __init__(self, client: LambdaClient, function_name: str) -> None:
        self.client = client
        self.function_name = function_name

    def start(self, check_id: str) -> None:
        payload = ReadinessWorkerEvent(check_id=check_id).model_dump_json(by_alias=True)
        self.client.invoke(FunctionName=self.function_name, InvocationType="Event", Payload=payload.encode())
