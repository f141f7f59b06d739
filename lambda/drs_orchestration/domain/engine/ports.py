"""What the engine needs besides the repositories and DRS: EC2, SSM, notifications."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Protocol

from pydantic import JsonValue

from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import DrsTarget

__all__ = [
    "CommandOutcome",
    "Ec2Gateway",
    "EngineExecutionState",
    "EngineExecutions",
    "InstanceHealth",
    "NoticeKind",
    "Notification",
    "Notifier",
    "SsmGateway",
    "TargetGateways",
    "Waker",
]

PENDING_COMMAND_STATUSES = frozenset({"Pending", "InProgress", "Delayed"})
PENDING_AUTOMATION_STATUSES = frozenset(
    {"Pending", "InProgress", "Waiting", "Cancelling", "PendingApproval", "Scheduled", "RunbookInProgress"}
)


class InstanceHealth(CamelModel):
    """EC2's view of one instance: its state and the two status checks (``ok`` when passed)."""

    instance_id: str
    state: str | None
    system_status: str | None = None
    instance_status: str | None = None

    @property
    def passed(self) -> bool:
        return self.state == "running" and self.system_status == "ok" and self.instance_status == "ok"

    @property
    def hopeless(self) -> bool:
        """The instance can no longer become healthy (stopped, terminated, a failed check)."""
        return self.state in {"stopped", "stopping", "terminated", "shutting-down", None} or (
            "impaired" in {self.system_status, self.instance_status}
        )


class CommandOutcome(CamelModel):
    """One instance's result of an SSM command (``Success``, ``Failed``, ``TimedOut``, ... or pending)."""

    instance_id: str
    status: str
    output: str = ""

    @property
    def pending(self) -> bool:
        return self.status in PENDING_COMMAND_STATUSES


class Ec2Gateway(Protocol):
    def instance_health(self, instance_ids: Sequence[str]) -> dict[str, InstanceHealth]:
        """State and status checks of each instance; an unknown instance is absent."""
        ...


class SsmGateway(Protocol):
    def send_command(
        self,
        document_name: str,
        instance_ids: Sequence[str],
        parameters: Mapping[str, Sequence[str]],
        *,
        timeout_seconds: int,
        comment: str,
    ) -> str:
        """Run a command document on the instances; returns the command id. ``CommandRefused`` (with
        SSM's error code) when SSM refuses it and no command was created: e.g. ``InvalidInstanceId``
        while an instance's agent has not registered yet (one such instance refuses the whole call),
        ``AccessDeniedException``, ``InvalidDocument``; also when the health-check copy this needs
        cannot be made. Throttling and server errors are raised as they are."""
        ...

    def command_outcomes(
        self, command_id: str, instance_ids: Sequence[str], *, with_output: bool = False
    ) -> dict[str, CommandOutcome]:
        """The outcome of the command on each of these instances (an instance SSM does not list yet is
        absent: still pending), in one listing of the command however many instances it ran on. The
        output is read only ``with_output``."""
        ...

    def cancel_command(self, command_id: str, instance_ids: Sequence[str]) -> bool:
        """Best effort, never raises: ask SSM to stop the command on these instances (invocations still
        pending or running end ``Cancelled``). ``True`` when SSM took the request; ``False`` when the
        command is unknown there or SSM refused (an already finished command is taken and stays as it
        ended)."""
        ...

    def start_automation(
        self, document_name: str, parameters: Mapping[str, Sequence[str]], *, client_token: str
    ) -> str:
        """Start an Automation execution; returns its id."""
        ...

    def automation_status(self, automation_id: str) -> tuple[str, str | None]:
        """The execution's status (``Success``, ``Failed``, ...) and its failure message."""
        ...

    def stop_automation(self, automation_id: str) -> bool:
        """Best effort, never raises: ask SSM to stop the execution (it ends ``Cancelled``). ``True``
        when SSM took the request; ``False`` when it had already ended, is unknown, or SSM refused."""
        ...


class TargetGateways(Protocol):
    """EC2 and SSM in one target account and region."""

    def ec2(self, target: DrsTarget) -> Ec2Gateway: ...
    def ssm(self, target: DrsTarget) -> SsmGateway: ...


class NoticeKind(StrEnum):
    """The lifecycle messages the engine publishes."""

    STARTED = "STARTED"
    WAVE_COMPLETED = "WAVE_COMPLETED"
    WAVE_FAILED = "WAVE_FAILED"
    APPROVAL_NEEDED = "APPROVAL_NEEDED"
    PAUSED = "PAUSED"
    FINISHED = "FINISHED"
    SCHEDULED_DRILL_NOT_STARTED = "SCHEDULED_DRILL_NOT_STARTED"


class Notification(CamelModel):
    """A lifecycle message: a human subject line and a JSON body (SNS and EventBridge alike)."""

    kind: NoticeKind
    subject: str
    body: dict[str, JsonValue]


class Notifier(Protocol):
    def publish(self, notification: Notification) -> None: ...


class Waker(Protocol):
    def wake(self, task_token: str, reason: str) -> bool:
        """Complete a waiting run's task token; ``False`` when the token was already used or expired."""
        ...


class EngineExecutionState(CamelModel):
    """How a state machine execution stands: ``RUNNING``, ``SUCCEEDED``, ``FAILED``, ``TIMED_OUT``,
    ``ABORTED`` (stopped from outside); with the error and cause it ended with, if any."""

    status: str
    error: str | None = None
    cause: str | None = None

    @property
    def running(self) -> bool:
        return self.status in {"RUNNING", "PENDING_REDRIVE"}


class EngineExecutions(Protocol):
    """The state machine executions that drive runs (Step Functions on AWS)."""

    def successor(self, current: str, name: str) -> str:
        """The identifier execution ``name`` of ``current``'s state machine has (it may not exist yet)."""
        ...

    def start(self, engine_execution: str, execution_id: str) -> None:
        """Start execution ``engine_execution`` (an identifier from ``successor``) for run
        ``execution_id``; nothing happens when it was started already."""
        ...

    def state(self, engine_execution: str) -> EngineExecutionState | None:
        """How the execution stands; ``None`` when it does not exist."""
        ...
