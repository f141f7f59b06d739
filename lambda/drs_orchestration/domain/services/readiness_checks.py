"""Readiness checks: started by the API, answered at once for a small plan, otherwise run by the
readiness worker while the console polls the stored check
(see :mod:`drs_orchestration.domain.readiness_checks`)."""

from __future__ import annotations

import logging
from datetime import datetime

from drs_orchestration.domain.clock import Clock
from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.models.execution import ExecutionMode
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
from drs_orchestration.domain.services.readiness_reports import assess_scope, plan_scope

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


def start_readiness_check(
    services: Services, request: Request, plan_id: str, mode: ExecutionMode
) -> ReadinessCheck:
    """Check ``plan_id`` for ``mode``: COMPLETED at once for at most ``SYNC_SERVER_LIMIT`` servers,
    otherwise RUNNING, handed to the worker (``NotFound`` for an unknown plan)."""
    store = _store(services)
    scope = plan_scope(services, plan_id)
    check = RunningReadinessCheck(
        id=new_id("rc"),
        plan_id=plan_id,
        mode=mode,
        started_at=request.now,
        started_by=request.actor,
        expires_at=request.now + CHECK_RETENTION,
        progress=ReadinessProgress(checked_servers=0, total_servers=scope.server_count),
    )
    if scope.server_count <= SYNC_SERVER_LIMIT:
        done = check.completed(assess_scope(services, scope, mode, request.now), request.now)
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
        scope = plan_scope(services, check.plan_id)
        report = assess_scope(
            services,
            scope,
            check.mode,
            clock.now(),
            lambda checked: store.record_progress(check_id, checked, clock.now()),
        )
    except NotFound as error:
        store.finish(check.failed(error.message, clock.now()))
        return
    except Exception as error:
        store.finish(check.failed(f"the check failed: {error}", clock.now()))
        raise
    try:
        store.finish(check.completed(report, clock.now()))
    except Conflict:  # the same event delivered twice, run side by side: the other run ended it
        logger.info("readiness check %s was ended by another run of it", check_id)
