"""What a wave's health gate still waits for, kept in small items beside the wave's.

A gate's undecided servers are split in chunks of at most ``GATE_CHUNK`` servers of one account and
Region, one item each (``HealthGateChunk``), made when the gate starts. A poll reads these items, not
the wave's servers: a server item is read only when EC2 or SSM has news for it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from drs_orchestration.domain.models.base import CamelModel, ExecutionId, SourceServerId, WaveId
from drs_orchestration.domain.models.drs import DrsTarget

__all__ = ["GATE_CHUNK", "GateWait", "HealthGateChunk"]

GATE_CHUNK = 100


class GateWait(CamelModel):
    """One server the gate has not judged yet: its recovery instance, and the health-check command
    running on it (``None`` until one is sent)."""

    source_server_id: SourceServerId
    instance_id: Annotated[str, Field(min_length=1, max_length=64)]
    command_id: str | None = None


class HealthGateChunk(CamelModel):
    """Up to ``GATE_CHUNK`` undecided servers of one wave's health gate, all in ``target``."""

    execution_id: ExecutionId
    wave_id: WaveId
    index: Annotated[int, Field(ge=0)]
    target: DrsTarget
    waits: Annotated[list[GateWait], Field(max_length=GATE_CHUNK)] = []
