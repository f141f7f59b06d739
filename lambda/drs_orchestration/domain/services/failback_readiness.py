"""Failback readiness of a RECOVERY run: what DRS reports about each server it brought up (its source
server, its recovery instance's failback state, the reversed source server in the origin Region),
judged by :mod:`drs_orchestration.domain.readiness_failback`. Launches nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from drs_orchestration.domain.errors import Conflict, FieldError, ValidationFailed
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionMode, ServerState
from drs_orchestration.domain.models.failback_operations import ReplicatingServer, parse_source_server_arn
from drs_orchestration.domain.readiness import PlanReadiness
from drs_orchestration.domain.readiness_checks import SYNC_SERVER_LIMIT
from drs_orchestration.domain.readiness_failback import FailbackFacts, assess_failback
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.failback_guards import FINISHED
from drs_orchestration.domain.services.failback_operations import by_target, gateway

__all__ = ["assess_failback_run", "failback_source", "validate_failback"]

SOURCE_FIELD = "sourceExecutionId"


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(name=SOURCE_FIELD, message=message)])


def failback_source(services: Services, plan_id: str, source_execution_id: str | None) -> ExecutionHeader:
    """The finished RECOVERY run of ``plan_id`` a failback would bring home: 400 naming
    ``sourceExecutionId`` when it is missing, of another plan, not a RECOVERY (no failback of a
    DRILL) or a recovery that ended FAILED or CANCELLED, as the start refuses it; 404 when it does not
    exist; 409 while it still runs."""
    if source_execution_id is None:
        raise _invalid("a FAILBACK names the RECOVERY run whose servers fail back")
    header = services.executions.get_header(source_execution_id)
    if header.plan_id != plan_id:
        raise _invalid(f"{source_execution_id} is a run of plan {header.plan_id}, not of {plan_id}")
    if header.mode is ExecutionMode.DRILL:
        raise _invalid(f"{source_execution_id} is a DRILL: only a RECOVERY fails back")
    if header.mode is not ExecutionMode.RECOVERY:
        raise _invalid(f"{source_execution_id} is a {header.mode.value}: only a RECOVERY fails back")
    if not header.is_terminal:
        raise Conflict(
            f"{source_execution_id} is {header.status.value}: a failback needs a finished recovery"
        )
    if header.status not in FINISHED:
        raise _invalid(
            f"{source_execution_id} is {header.status.value}: only a finished (SUCCEEDED or PARTIAL) "
            "RECOVERY fails back"
        )
    return header


def validate_failback(
    services: Services,
    plan_id: str,
    source_execution_id: str | None,
    point_in_time: datetime | None,
    now: datetime,
) -> PlanReadiness:
    """The failback readiness of ``plan_id``'s RECOVERY run ``source_execution_id``, answered at once
    (``Conflict`` above ``SYNC_SERVER_LIMIT`` servers: a readiness check takes those)."""
    if point_in_time is not None:
        message = "a FAILBACK brings back the recovered servers as they are now"
        raise ValidationFailed([FieldError(name="pointInTime", message=message)])
    services.plans.get(plan_id)
    source = failback_source(services, plan_id, source_execution_id)
    count = len(services.executions.get_servers(source.id))
    if count > SYNC_SERVER_LIMIT:
        raise Conflict(
            f"{source.id} has {count} servers, more than the {SYNC_SERVER_LIMIT} checked at once: start a "
            f"readiness check (POST /recovery-plans/{plan_id}/readiness-checks) and poll it"
        )
    return assess_failback_run(services, source, now)


def _reversed(services: Services, originals: Iterable[ReplicatingServer]) -> dict[str, ReplicatingServer]:
    """Original source server id -> its reversed source server in the origin Region, where listed."""
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for original in originals:
        parsed = parse_source_server_arn(original.reversed_arn or "")
        if parsed is not None:
            target, reversed_id = parsed
            wanted.setdefault((target.account_id, target.region), {})[reversed_id] = original.source_server_id
    found: dict[str, ReplicatingServer] = {}
    for (account_id, region), ids in wanted.items():
        listed = gateway(services, DrsTarget(account_id=account_id, region=region)).source_servers(list(ids))
        found.update({ids[reversed_id]: server for reversed_id, server in listed.items()})
    return found


def _target_facts(services: Services, target: DrsTarget, servers: list[ServerState]) -> list[FailbackFacts]:
    drs = gateway(services, target)
    originals = drs.source_servers([s.source_server_id for s in servers])
    instances = drs.recovery_instances([s.recovery_instance_id for s in servers if s.recovery_instance_id])
    reversed_servers = _reversed(services, originals.values())
    return [
        FailbackFacts(
            recovered=server,
            original=originals.get(server.source_server_id),
            instance=instances.get(server.recovery_instance_id or ""),
            reversed=reversed_servers.get(server.source_server_id),
        )
        for server in servers
    ]


def assess_failback_run(
    services: Services,
    source: ExecutionHeader,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> PlanReadiness:
    """Whether the servers of the RECOVERY run ``source`` can fail back now; ``progress`` is told how
    many have been checked after each account and Region."""
    grouped, unknown = by_target(services.executions.get_servers(source.id))
    facts = [FailbackFacts(recovered=server, original=None, instance=None) for server in unknown]
    for (account_id, region), servers in grouped.items():
        facts += _target_facts(services, DrsTarget(account_id=account_id, region=region), servers)
        if progress is not None:
            progress(len(facts))
    return assess_failback(source.plan_snapshot, facts, now=now)
