"""Why a run ended as it did (``statusReason``): the first failed wave and its reason, or what made
it PARTIAL (the optional servers that failed, the waves skipped)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from drs_orchestration.domain.engine.phases import named_servers
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    ExecutionStatus,
    HealthStatus,
    ServerImpact,
    ServerState,
    WaveState,
    WaveStatus,
)

__all__ = ["status_reason"]


def _lost(server: ServerState) -> bool:
    return server.launch_status is not LaunchStatus.LAUNCHED or server.health is HealthStatus.UNHEALTHY


def _partial(waves: Sequence[WaveState], servers: Iterable[ServerState]) -> str:
    reasons = []
    lost = [s for s in servers if s.impact is ServerImpact.OPTIONAL and _lost(s)]
    if lost:
        reasons.append(
            f"{len(lost)} optional server(s) failed to launch or were unhealthy ({named_servers(lost)})"
        )
    skipped = [w for w in waves if w.status is WaveStatus.SKIPPED]
    if skipped:
        first = skipped[0]
        more = f" (and {len(skipped) - 1} more wave(s))" if len(skipped) > 1 else ""
        reasons.append(f"wave {first.name} skipped: {first.reason}{more}")
    return "; ".join(reasons)


def status_reason(
    status: ExecutionStatus, waves: Sequence[WaveState], servers: Iterable[ServerState]
) -> str | None:
    """Why a finished run has ``status``; ``waves`` in plan order. ``None`` for a SUCCEEDED run."""
    if status is ExecutionStatus.FAILED:
        failed = next((w for w in waves if w.status is WaveStatus.FAILED), None)
        return f"wave {failed.name} failed: {failed.reason}" if failed else "a wave failed"
    if status is ExecutionStatus.PARTIAL:
        return _partial(waves, servers) or None
    return None
