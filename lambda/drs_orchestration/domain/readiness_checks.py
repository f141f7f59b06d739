"""A stored readiness check of a plan: RUNNING while a worker checks it, then COMPLETED with the
report or FAILED with the reason; kept for ``CHECK_RETENTION`` and then expired by the store.

A plan of up to ``SYNC_SERVER_LIMIT`` servers is checked within the API request that starts it; a
larger one is checked by the readiness worker outside API Gateway's 29 s, and the console polls it.
The limit: the check makes one GetLaunchConfiguration call per server, and DRS's read throttle is
not published (the simulator models 20 requests a second per account and Region, burst 40). At
that rate 200 servers take about 10 s, a third of the 29 s, which leaves room for throttling
retries, the inventory, the recovery instances and the stores.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal, Protocol

from pydantic import Field

from drs_orchestration.domain.models.base import CamelModel, ExecutionId, Timestamp
from drs_orchestration.domain.models.execution import ExecutionMode
from drs_orchestration.domain.readiness import PlanReadiness

__all__ = [
    "CHECK_RETENTION",
    "RUN_LIMIT",
    "SYNC_SERVER_LIMIT",
    "CompletedReadinessCheck",
    "FailedReadinessCheck",
    "ReadinessCheck",
    "ReadinessCheckRepository",
    "ReadinessCheckStatus",
    "ReadinessProgress",
    "ReadinessWorker",
    "ReadinessWorkerEvent",
    "RunningReadinessCheck",
    "as_seen_at",
]

SYNC_SERVER_LIMIT = 200
"""Plans with at most this many servers are checked inside the API request (see the module doc)."""

CHECK_RETENTION = timedelta(days=7)
"""How long a check is kept after it started (the store's TTL removes it after that)."""

RUN_LIMIT = timedelta(minutes=15)
"""The worker's timeout. A RUNNING check whose worker has told nothing (neither started nor made
progress) for this long was cut short (timed out or crashed) and is reported FAILED. The worker tells
its progress every few seconds on AWS; measuring from its last word, not from the start, keeps the
rule right in local mode too, where simulated time runs faster than the work."""


class ReadinessCheckStatus(StrEnum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class ReadinessProgress(CamelModel):
    """How many of the plan's servers have been checked so far."""

    checked_servers: int = Field(ge=0)
    total_servers: int = Field(ge=0)
    updated_at: Timestamp | None = None
    """When the worker last told how far it got (``None``: not yet)."""


class _Check(CamelModel):
    id: str
    plan_id: str
    mode: ExecutionMode
    source_execution_id: ExecutionId | None = None
    """A FAILBACK's check: the RECOVERY run whose servers would fail back."""
    started_at: Timestamp
    started_by: str
    expires_at: Timestamp
    progress: ReadinessProgress


class RunningReadinessCheck(_Check):
    status: Literal[ReadinessCheckStatus.RUNNING] = ReadinessCheckStatus.RUNNING

    def completed(self, report: PlanReadiness, at: datetime) -> CompletedReadinessCheck:
        total = self.progress.total_servers
        return CompletedReadinessCheck(
            **self._common(),
            progress=ReadinessProgress(checked_servers=total, total_servers=total, updated_at=at),
            completed_at=at,
            report=report,
        )

    def failed(self, error: str, at: datetime) -> FailedReadinessCheck:
        return FailedReadinessCheck(**self._common(), progress=self.progress, completed_at=at, error=error)

    def _common(self) -> dict[str, object]:
        return self.model_dump(exclude={"status", "progress"}, by_alias=False)


class CompletedReadinessCheck(_Check):
    status: Literal[ReadinessCheckStatus.COMPLETED] = ReadinessCheckStatus.COMPLETED
    completed_at: Timestamp
    report: PlanReadiness


class FailedReadinessCheck(_Check):
    status: Literal[ReadinessCheckStatus.FAILED] = ReadinessCheckStatus.FAILED
    completed_at: Timestamp
    error: str


ReadinessCheck = Annotated[
    RunningReadinessCheck | CompletedReadinessCheck | FailedReadinessCheck, Field(discriminator="status")
]


def as_seen_at(check: ReadinessCheck, now: datetime) -> ReadinessCheck:
    """``check`` as a reader should see it at ``now``: one still RUNNING whose worker has told nothing
    for ``RUN_LIMIT`` was cut short (the worker timed out or crashed) and is FAILED."""
    if not isinstance(check, RunningReadinessCheck):
        return check
    last_word = check.progress.updated_at or check.started_at
    if now - last_word <= RUN_LIMIT:
        return check
    minutes = int(RUN_LIMIT.total_seconds() // 60)
    return check.failed(f"the check stopped: no progress for {minutes} minutes", last_word + RUN_LIMIT)


class ReadinessCheckRepository(Protocol):
    """Readiness checks, however large their report (never one item that grows with the plan)."""

    def create(self, check: ReadinessCheck) -> None:
        """Store a new check (RUNNING, or COMPLETED when it was checked at once); ``Conflict`` if the id
        exists."""
        ...

    def get(self, check_id: str) -> ReadinessCheck:
        """The check with its report; ``NotFound`` when it does not exist (or has expired)."""
        ...

    def record_progress(self, check_id: str, checked_servers: int, at: datetime) -> None:
        """How many servers a RUNNING check has checked, as of ``at``; nothing happens once it has
        ended."""
        ...

    def finish(self, check: CompletedReadinessCheck | FailedReadinessCheck) -> None:
        """End a RUNNING check as ``check`` says; ``Conflict`` when it has already ended."""
        ...


class ReadinessWorkerEvent(CamelModel):
    """What the worker is given: the check to run."""

    check_id: str = Field(pattern=r"^rc-[0-9A-Za-z]{1,64}$")


class ReadinessWorker(Protocol):
    """Runs a RUNNING check outside the request that started it (a Lambda function invoked
    asynchronously on AWS)."""

    def start(self, check_id: str) -> None: ...
