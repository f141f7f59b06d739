"""The EngineExecutions port on Step Functions: an execution's identifier is its ARN,
``arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from drs_orchestration.domain.engine.ports import EngineExecutionState

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

__all__ = ["StepFunctionsEngineExecutions"]


def _split(execution_arn: str) -> tuple[str, str]:
    """The state machine's ARN and the execution's name."""
    prefix, machine, name = execution_arn.rsplit(":", 2)
    if not prefix.endswith(":execution"):
        raise ValueError(f"not a state machine execution ARN: {execution_arn}")
    return f"{prefix.removesuffix(':execution')}:stateMachine:{machine}", name


class StepFunctionsEngineExecutions:
    def __init__(self, client: SFNClient) -> None:
        self.client = client

    def successor(self, current: str, name: str) -> str:
        return f"{current.rsplit(':', 1)[0]}:{name}"

    def start(self, engine_execution: str, execution_id: str) -> None:
        machine, name = _split(engine_execution)
        try:
            self.client.start_execution(
                stateMachineArn=machine, name=name, input=json.dumps({"executionId": execution_id})
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise

    def state(self, engine_execution: str) -> EngineExecutionState | None:
        try:
            described = self.client.describe_execution(executionArn=engine_execution)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return None
            raise
        return EngineExecutionState(
            status=described["status"], error=described.get("error"), cause=described.get("cause")
        )
