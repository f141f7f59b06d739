"""Ports: what the domain needs from the outside world. Adapters implement them (DynamoDB, DRS,
Step Functions; in-memory ones for unit tests in ``drs_orchestration.adapters.memory``).

Repository conventions, shared by every implementation:

- ``get`` raises ``NotFound``; ``create`` raises ``Conflict`` when the id already exists.
- ``update(entity, expected_version)`` stores ``entity`` with ``version = expected_version + 1`` and returns
  what it stored, or raises ``StaleVersion`` (a ``Conflict`` carrying ``current_version``) when the stored
  version differs, or ``NotFound``.
- ``delete(id, expected_version)`` raises ``NotFound`` or ``StaleVersion`` the same way.
- ``list`` pages: ``limit`` items at most, resumed from an opaque ``next_token``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from pydantic import SerializationInfo, SerializerFunctionWrapHandler, model_serializer

from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import (
    DrsJob,
    DrsTarget,
    JobLogItem,
    RecoveryInstance,
    RecoverySnapshot,
    SourceServer,
)
from drs_orchestration.domain.models.execution import (
    ExecutionEvent,
    ExecutionHeader,
    ExecutionStatus,
    LaunchBatch,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.health_gate import HealthGateChunk
from drs_orchestration.domain.models.operator_requests import OperatorRequest
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.models.server_listing import ServerFilter

__all__ = [
    "ACTIVE_JOB_HORIZON",
    "DEFAULT_PAGE_SIZE",
    "JOB_CLOCK_SKEW",
    "AccountRepository",
    "AuditRepository",
    "DrsGateway",
    "DrsGatewayFactory",
    "ExecutionRepository",
    "ExecutionRunner",
    "Page",
    "ProtectionGroupRepository",
    "RecoveryPlanRepository",
    "ReportStore",
    "RunnerSignal",
    "iterate_pages",
]

DEFAULT_PAGE_SIZE = 50

ACTIVE_JOB_HORIZON = timedelta(days=7)
"""How far back the jobs still active are looked for: longer than any wave waits for its launch
(24 h at most) with room for jobs started outside the product. An older job still active is left out
of the quota arithmetic only: DRS then refuses the launch for want of room, and it is tried again."""

JOB_CLOCK_SKEW = timedelta(minutes=5)
"""How far DRS's clock (a job's creation time) may be behind the engine's (when it asked for it)."""

T = TypeVar("T")


