"""What every execution repository checks before it writes a new execution's items."""

from __future__ import annotations

from collections.abc import Sequence

from drs_orchestration.domain.models.execution import ExecutionHeader, ServerState, WaveState

__all__ = ["check_new_execution"]


def check_new_execution(
    header: ExecutionHeader, waves: Sequence[WaveState], servers: Sequence[ServerState]
) -> None:
    """``ValueError`` (a caller's bug, nothing written) when an item belongs to another execution or a
    wave or server is listed twice."""
    owners = {wave.execution_id for wave in waves} | {server.execution_id for server in servers}
    if owners - {header.id}:
        raise ValueError(f"items of another execution given to {header.id}")
    if len({wave.wave_id for wave in waves}) < len(waves):
        raise ValueError(f"a wave is listed twice in execution {header.id}")
    if len({server.source_server_id for server in servers}) < len(servers):
        raise ValueError(f"a server is listed twice in execution {header.id}")
