"""What re-protect and the failback clean-up share: the run they act on, its servers by account and
Region, and one audit record per DRS call they make."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from pydantic import JsonValue

from drs_orchestration.domain.concurrency import bounded_map
from drs_orchestration.domain.errors import Conflict, DomainError
from drs_orchestration.domain.failback_ports import DrsCallRefused, FailbackGateway, FailbackGatewayFactory
from drs_orchestration.domain.models.audit import AuditOutcome, AuditRecord
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    ServerState,
)
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.errors import EngineUnavailable

__all__ = [
    "FailbackUnavailable",
    "ServerCall",
    "audited_call",
    "by_target",
    "failback_gateways",
    "failback_run",
    "for_each_target",
    "recorded_target",
]

RESOURCE = "execution"
T = TypeVar("T")
R = TypeVar("R")


class FailbackUnavailable(EngineUnavailable):
    """No failback gateway is configured (503)."""

    code = "FAILBACK_UNAVAILABLE"


def failback_gateways(services: Services) -> FailbackGatewayFactory:
    if services.failback is None:
        raise FailbackUnavailable("the failback operations are not configured (no DRS gateway)")
    return services.failback


def failback_run(
    services: Services, execution_id: str, operation: str, statuses: Collection[ExecutionStatus]
) -> ExecutionHeader:
    """The FAILBACK run ``execution_id`` (``NotFound``); ``Conflict`` naming why when it is another
    mode or not in one of ``statuses``."""
    header = services.executions.get_header(execution_id)
    if header.mode is not ExecutionMode.FAILBACK:
        raise Conflict(f"{operation} acts on a FAILBACK run; {execution_id} is a {header.mode.value}")
    if header.status not in statuses:
        allowed = " or ".join(sorted(status.value for status in statuses))
        raise Conflict(
            f"{operation} needs a run that ended {allowed}; {execution_id} is {header.status.value}"
        )
    return header


Targeted = dict[tuple[str, str], list[ServerState]]
"""Servers by the (account, Region) they live in."""


def recorded_target(server: ServerState) -> tuple[str | None, str | None]:
    """The account and Region the run recorded for the server (where it launched)."""
    return server.account_id, server.region


def by_target(
    servers: Sequence[ServerState],
    where: Callable[[ServerState], tuple[str | None, str | None]] = recorded_target,
) -> tuple[Targeted, list[ServerState]]:
    """The servers by the account and Region ``where`` places them; and those it places nowhere."""
    grouped: Targeted = {}
    unknown: list[ServerState] = []
    for server in servers:
        account_id, region = where(server)
        if account_id and region:
            grouped.setdefault((account_id, region), []).append(server)
        else:
            unknown.append(server)
    return grouped, unknown


def for_each_target(grouped: Targeted, act: Callable[[DrsTarget, ServerState], R]) -> list[R]:
    """``act`` on every server, at most ``DRS_CALLS_PER_TARGET`` at once per account and Region."""
    results: list[R] = []
    for (account_id, region), servers in grouped.items():
        target = DrsTarget(account_id=account_id, region=region)
        results += bounded_map(partial(act, target), servers)
    return results


@dataclass(frozen=True)
class ServerCall:
    """One DRS call on a server's behalf: audited whatever its outcome."""

    services: Services
    request: Request
    execution_id: str
    action: str

    def __call__(self, source_server_id: str, operation: str, resource_id: str, call: Callable[[], T]) -> T:
        return audited_call(self, source_server_id, operation, resource_id, call)


def audited_call(
    context: ServerCall, source_server_id: str, operation: str, resource_id: str, call: Callable[[], T]
) -> T:
    """Run ``call`` (the DRS ``operation`` on ``resource_id``), then append its audit record: SUCCEEDED,
    or FAILED with DRS's refusal (which is raised again)."""
    details: dict[str, JsonValue] = {
        "sourceServerId": source_server_id,
        "drsOperation": operation,
        "drsResourceId": resource_id,
    }
    try:
        result = call()
    except DomainError as error:
        details["error"] = error.message
        if isinstance(error, DrsCallRefused):
            details["drsError"] = error.reason
        _append(context, AuditOutcome.FAILED, details)
        raise
    _append(context, AuditOutcome.SUCCEEDED, details)
    return result


def _append(context: ServerCall, outcome: AuditOutcome, details: dict[str, JsonValue]) -> None:
    context.services.audit.append(
        AuditRecord(
            id=uuid.uuid4().hex,
            at=context.request.now,
            actor=context.request.actor,
            action=context.action,
            resource_type=RESOURCE,
            resource_id=context.execution_id,
            outcome=outcome,
            details=details,
        )
    )


def gateway(services: Services, target: DrsTarget) -> FailbackGateway:
    return failback_gateways(services).for_target(target)
