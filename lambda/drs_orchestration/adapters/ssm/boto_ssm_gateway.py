"""SSM Run Command (health checks and RUN_COMMAND actions) and Automation (SSM_AUTOMATION actions).

Given ``copy`` (outside the product's home account and Region), the product's health-check document is
sent as its content-named copy here, created on first use (see ``document_copies``); the engine keeps
naming the original. SSM refusing to run a command (or to make that copy) is ``CommandRefused`` with
SSM's error code: a client error (4xx) that is not throttling. Throttling and server errors (5xx),
which botocore's standard retries already retried, and unreachable endpoints are raised unchanged.
Stopping work is best effort: what has already ended or is unknown is not an error, and a refusal is
logged, not raised, so a timed-out gate fails as it would have.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from drs_orchestration.adapters.ssm.document_copies import DocumentContent, DocumentCopy
from drs_orchestration.domain.engine.ports import CommandOutcome
from drs_orchestration.domain.errors import CommandRefused

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

__all__ = ["BotoSsmGateway"]

_OUTPUT_CHARS = 2000
_INVOCATIONS_PER_PAGE = 50  # ListCommandInvocations' largest page
_NOT_REGISTERED_YET = frozenset({"InvalidCommandId", "InvocationDoesNotExist"})
_NOTHING_TO_CANCEL = frozenset({"InvalidCommandId", "InvalidInstanceId"})
_NOTHING_TO_STOP = frozenset(
    {"AutomationExecutionNotFoundException", "InvalidAutomationStatusUpdateException"}
)

# Client errors that mean "not now, too fast", not "no": raised as they are, never as refusals.
_THROTTLING = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "TooManyUpdates",
    }
)

logger = logging.getLogger(__name__)


def _code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return type(error).__name__


def _refusal(error: ClientError, doing: str = "") -> CommandRefused | None:
    """The domain's refusal for an SSM client error (4xx, not throttling); ``None`` for the rest."""
    response = error.response
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    code = _code(error)
    if not 400 <= status < 500 or status == 429 or code in _THROTTLING:
        return None
    message = str(response.get("Error", {}).get("Message") or code)
    return CommandRefused(code, f"{doing}{message}")


@contextmanager
def _refusals(doing: str = "") -> Iterator[None]:
    """Raise an SSM client error in the block as the domain's refusal when it is one (see ``_refusal``)."""
    try:
        yield
    except ClientError as error:
        refusal = _refusal(error, doing)
        if refusal is None:
            raise
        raise refusal from error


def _outcome(instance_id: str, invocation: Mapping[str, Any]) -> CommandOutcome:
    """An invocation as ListCommandInvocations lists it (an instance missing from it is pending)."""
    output = "".join(str(plugin.get("Output") or "") for plugin in invocation.get("CommandPlugins") or [])
    return CommandOutcome(
        instance_id=instance_id,
        status=str(invocation.get("Status") or "Pending"),
        output=output[-_OUTPUT_CHARS:],
    )


def _reraise_unless(error: ClientError, code: str) -> None:
    """Re-raise ``error`` (inside its ``except``) unless it is the expected ``code``."""
    if _code(error) != code:
        raise error


class BotoSsmGateway:
    def __init__(self, client: SSMClient, *, copy: DocumentCopy | None = None) -> None:
        self.client = client
        self.copy = copy

    def send_command(
        self,
        document_name: str,
        instance_ids: Sequence[str],
        parameters: Mapping[str, Sequence[str]],
        *,
        timeout_seconds: int,
        comment: str,
    ) -> str:
        if self.copy is not None and document_name == self.copy.copies.name:
            # Made here, inline, so only functions that send commands are granted these calls.
            copies, target = self.copy.copies, self.copy.target
            with _refusals(f"copying {document_name}: "):
                source = copies.content or copies.remember_content(
                    DocumentContent.of(copies.home().get_document(Name=copies.name))
                )
                if not copies.ready(target):
                    try:
                        self.client.get_document(Name=source.copy_name)
                    except ClientError as missing:
                        _reraise_unless(missing, "InvalidDocument")
                        try:
                            self.client.create_document(
                                Name=source.copy_name,
                                Content=source.content,
                                DocumentType=source.document_type,  # type: ignore[arg-type]  # as home has it
                                DocumentFormat=source.document_format,  # type: ignore[arg-type]
                            )
                        except ClientError as error:  # a concurrent create won the race
                            _reraise_unless(error, "DocumentAlreadyExists")
                    copies.mark_ready(target)
            document_name = source.copy_name
        with _refusals():
            response = self.client.send_command(
                DocumentName=document_name,
                InstanceIds=list(instance_ids),
                Parameters={key: list(values) for key, values in parameters.items()},
                TimeoutSeconds=max(30, timeout_seconds),
                Comment=comment,
            )
        return str(response["Command"]["CommandId"])

    def command_outcomes(
        self, command_id: str, instance_ids: Sequence[str], *, with_output: bool = False
    ) -> dict[str, CommandOutcome]:
        """One ListCommandInvocations per page of 50 invocations of the command, whatever the number
        of instances asked for; ``Details`` (the plugins' output) only ``with_output``."""
        wanted = set(instance_ids)
        outcomes: dict[str, CommandOutcome] = {}
        pages = self.client.get_paginator("list_command_invocations").paginate(
            CommandId=command_id,
            Details=with_output,
            PaginationConfig={"PageSize": _INVOCATIONS_PER_PAGE},
        )
        try:
            for page in pages:
                for invocation in page.get("CommandInvocations", []):
                    instance_id = str(invocation.get("InstanceId", ""))
                    if instance_id in wanted:
                        outcomes[instance_id] = _outcome(instance_id, invocation)
        except ClientError as error:
            if _code(error) not in _NOT_REGISTERED_YET:
                raise
            return {}  # the command is not listed yet: every invocation still pending
        return outcomes

    def cancel_command(self, command_id: str, instance_ids: Sequence[str]) -> bool:
        try:
            self.client.cancel_command(CommandId=command_id, InstanceIds=list(instance_ids))
        except (ClientError, BotoCoreError) as error:
            if _code(error) not in _NOTHING_TO_CANCEL:
                logger.warning("could not cancel command %s: %s", command_id, error)
            return False
        return True

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

    def stop_automation(self, automation_id: str) -> bool:
        try:
            self.client.stop_automation_execution(AutomationExecutionId=automation_id)
        except (ClientError, BotoCoreError) as error:
            if _code(error) not in _NOTHING_TO_STOP:
                logger.warning("could not stop automation %s: %s", automation_id, error)
            return False
        return True