class Page(CamelModel, Generic[T]):
    """One page of a list: ``{"items": [...], "nextToken": "…"}``; no ``nextToken`` on the last page."""

    items: list[T]
    next_token: str | None = None

    @model_serializer(mode="wrap")
    def _omit_last_token(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("nextToken", data.get("next_token")) is None:
            data.pop("nextToken", None)
            data.pop("next_token", None)
        return data


def iterate_pages(fetch: Callable[[str | None], Page[T]]) -> Iterator[T]:
    """Every item of a paged list, page after page (never silently capped).

    ``fetch`` gets the next token (``None`` first): ``iterate_pages(lambda t: repo.list(next_token=t))``.
    """
    token: str | None = None
    while True:
        page = fetch(token)
        yield from page.items
        token = page.next_token
        if token is None:
            return


class ProtectionGroupRepository(Protocol):
    def get(self, group_id: str) -> ProtectionGroup: ...
    def list(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> Page[ProtectionGroup]:
        """Only one target account's (and region's) groups when those are given."""
        ...

    def create(self, group: ProtectionGroup) -> ProtectionGroup: ...
    def update(self, group: ProtectionGroup, expected_version: int) -> ProtectionGroup: ...
    def delete(self, group_id: str, expected_version: int | None = None) -> None: ...


class RecoveryPlanRepository(Protocol):
    def get(self, plan_id: str) -> RecoveryPlan: ...
    def list(
        self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None
    ) -> Page[RecoveryPlan]: ...
    def create(self, plan: RecoveryPlan) -> RecoveryPlan: ...
    def update(self, plan: RecoveryPlan, expected_version: int) -> RecoveryPlan: ...
    def delete(self, plan_id: str, expected_version: int | None = None) -> None: ...


class AccountRepository(Protocol):
    """Target accounts, keyed by ``accountId``."""

    def get(self, account_id: str) -> TargetAccount: ...
    def list(
        self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None
    ) -> Page[TargetAccount]: ...
    def create(self, account: TargetAccount) -> TargetAccount: ...
    def update(self, account: TargetAccount, expected_version: int) -> TargetAccount: ...
    def delete(self, account_id: str, expected_version: int | None = None) -> None: ...


class ExecutionRepository(Protocol):
    """An execution as many small items: header, waves, servers, launch batches, events."""

    def create(
        self, header: ExecutionHeader, waves: Sequence[WaveState], servers: Sequence[ServerState]
    ) -> None:
        """Write a new execution's items; ``Conflict`` if the id exists. Never half-written."""
        ...

    def get_header(self, execution_id: str) -> ExecutionHeader: ...
    def list_headers(
        self,
        *,
        plan_id: str | None = None,
        status: Sequence[ExecutionStatus] = (),
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ExecutionHeader]:
        """Newest first; one plan's when ``plan_id`` is given; only those in ``status`` when given."""
        ...

    def list_active(self, plan_id: str | None = None) -> list[ExecutionHeader]:
        """Every execution not yet in a terminal status (of one plan when ``plan_id`` is given)."""
        ...

    def update_header(self, header: ExecutionHeader, expected_version: int) -> ExecutionHeader: ...
    def get_waves(self, execution_id: str) -> list[WaveState]:
        """Every wave item, in plan order (``position``)."""
        ...

    def update_wave(self, wave: WaveState, expected_version: int) -> WaveState: ...
    def get_servers(self, execution_id: str, wave_id: str | None = None) -> list[ServerState]: ...
    def get_servers_by_id(self, execution_id: str, keys: Sequence[tuple[str, str]]) -> list[ServerState]:
        """The servers named ``(wave id, server id)`` that exist, read by key, by wave then server id."""
        ...

    def list_servers(
        self,
        execution_id: str,
        where: ServerFilter,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ServerState]:
        """The servers ``where`` matches, by wave id then server id, a page at a time."""
        ...

    def put_servers(self, servers: Sequence[ServerState]) -> None:
        """Create or replace server items (the engine is their one writer)."""
        ...

    def put_batch(self, batch: LaunchBatch) -> None: ...
    def get_batches(self, execution_id: str, wave_id: str | None = None) -> list[LaunchBatch]:
        """Every launch batch of the run, or of one wave, by batch id."""
        ...

    def get_gate(self, execution_id: str, wave_id: str) -> list[HealthGateChunk]:
        """The items of a wave's health gate, by index."""
        ...

    def put_gate(self, chunks: Sequence[HealthGateChunk]) -> None:
        """Create or replace health-gate items (the engine is their one writer)."""
        ...

    def append_event(self, event: ExecutionEvent) -> None:
        """Add a timeline entry; ``Conflict`` if its ``eventId`` exists for that execution."""
        ...

    def list_events(
        self,
        execution_id: str,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        after: str | None = None,
    ) -> Page[ExecutionEvent]:
        """Oldest first, by ``eventId``; only those whose ``eventId`` sorts after ``after`` when given
        (a key range, not a scan)."""
        ...

    def add_request(self, request: OperatorRequest, event: ExecutionEvent) -> OperatorRequest:
        """Store an operator request numbered after the run's last one (``sequence``), with the
        timeline event that shows it: both or neither. Requests are numbered in the order they are
        stored, so one the engine has not seen never gets a number below one it has. ``NotFound``
        when the run does not exist."""
        ...

    def list_requests(self, execution_id: str, *, after: int = 0) -> list[OperatorRequest]:
        """The run's operator requests numbered after ``after``, in order (a key range, not a scan)."""
        ...

    def acquire_launch_lease(self, target: DrsTarget, holder: str, *, seconds: float) -> bool:
        """Take the launch lease of ``target``'s account and Region for ``holder`` for ``seconds``
        from now, or renew it for that long when ``holder`` has it. ``False``, and nothing changes,
        while another holder's lease has not expired. "Now" is the adapter's own clock, read at the
        call (never a time the caller read earlier): a lease taken or renewed late in a long step
        still lasts ``seconds``. One item shared by every run: whoever holds it may read the active
        jobs and start jobs against the quotas those leave."""
        ...

    def release_launch_lease(self, target: DrsTarget, holder: str) -> None:
        """Give the lease up; nothing happens when ``holder`` no longer has it (it expired and
        another run took it)."""
        ...


class ReportStore(Protocol):
    """Files handed out through short-lived links (the stack's reports bucket)."""

    def publish(
        self, key: str, body: bytes, *, content_type: str, file_name: str, expires_in_seconds: int
    ) -> str:
        """Store ``body`` under ``key``; a URL that downloads it as ``file_name``, with no credentials,
        for ``expires_in_seconds``."""
        ...


class AuditRepository(Protocol):
    def append(self, record: AuditRecord) -> None: ...
    def list(
        self,
        *,
        resource_id: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[AuditRecord]:
        """Newest first; only one resource's records when ``resource_id`` is given."""
        ...


class DrsGateway(Protocol):
    """DRS in one target account and region (the adapter assumes the account's role)."""

    def list_source_servers(self) -> list[SourceServer]:
        """Every source server with its tags, replication state, lag and last launch (all pages)."""
        ...

    def launch_configuration_present(self, source_server_ids: Sequence[str]) -> dict[str, bool]:
        """Whether each server has a launch configuration (a launch template) DRS can use."""
        ...

    def start_recovery(
        self,
        source_server_ids: Sequence[str],
        *,
        is_drill: bool,
        tags: dict[str, str],
        recovery_snapshots: Mapping[str, str] | None = None,
    ) -> DrsJob:
        """One StartRecovery call; ``tags`` let a crashed caller find the job again;
        ``recovery_snapshots`` (server id -> snapshot id) launches those servers from that snapshot
        instead of the latest data. Raises ``DrsLaunchRefused`` when DRS refuses it for want of room
        (a quota, a server in an active job): no job was created."""
        ...

    def latest_recovery_snapshot(
        self, source_server_id: str, *, at_or_before: datetime
    ) -> RecoverySnapshot | None:
        """The server's latest recovery snapshot taken at or before ``at_or_before``; ``None`` when
        DRS keeps none that old. One DescribeRecoverySnapshots call (newest first, one item)."""
        ...

    def describe_jobs(self, job_ids: Sequence[str]) -> list[DrsJob]: ...
    def find_jobs_by_tag(
        self, key: str, values: Collection[str], *, since: datetime
    ) -> dict[str, list[DrsJob]]:
        """The jobs created from ``since`` on whose tag ``key`` is one of ``values``, by that value (a
        value no job carries is absent); one scan of the account and Region's jobs of that period
        however many values are asked for (older jobs are not read)."""
        ...

    def list_active_jobs(self, *, since: datetime) -> list[DrsJob]:
        """Every job of the account and region created from ``since`` on and not yet COMPLETED (for
        the quota arithmetic; older jobs are not read). Callers pass ``now - ACTIVE_JOB_HORIZON``."""
        ...

    def describe_job_log_items(self, job_id: str) -> list[JobLogItem]: ...
    def list_recovery_instances(
        self, source_server_ids: Sequence[str] | None = None
    ) -> list[RecoveryInstance]: ...
    def terminate_recovery_instances(self, recovery_instance_ids: Sequence[str]) -> DrsJob: ...

    # -- failback --------------------------------------------------------------------------------
    def describe_source_servers(self, source_server_ids: Sequence[str]) -> list[SourceServer]:
        """These source servers (one filtered DescribeSourceServers a 200 ids); an unknown id is absent."""
        ...

    def start_failback_launch(self, recovery_instance_ids: Sequence[str], *, tags: dict[str, str]) -> DrsJob:
        """One StartFailbackLaunch of recovery instances whose failback client is ready; raises
        ``DrsLaunchRefused`` when DRS refuses it for want of room (no job was created)."""
        ...

    def reverse_replication(self, recovery_instance_id: str) -> str:
        """ReverseReplication of an EC2-origin recovery instance; the reversed source server's ARN."""
        ...


class DrsGatewayFactory(Protocol):
    def for_target(self, target: DrsTarget) -> DrsGateway: ...


class RunnerSignal(StrEnum):
    """What an operator asks of a running execution; the runner wakes the engine to act on it."""

    WAKE = "WAKE"
    PAUSE = "PAUSE"
    RESUME = "RESUME"
    CANCEL = "CANCEL"


class ExecutionRunner(Protocol):
    """Starts and steers the engine run of an execution (Step Functions on AWS)."""

    def start(self, execution_id: str) -> str:
        """Start the run; returns the runner's handle for it (e.g. the state machine execution ARN)."""
        ...

    def signal(self, execution_id: str, signal: RunnerSignal) -> None: ...
