"""Readiness checks: started by the API, answered at once for a small plan, otherwise run by the
readiness worker while the console polls the stored check
(see :mod:`drs_orchestration.domain.readiness_checks`)."""

from __future__ import annotations

import logging
from datetime import datetime

from drs_orchestration.domain.clock import Clock
from drs_orchestration.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from drs_orchestration.domain.models.execution import ExecutionMode
from drs_orchestration.domain.readiness import PlanReadiness
from drs_orchestration.domain.readiness_checks import (
    CHECK_RETENTION,
    SYNC_SERVER_LIMIT,
    ReadinessCheck,
    ReadinessCheckRepository,
    ReadinessProgress,
    ReadinessWorker,
    RunningReadinessCheck,
    as_seen_at,
)
from drs_orchestration.domain.services.context import Request, Services, new_id
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.domain.services.failback_readiness import (
    SOURCE_FIELD,
    assess_failback_run,
    failback_source,
)
from drs_orchestration.domain.services.readiness_reports import Progress, assess_scope, plan_scope

__all__ = [
    "ReadinessWorkerUnavailable",
    "get_readiness_check",
    "run_readiness_check",
    "start_readiness_check",
]

logger = logging.getLogger(__name__)

_RESOURCE = "readiness check"


class ReadinessWorkerUnavailable(EngineUnavailable):
    """No readiness worker (or store) is configured to check a large plan (503)."""

    code = "READINESS_WORKER_UNAVAILABLE"


def _store(services: Services) -> ReadinessCheckRepository:
    if services.readiness_checks is None:
        raise ReadinessWorkerUnavailable("readiness checks are not configured (no store)")
    return services.readiness_checks


def _worker(services: Services) -> ReadinessWorker:
    if services.readiness_worker is None:
        raise ReadinessWorkerUnavailable("no readiness worker is configured to check a large plan")
    return services.readiness_worker


def _server_count(services: Services, plan_id: str, mode: ExecutionMode, source_id: str | None) -> int:
    """How many servers a check of ``plan_id`` for ``mode`` covers (a failback: those of its source run)."""
    if mode is ExecutionMode.FAILBACK:
        services.plans.get(plan_id)
        source = failback_source(services, plan_id, source_id)
        return len(services.executions.get_servers(source.id))
    if source_id is not None:
        raise ValidationFailed(
            [FieldError(name=SOURCE_FIELD, message="only a FAILBACK check names a source run")]
        )
    return plan_scope(services, plan_id).server_count


def _assess(
    services: Services, check: RunningReadinessCheck, now: datetime, progress: Progress | None = None
) -> PlanReadiness:
    if check.mode is ExecutionMode.FAILBACK:
        source = failback_source(services, check.plan_id, check.source_execution_id)
        return assess_failback_run(services, source, now, progress)
    return assess_scope(services, plan_scope(services, check.plan_id), check.mode, now, progress)


def start_readiness_check(
    services: Services,
    request: Request,
    plan_id: str,
    mode: ExecutionMode,
    source_execution_id: str | None = None,
) -> ReadinessCheck:
    """Check ``plan_id`` for ``mode`` (a FAILBACK: of the RECOVERY run ``source_execution_id``):
    COMPLETED at once for at most ``SYNC_SERVER_LIMIT`` servers, otherwise RUNNING, handed to the
    worker (``NotFound`` for an unknown plan)."""
    store = _store(services)
    server_count = _server_count(services, plan_id, mode, source_execution_id)
    check = RunningReadinessCheck(
        id=new_id("rc"),
        plan_id=plan_id,
        mode=mode,
        source_execution_id=source_execution_id,
        started_at=request.now,
        started_by=request.actor,
        expires_at=request.now + CHECK_RETENTION,
        progress=ReadinessProgress(checked_servers=0, total_servers=server_count),
    )
    if server_count <= SYNC_SERVER_LIMIT:
        done = check.completed(_assess(services, check, request.now), request.now)
        store.create(done)
        return done
    worker = _worker(services)
    store.create(check)
    try:
        worker.start(check.id)
    except Exception as error:
        store.finish(check.failed(f"the readiness worker did not take the check: {error}", request.now))
        raise ReadinessWorkerUnavailable("the readiness worker did not take the check") from error
    return check


def get_readiness_check(services: Services, plan_id: str, check_id: str, now: datetime) -> ReadinessCheck:
    """The check as it stands at ``now`` (``NotFound`` when ``plan_id`` has no such check)."""
    check = _store(services).get(check_id)
    if check.plan_id != plan_id:
        raise NotFound(_RESOURCE, check_id)
    return as_seen_at(check, now)


def run_readiness_check(services: Services, check_id: str, clock: Clock) -> None:
    """The worker's job: check the plan, telling progress, then store the report (or why it failed).

    A check that has already ended is left as it is (an event delivered twice)."""
    store = _store(services)
    check = store.get(check_id)
    if not isinstance(check, RunningReadinessCheck):
        logger.info("readiness check %s has already ended (%s)", check_id, check.status)
        return
    try:
        report = _assess(
            services,
            check,
            clock.now(),
            lambda checked: store.record_progress(check_id, checked, clock.now()),
        )
    except (NotFound, ValidationFailed, Conflict) as error:
        store.finish(check.failed(error.message, clock.now()))
        return
    except Exception as error:
        store.finish(check.failed(f"the check failed: {error}", clock.now()))
        raise
    try:
        store.finish(check.completed(report, clock.now()))
    except Conflict:  # the same event delivered twice, run side by side: the other run ended it
        logger.info("readiness check %s was ended by another run of it", check_id)
