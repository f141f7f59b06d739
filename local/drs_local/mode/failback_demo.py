"""Local mode only: connect the failback clients of a run's recovery instances, for the demo.

On AWS an operator boots the DRS Failback Client on each origin machine, which pairs it with its
recovery instance. Local mode has no machines to boot, so the console's demo can ask the local
runtime to do what the clients would: ``POST /local/executions/{id}/connect-failback-clients``
(Admin, the same Cognito ID token as the API) calls the DRS simulator's
``/_sim/failback-client/connect`` for every on-premises server the run recovered. ``{id}`` is a
RECOVERY run, or a FAILBACK run (then its source recovery's instances). An EC2-origin server needs
no client (its failback reverses replication), and is reported SKIPPED. The route is not part of the
API: it exists only in the local runtime, and its answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from drs_orchestration.domain.errors import NotFound
from drs_orchestration.domain.models.execution import ExecutionMode, ServerState
from drs_orchestration.domain.ports import ExecutionRepository
from drs_orchestration.handlers.api.security import parse_groups
from drs_simulator.errors import DrsError
from drs_simulator.simulator import Simulator

__all__ = ["LOCAL_ONLY_NOTE", "FailbackDemo"]

LOCAL_ONLY_NOTE = (
    "local mode connects failback clients for the demo; on AWS the DRS Failback Client is booted on "
    "each origin machine"
)
_CONNECT = re.compile(r"^/local/executions/(ex-[0-9A-Za-z][0-9A-Za-z-]{0,63})/connect-failback-clients$")
Reply = tuple[int, dict[str, Any]]
_PAIRED = frozenset({"FAILBACK_IN_PROGRESS", "FAILBACK_READY_FOR_LAUNCH", "FAILBACK_NOT_READY_FOR_LAUNCH"})


def _error(status: int, code: str, message: str) -> Reply:
    return status, {"error": {"code": code, "message": message, "fields": []}}


@dataclass
class FailbackDemo:
    """The local-only route, over the product's executions and the in-process DRS simulator."""

    executions: ExecutionRepository
    simulator: Simulator

    def handle(self, method: str, path: str, claims: dict[str, Any]) -> Reply:
        match = _CONNECT.match(path)
        if match is None:
            return _error(404, "NOT_FOUND", f"no local-mode route {path}")
        if method != "POST":
            return _error(405, "METHOD_NOT_ALLOWED", "POST only")
        if "Admin" not in parse_groups(claims.get("cognito:groups")):
            return _error(403, "FORBIDDEN", "connecting failback clients is for the Admin group")
        try:
            servers = self._recovered_servers(match.group(1))
        except NotFound as error:
            return _error(404, "NOT_FOUND", error.message)
        except ValueError as error:
            return _error(409, "CONFLICT", str(error))
        items = [self._connect(server) for server in servers]
        return 200, {"localModeOnly": True, "message": LOCAL_ONLY_NOTE, "items": items}

    def _recovered_servers(self, execution_id: str) -> list[ServerState]:
        header = self.executions.get_header(execution_id)
        if header.mode is ExecutionMode.FAILBACK and header.source_execution_id:
            header = self.executions.get_header(header.source_execution_id)
        if header.mode is not ExecutionMode.RECOVERY:
            raise ValueError(f"{execution_id} is a {header.mode.value}: only a recovery's servers fail back")
        return self.executions.get_servers(header.id)

    def _connect(self, server: ServerState) -> dict[str, Any]:
        instance_id, account, region = server.recovery_instance_id, server.account_id, server.region
        item: dict[str, Any] = {"sourceServerId": server.source_server_id, "recoveryInstanceId": instance_id}
        if instance_id is None or account is None or region is None:
            return {**item, "status": "SKIPPED", "message": "the recovery launched no instance for it"}
        instance = self.simulator.partition(account, region).instances.get(instance_id)
        if instance is not None and instance.origin == "AWS":
            message = "EC2 origin: its failback reverses replication, no failback client"
            return {**item, "status": "SKIPPED", "message": message}
        if instance is not None and instance.failback_state in _PAIRED:
            message = f"a failback client is already connected ({instance.failback_state})"
            return {**item, "status": "ALREADY_CONNECTED", "message": message}
        try:
            paired = self.simulator.connect_failback_client(account, region, instance_id)
        except DrsError as error:
            return {**item, "status": "FAILED", "message": error.message}
        state = paired.get("failback", {}).get("state")
        return {**item, "status": "CONNECTED", "message": f"failback client connected ({state})"}
