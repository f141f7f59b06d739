"""The ExecutionRunner port on Step Functions: start = StartExecution named after the execution;
steer = the API has recorded the request, so wake the run by completing its stored task token."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from drs_orchestration.adapters.stepfunctions.step_functions_waker import StepFunctionsWaker
from drs_orchestration.domain.ports import ExecutionRepository, RunnerSignal

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

__all__ = ["StepFunctionsExecutionRunner"]


class StepFunctionsExecutionRunner:
    def __init__(self, executions: ExecutionRepository, client: SFNClient, state_machine_arn: str) -> None:
        self.executions = executions
        self.client = client
        self.state_machine_arn = state_machine_arn
        self.waker = StepFunctionsWaker(client)

    def _start(self, name: str, execution_id: str) -> str:
        response = self.client.start_execution(
            stateMachineArn=self.state_machine_arn, name=name, input=json.dumps({"executionId": execution_id})
        )
        return str(response["executionArn"])

    def start(self, execution_id: str) -> str:
        try:
            return self._start(execution_id, execution_id)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise
            arn = self.state_machine_arn.replace(":stateMachine:", ":execution:")
            return f"{arn}:{execution_id}"

    def signal(self, execution_id: str, signal: RunnerSignal) -> None:
        header = self.executions.get_header(execution_id)
        if header.is_terminal:
            # A retry or skip on a finished run: a new engine run reopens it (Initialize).
            self._start(f"{execution_id}-{uuid.uuid4().hex[:12]}", execution_id)
        elif header.task_token:
            self.waker.wake(header.task_token, signal.value)
