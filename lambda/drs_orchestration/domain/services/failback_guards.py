"""The guards of a FAILBACK: which run it fails back, and never two failbacks of one recovery at once.

A FAILBACK names ``sourceExecutionId``: a RECOVERY of the same plan that finished SUCCEEDED or
PARTIAL. Each refusal is a 400 naming the field and the reason; a failback of a recovery whose
failback still runs is a 409. The recovery run is marked with its failback by a conditional write
(the header's version) before the failback is created, so of two requests racing, one wins.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from drs_orchestration.domain.errors import Conflict, FieldError, NotFound, StaleVersion, ValidationFailed
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    StartExecutionRequest,
)
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.services.context import Services

__all__ = ["failback_source", "mark_failback"]

SOURCE = "sourceExecutionId"
FINISHED = frozenset({ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL})
MARK_GRACE = timedelta(minutes=5)
"""How long a mark whose failback does not exist yet holds: far longer than a request that marks and
then creates it may take (API Gateway ends one at 29 seconds)."""


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(name=name, message=message)])


def failback_source(
    services: Services, plan: RecoveryPlan, body: StartExecutionRequest
) -> ExecutionHeader | None:
    """The RECOVERY run a FAILBACK brings back (``None`` for a drill or recovery)."""
    if body.mode is not ExecutionMode.FAILBACK:
        if body.source_execution_id is not None:
            raise _refuse(SOURCE, "only a FAILBACK names the run it fails back")
        return None
    if body.point_in_time is not None:
        raise _refuse("pointInTime", "a FAILBACK brings back the recovered servers as they are now")
    if body.source_execution_id is None:
        raise _refuse(SOURCE, "a FAILBACK names the RECOVERY run it fails back")
    try:
        source = services.executions.get_header(body.source_execution_id)
    except NotFound:
        raise _refuse(SOURCE, f"no execution {body.source_execution_id}") from None
    if source.plan_id != plan.id:
        raise _refuse(SOURCE, f"{source.id} is a run of another plan ({source.plan_id})")
    if source.mode is not ExecutionMode.RECOVERY:
        raise _refuse(SOURCE, f"{source.id} is a {source.mode.value}: only a RECOVERY can be failed back")
    if source.status not in FINISHED:
        raise _refuse(
            SOURCE, f"{source.id} is {source.status.value}: only a finished (SUCCEEDED or PARTIAL) RECOVERY"
        )
    return source


def _running(services: Services, source: ExecutionHeader, now: datetime) -> bool:
    """Whether the failback ``source`` is marked with may still run: it runs, or it does not exist
    yet while the request that marked it may still create it (a mark older than that is left by a
    request that failed)."""
    if source.failback_execution_id is None:
        return False
    try:
        return not services.executions.get_header(source.failback_execution_id).is_terminal
    except NotFound:
        marked = source.failback_marked_at
        return marked is not None and now - marked < MARK_GRACE


def mark_failback(services: Services, source: ExecutionHeader, failback_id: str, now: datetime) -> None:
    """Mark ``source`` with its new failback, conditionally on the version read: a 409 when another
    failback of it still runs or was marked in the meantime."""
    if _running(services, source, now):
        raise Conflict(f"{source.id} is being failed back by {source.failback_execution_id}")
    try:
        services.executions.update_header(
            source.model_copy(update={"failback_execution_id": failback_id, "failback_marked_at": now}),
            source.version,
        )
    except StaleVersion:
        raise Conflict(f"{source.id} changed while its failback was requested: another one may run") from None
