"""The failback clean-up: an explicit, audited operator action on a finished FAILBACK run. For every
server of the run, the recovery instance its source RECOVERY run launched (in the recovery Region)
stops failing back (``StopFailback``, when its failback is still pending) and is disconnected from
DRS (``DisconnectRecoveryInstance``: its replication stops and DRS deletes what it created for it).
The instances themselves are not terminated: the product never terminates a RECOVERY's instances.
Calling it again reports ALREADY_CLEAN."""

from __future__ import annotations

from functools import partial

from drs_orchestration.domain.errors import Conflict, DomainError
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import TERMINAL_EXECUTION_STATUSES, ServerState
from drs_orchestration.domain.models.failback_operations import (
    CleanupResult,
    CleanupStatus,
    FailbackState,
    ServerResults,
)
from drs_orchestration.domain.services.context import Request, Services, record_audit
from drs_orchestration.domain.services.failback_operations import (
    RESOURCE,
    ServerCall,
    by_target,
    failback_run,
    for_each_target,
    gateway,
)

__all__ = ["clean_up_failback"]

_ACTION = "CleanUpFailbackServer"
_PENDING = frozenset(
    {
        FailbackState.FAILBACK_IN_PROGRESS,
        FailbackState.FAILBACK_READY_FOR_LAUNCH,
        FailbackState.FAILBACK_NOT_READY_FOR_LAUNCH,
        FailbackState.FAILBACK_ERROR,
    }
)
"""Failback states StopFailback ends (back to FAILBACK_NOT_STARTED) before the disconnect."""


def clean_up_failback(
    services: Services, request: Request, execution_id: str
) -> ServerResults[CleanupResult]:
    """Clean up after the finished FAILBACK run ``execution_id`` (``NotFound``; ``Conflict`` for
    another mode, a run still going, or a run that names no source recovery)."""
    header = failback_run(services, execution_id, "the failback clean-up", TERMINAL_EXECUTION_STATUSES)
    if header.source_execution_id is None:
        raise Conflict(f"{execution_id} names no source RECOVERY run whose instances it could clean up")
    members = {s.source_server_id for s in services.executions.get_servers(execution_id)}
    recovered = [
        s
        for s in services.executions.get_servers(header.source_execution_id)
        if s.source_server_id in members
    ]
    grouped, unknown = by_target(recovered)
    call = ServerCall(services, request, execution_id, _ACTION)
    results = for_each_target(grouped, partial(_clean_up, services, call))
    results += [
        _result(s, CleanupStatus.FAILED, "its account and Region are not recorded on the recovery run")
        for s in unknown
    ]
    missing = sorted(members - {s.source_server_id for s in recovered})
    results += [
        CleanupResult(
            source_server_id=server_id,
            recovery_instance_id=None,
            status=CleanupStatus.FAILED,
            message=f"{header.source_execution_id} did not recover this server",
        )
        for server_id in missing
    ]
    counts = {status.value: sum(r.status is status for r in results) for status in CleanupStatus}
    record_audit(services, request, "CleanUpFailback", RESOURCE, header.id, **counts)
    return ServerResults[CleanupResult](items=results)


def _result(server: ServerState, status: CleanupStatus, message: str) -> CleanupResult:
    return CleanupResult(
        source_server_id=server.source_server_id,
        recovery_instance_id=server.recovery_instance_id,
        status=status,
        message=message,
    )


def _clean_up(services: Services, call: ServerCall, target: DrsTarget, server: ServerState) -> CleanupResult:
    instance_id = server.recovery_instance_id
    if instance_id is None:
        return _result(server, CleanupStatus.ALREADY_CLEAN, "the recovery run launched no instance for it")
    drs = gateway(services, target)
    try:
        instance = drs.recovery_instances([instance_id]).get(instance_id)
        if instance is None:
            return _result(
                server, CleanupStatus.ALREADY_CLEAN, f"{instance_id} is no longer a DRS recovery instance"
            )
        if instance.disconnected:
            return _result(
                server, CleanupStatus.ALREADY_CLEAN, f"{instance_id} is already disconnected from DRS"
            )
        done = []
        if instance.failback_state in _PENDING:
            call(server.source_server_id, "StopFailback", instance_id, lambda: drs.stop_failback(instance_id))
            done.append("StopFailback")
        call(
            server.source_server_id,
            "DisconnectRecoveryInstance",
            instance_id,
            lambda: drs.disconnect_recovery_instance(instance_id),
        )
        done.append("DisconnectRecoveryInstance")
    except DomainError as error:
        return _result(server, CleanupStatus.FAILED, error.message)
    return _result(server, CleanupStatus.CLEANED_UP, f"{instance_id}: {', then '.join(done)}")
