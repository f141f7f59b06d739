"""What both gates share: their outcome, and a wave's recovered instances by target."""

from __future__ import annotations

from enum import Enum

from drs_orchestration.domain.engine.context import Tick, target_key, target_of
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus
from drs_orchestration.domain.models.execution import ServerState

__all__ = ["NO_HEALTH_DOCUMENT", "SEND_COMMAND_MAX_TARGETS", "Gate", "TargetServers", "instances"]

SEND_COMMAND_MAX_TARGETS = 50
NO_HEALTH_DOCUMENT = "EC2 status checks only: no health-check document is configured"


class Gate(Enum):
    DONE = "done"
    RUNNING = "running"
    FAILED = "failed"


TargetServers = tuple[DrsTarget, list[ServerState]]


def instances(tick: Tick, wave_id: str) -> list[TargetServers]:
    """Launched servers of a wave with a recovery instance, by target (in the wave's order)."""
    grouped: dict[str, TargetServers] = {}
    for server in tick.wave_servers(wave_id):
        if server.launch_status is LaunchStatus.LAUNCHED and server.recovery_instance_id:
            target = target_of(server)
            grouped.setdefault(target_key(target), (target, []))[1].append(server)
    return list(grouped.values())
