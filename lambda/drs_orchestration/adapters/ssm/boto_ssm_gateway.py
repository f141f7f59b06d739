"""SSM Run Command (health checks and RUN_COMMAND actions) and Automation (SSM_AUTOMATION actions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from drs_orchestration.domain.engine.ports import CommandOutcome

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

__all__ = ["BotoSsmGateway"]

_OUTPUT_CHARS = 2000


class BotoSsmGateway:
    def __init__(self, client: SSMClient) -> None:
        self.client = client

    def send_command(
        self,
        document_name: str,
        instance_ids: Sequence[str],
        parameters: Mapping[str, Sequence[str]],
        *,
        timeout_seconds: int,
        comment: str,
    ) -> str:
        response = self.client.send_command(
            DocumentName=document_name,
            InstanceIds=list(instance_ids),
            Parameters={key: list(values) for key, values in parameters.items()},
            TimeoutSeconds=max(30, timeout_seconds),
            Comment=comment,
        )
        return str(response["Command"]["CommandId"])

    def command_outcomes(self, command_id: str, instance_ids: Sequence[str]) -> dict[str, CommandOutcome]:
        outcomes: dict[str, CommandOutcome] = {}
        for instance_id in instance_ids:
            try:
                result = self.client.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "InvocationDoesNotExist":
                    raise
                continue  # not registered yet: still pending
            output = (result.get("StandardOutputContent") or "") + (result.get("StandardErrorContent") or "")
            outcomes[instance_id] = CommandOutcome(
                instance_id=instance_id,
                status=str(result.get("Status", "Pending")),
                output=output[-_OUTPUT_CHARS:],
            )
        return outcomes

    def start_automation(
        self, document_name: str, parameters: Mapping[str, Sequence[str]], *, client_token: str
    ) -> str:
        response = self.client.start_automation_execution(
            DocumentName=document_name,
            Parameters={key: list(values) for key, values in parameters.items()},
            ClientToken=client_token,
        )
        return str(response["AutomationExecutionId"])

    def automation_status(self, automation_id: str) -> tuple[str, str | None]:
        execution = self.client.get_automation_execution(AutomationExecutionId=automation_id)[
            "AutomationExecution"
        ]
        return str(execution.get("AutomationExecutionStatus", "Pending")), execution.get("FailureMessage")
