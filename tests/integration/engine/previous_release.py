"""Runs as the previous release left them in DynamoDB, and the engine around them (no state machine).

The previous release kept a wave's in-flight work in an ``actionRef`` string, each DRS job's target
as an ``accountId/region`` string in the header's ``activeJobs``, and operator requests only as
timeline events, with the ids of those acted on in the header's ``handledRequests``. These helpers
write such items raw, as its adapter wrote them, and drive the current engine over them on a manual
clock: DRS is the in-memory twin, SSM and EC2 are small fakes that answer what a test set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3

from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.memory.drs import InMemoryDrs
from drs_orchestration.adapters.memory.repositories import InMemoryProtectionGroupRepository
from drs_orchestration.domain.engine.context import EngineConfig, EnginePorts
from drs_orchestration.domain.engine.engine import StepResult, advance, finalize
from drs_orchestration.domain.engine.invocations import InvocationResult
from drs_orchestration.domain.engine.ports import CommandOutcome, InstanceHealth, Notification
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionStatus, ServerState
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from tests.unit.domain.builders import ACCOUNT, REGION, T0

TARGET = DrsTarget(account_id=ACCOUNT, region=REGION)
OLD_TARGET_KEY = f"{ACCOUNT}/{REGION}"
"""How the previous release named a target in stored state."""


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


@dataclass
class FakeSsm:
    """SSM as a test sets it: automation statuses and per-command outcomes (``Success`` unless set)."""

    automations: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    sent: list[tuple[str, list[str]]] = field(default_factory=list)
    started: list[str] = field(default_factory=list)

    def send_command(
        self,
        document_name: str,
        instance_ids: Sequence[str],
        parameters: Mapping[str, Sequence[str]],
        *,
        timeout_seconds: int,
        comment: str,
    ) -> str:
        self.sent.append((document_name, list(instance_ids)))
        return f"cmd-new-{len(self.sent)}"

    def command_outcomes(
        self, command_id: str, instance_ids: Sequence[str], *, with_output: bool = False
    ) -> dict[str, CommandOutcome]:
        status = self.outcomes.get(command_id, "Success")
        return {i: CommandOutcome(instance_id=i, status=status) for i in instance_ids}

    def cancel_command(self, command_id: str, instance_ids: Sequence[str]) -> bool:
        return True

    def start_automation(
        self, document_name: str, parameters: Mapping[str, Sequence[str]], *, client_token: str
    ) -> str:
        self.started.append(document_name)
        return f"auto-new-{len(self.started)}"

    def automation_status(self, automation_id: str) -> tuple[str, str | None]:
        return self.automations.get(automation_id, "Success"), None

    def stop_automation(self, automation_id: str) -> bool:
        return True


class PassingEc2:
    def instance_health(self, instance_ids: Sequence[str]) -> dict[str, InstanceHealth]:
        return {
            i: InstanceHealth(instance_id=i, state="running", system_status="ok", instance_status="ok")
            for i in instance_ids
        }


@dataclass
class FakeTargets:
    ssm_gateway: FakeSsm = field(default_factory=FakeSsm)

    def ec2(self, target: DrsTarget) -> PassingEc2:
        return PassingEc2()

    def ssm(self, target: DrsTarget) -> FakeSsm:
        return self.ssm_gateway


class Published:
    def __init__(self) -> None:
        self.messages: list[Notification] = []

    def publish(self, notification: Notification) -> None:
        self.messages.append(notification)


class PreviousRelease:
    """One executions table holding runs written by the previous release, and the current engine."""

    def __init__(self, table_name: str) -> None:
        self.client = boto3.client("dynamodb", region_name=REGION)
        self.table_name = table_name
        self.executions = DynamoDBExecutionRepository(self.client, table_name)
        self.groups = InMemoryProtectionGroupRepository()
        self.drs = InMemoryDrs()
        self.targets = FakeTargets()
        self.ports = EnginePorts(
            executions=self.executions,
            groups=self.groups,
            drs=self.drs,
            targets=self.targets,
            notifier=Published(),
        )
        self.config = EngineConfig()

    # -- raw items, as the previous release wrote them --------------------------------------------
    def _put(self, item: dict[str, Any]) -> None:
        self.client.put_item(TableName=self.table_name, Item=item)

    def write_header(
        self,
        execution_id: str,
        snapshot: RecoveryPlan,
        *,
        status: ExecutionStatus,
        handled_requests: Sequence[str] = (),
        active_jobs: Mapping[str, str] | None = None,
    ) -> None:
        doc = {
            "id": execution_id,
            "planId": snapshot.id,
            "planVersion": snapshot.version,
            "planName": snapshot.name,
            "mode": "DRILL",
            "status": status.value,
            "statusReason": None,
            "createdAt": _stamp(T0),
            "startedAt": _stamp(T0),
            "endedAt": None,
            "startedBy": "operator",
            "planSnapshot": snapshot.to_json(),
            "drillExpiresAt": None,
            "version": 5,
            "taskToken": None,
            "handledRequests": list(handled_requests),
            "activeJobs": dict(active_jobs or {}),
            "instancesTerminatedAt": None,
        }
        self._put(
            {
                "pk": {"S": execution_id},
                "sk": {"S": "HEADER"},
                "kind": {"S": "EXECUTION"},
                "planId": {"S": snapshot.id},
                "startedAt": {"S": _stamp(T0)},
                "status": {"S": status.value},
                "version": {"N": "5"},
                "doc": {"S": json.dumps(doc)},
                "active": {"S": "ACTIVE"},
            }
        )

    def write_wave(
        self,
        execution_id: str,
        wave_id: str,
        *,
        status: str,
        action_ref: str | None,
        action_index: int = 0,
        launched: bool = False,
    ) -> None:
        doc = {
            "executionId": execution_id,
            "waveId": wave_id,
            "name": wave_id.title(),
            "position": 0,
            "status": status,
            "reason": None,
            "skipCause": None,
            "startedAt": None if status == "PENDING" else _stamp(T0),
            "launchedAt": _stamp(T0) if launched else None,
            "healthyAt": None,
            "endedAt": None,
            "version": 3,
            "approvedAt": None,
            "phaseStartedAt": _stamp(T0),
            "actionIndex": action_index,
            "actionRef": action_ref,
            "actionStartedAt": _stamp(T0) if action_ref else None,
        }
        self._put(
            {
                "pk": {"S": execution_id},
                "sk": {"S": f"WAVE#0000#{wave_id}"},
                "version": {"N": "3"},
                "doc": {"S": json.dumps(doc)},
            }
        )

    def write_server(self, server: ServerState) -> None:
        self._put(
            {
                "pk": {"S": server.execution_id},
                "sk": {"S": f"SERVER#{server.wave_id}#{server.source_server_id}"},
                "doc": {"S": server.model_dump_json()},
            }
        )

    def write_batch(self, execution_id: str, batch: dict[str, Any]) -> None:
        self._put(
            {
                "pk": {"S": execution_id},
                "sk": {"S": f"BATCH#{batch['batchId']}"},
                "doc": {"S": json.dumps(batch)},
            }
        )

    def write_request_event(
        self, execution_id: str, event_id: str, event_type: str, *, wave_id: str | None = None
    ) -> None:
        """An operator request as the previous release's API recorded it: a timeline event only."""
        doc = {
            "executionId": execution_id,
            "eventId": event_id,
            "at": _stamp(T0 + timedelta(seconds=1)),
            "type": event_type,
            "message": f"{event_type.lower()} requested",
            "waveId": wave_id,
            "sourceServerId": None,
            "actor": "alice",
            "details": {},
        }
        self._put(
            {"pk": {"S": execution_id}, "sk": {"S": f"EVENT#{event_id}"}, "doc": {"S": json.dumps(doc)}}
        )

    def raw_wave(self, execution_id: str, wave_id: str) -> dict[str, Any]:
        key = {"pk": {"S": execution_id}, "sk": {"S": f"WAVE#0000#{wave_id}"}}
        return dict(self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True)["Item"])

    # -- the current engine ---------------------------------------------------------------------
    def tick(self, execution_id: str, now: datetime, result: InvocationResult | None = None) -> StepResult:
        step = advance(self.ports, self.config, execution_id, now, result)
        if step.done:
            finalize(self.ports, self.config, execution_id, now)
        return step

    def drive(self, execution_id: str, start: datetime, ticks: int = 30) -> ExecutionHeader:
        """Advance the run until it ends, DRS finishing each job after the tick that started it."""
        now = start
        for _ in range(ticks):
            step = self.tick(execution_id, now)
            if step.done:
                return self.executions.get_header(execution_id)
            self.drs.finish_jobs(TARGET)
            now += timedelta(seconds=step.wait_seconds)
        raise AssertionError(
            f"run {execution_id} did not end: {self.executions.get_header(execution_id).status}"
        )
