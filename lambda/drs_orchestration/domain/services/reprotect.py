"""Re-protect: after a failback, restore replication in the original (FAILOVER) direction for every
server of the run, one call for the whole run, reporting per server; calling it again reports
ALREADY_PROTECTED.

What DRS does, by the server's origin:

- **EC2 origin** (another Region or account): the failback launched the reversed source server in the
  origin Region; ``ReverseReplication`` on that failback instance starts its replication back to the
  recovery Region, into the original source server. Already protected: the failback instance
  replicates, or replication was never reversed.
- **On-premises origin**: the failback client rewrote the origin machine, whose source server then
  waits with replication ``STOPPED``; ``StartReplication`` resumes it in the FAILOVER direction. A
  server DRS reports ``DISCONNECTED`` lost its agent: it needs the AWS Replication Agent installed
  again on the failed-back machine (no API can do that), and is reported FAILED naming that.
"""

from __future__ import annotations

from functools import partial

from drs_orchestration.domain.errors import DomainError
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus, ReplicationState
from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState
from drs_orchestration.domain.models.failback_operations import (
    Origin,
    ReplicatingServer,
    ReprotectResult,
    ReprotectStatus,
    ServerResults,
    parse_source_server_arn,
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

__all__ = ["REPROTECTABLE", "reprotect_execution"]

REPROTECTABLE = frozenset({ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL})
_ACTION = "ReprotectServer"


def reprotect_execution(
    services: Services, request: Request, execution_id: str
) -> ServerResults[ReprotectResult]:
    """Re-protect every server of the FAILBACK run ``execution_id`` (``NotFound``; ``Conflict`` for
    another mode or a run that did not end SUCCEEDED or PARTIAL)."""
    header = failback_run(services, execution_id, "re-protect", REPROTECTABLE)
    grouped, unknown = by_target(services.executions.get_servers(execution_id), _protected_in)
    call = ServerCall(services, request, execution_id, _ACTION)
    results = for_each_target(grouped, partial(_reprotect, services, call))
    results += [
        _result(
            s.source_server_id, ReprotectStatus.FAILED, "its account and Region are not recorded on the run"
        )
        for s in unknown
    ]
    counts = {status.value: sum(r.status is status for r in results) for status in ReprotectStatus}
    record_audit(services, request, "ReprotectExecution", RESOURCE, header.id, **counts)
    return ServerResults[ReprotectResult](items=results)


def _protected_in(server: ServerState) -> tuple[str | None, str | None]:
    """Where the server's original source server replicates to: the Region the recovery launched it
    in, which the failback recorded (an EC2-origin server's failback ran in its origin Region)."""
    if server.failback is not None:
        return server.failback.recovery_target.account_id, server.failback.recovery_target.region
    return server.account_id, server.region


def _result(server_id: str, status: ReprotectStatus, message: str) -> ReprotectResult:
    return ReprotectResult(source_server_id=server_id, status=status, message=message)


def _reprotect(
    services: Services, call: ServerCall, target: DrsTarget, server: ServerState
) -> ReprotectResult:
    server_id = server.source_server_id
    if server.launch_status is not LaunchStatus.LAUNCHED:
        ended = server.launch_status.value if server.launch_status else "unstarted"
        reason = server.error or f"its failback ended {ended}"
        return _result(server_id, ReprotectStatus.FAILED, f"it did not fail back in this run: {reason}")
    try:
        original = gateway(services, target).source_servers([server_id]).get(server_id)
        if original is None:
            message = f"{server_id} is not a DRS source server of {target.account_id}/{target.region}"
            return _result(server_id, ReprotectStatus.FAILED, message)
        if original.origin is Origin.AWS:
            return _reprotect_ec2_origin(services, call, target, original)
        return _reprotect_on_premises(services, call, target, original)
    except DomainError as error:
        return _result(server_id, ReprotectStatus.FAILED, error.message)


def _reprotect_on_premises(
    services: Services, call: ServerCall, target: DrsTarget, original: ReplicatingServer
) -> ReprotectResult:
    server_id, state = original.source_server_id, original.replication_state
    if state is ReplicationState.DISCONNECTED:
        message = (
            "the source server is DISCONNECTED from DRS: install the AWS Replication Agent again on the "
            "failed-back server, then re-protect"
        )
        return _result(server_id, ReprotectStatus.FAILED, message)
    if state is not ReplicationState.STOPPED:
        message = f"replicates in the FAILOVER direction ({state.value if state else 'state unknown'})"
        return _result(server_id, ReprotectStatus.ALREADY_PROTECTED, message)
    started = call(
        server_id,
        "StartReplication",
        server_id,
        lambda: gateway(services, target).start_replication(server_id),
    )
    now = started.replication_state.value if started.replication_state else "starting"
    return _result(server_id, ReprotectStatus.REPROTECTED, f"StartReplication: replication is {now}")


def _reprotect_ec2_origin(
    services: Services, call: ServerCall, target: DrsTarget, original: ReplicatingServer
) -> ReprotectResult:
    server_id = original.source_server_id
    parsed = parse_source_server_arn(original.reversed_arn or "")
    if parsed is None:
        state = original.replication_state.value if original.replication_state else "state unknown"
        message = f"replication was never reversed: it replicates in the FAILOVER direction ({state})"
        return _result(server_id, ReprotectStatus.ALREADY_PROTECTED, message)
    origin, reversed_id = parsed
    origin_gateway = gateway(services, origin)
    reversed_server = origin_gateway.source_servers([reversed_id]).get(reversed_id)
    where = f"{origin.account_id}/{origin.region}"
    if reversed_server is None or reversed_server.recovery_instance_id is None:
        message = f"no failback instance of {reversed_id} in {where} to replicate from"
        return _result(server_id, ReprotectStatus.FAILED, message)
    instance_id = reversed_server.recovery_instance_id
    instance = origin_gateway.recovery_instances([instance_id]).get(instance_id)
    if instance is not None and instance.replicating:
        replicating = instance.replication_state
        message = f"failback instance {instance_id} in {where} replicates to {target.region} ({replicating})"
        return _result(server_id, ReprotectStatus.ALREADY_PROTECTED, message)
    call(
        server_id, "ReverseReplication", instance_id, lambda: origin_gateway.reverse_replication(instance_id)
    )
    message = f"ReverseReplication of {instance_id} in {where}: replicating to {target.region} again"
    return _result(server_id, ReprotectStatus.REPROTECTED, message)
