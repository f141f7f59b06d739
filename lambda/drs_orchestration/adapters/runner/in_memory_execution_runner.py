"""The in-memory twin of the ExecutionRunner port, for tests.

It records every call and starts nothing by itself. A test plays the engine with ``advance``: the
execution moves only when the test says so, written through the same repository the engine uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState, WaveState
from drs_orchestration.domain.ports import ExecutionRepository, RunnerSignal

__all__ = ["InMemoryExecutionRunner", "RunnerCall"]


@dataclass(frozen=True)
class RunnerCall:
    operation: str
    execution_id: str | None = None
    signal: RunnerSignal | None = None


class InMemoryExecutionRunner:
    def __init__(self, executions: ExecutionRepository) -> None:
        self.executions = executions
        self.calls: list[RunnerCall] = []

    def start(self, execution_id: str) -> str:
        self.calls.append(RunnerCall("start", execution_id))
        return f"in-memory:{execution_id}"

    def signal(self, execution_id: str, signal: RunnerSignal) -> None:
        self.calls.append(RunnerCall("signal", execution_id, signal=signal))

    # -- the test plays the engine -------------------------------------------------------------
    def advance(
        self,
        execution_id: str,
        status: ExecutionStatus,
        *,
        at: datetime,
        waves: Sequence[WaveState] = (),
        servers: Sequence[ServerState] = (),
    ) -> None:
        """Write what the engine would: the run's status, wave items and server items."""
        header = self.executions.get_header(execution_id)
        terminal = status in {
            ExecutionStatus.SUCCEEDED,
            ExecutionStatus.FAILED,
            ExecutionStatus.PARTIAL,
            ExecutionStatus.CANCELLED,
        }
        changed = header.model_copy(
            update={
                "status": status,
                "started_at": header.started_at or at,
                "ended_at": at if terminal else None,
            }
        )
        self.executions.update_header(changed, header.version)
        stored = {wave.wave_id: wave for wave in self.executions.get_waves(execution_id)}
        for wave in waves:
            self.executions.update_wave(wave, stored[wave.wave_id].version)
        if servers:
            self.executions.put_servers(servers)
