"""The poll's summary view reads the header and the wave items, and no server item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from drs_orchestration.adapters.memory import InMemoryExecutionRepository
from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ServerCounts, ServerState
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.executions import ServersView, execution_summary
from tests.unit.domain.builders import T0
from tests.unit.services.test_executions import REQUEST, services, start


class CountedReads(InMemoryExecutionRepository):
    """Counts the server reads it serves."""

    server_reads = 0

    def get_servers(self, execution_id: str, wave_id: str | None = None) -> list[ServerState]:
        self.server_reads += 1
        return super().get_servers(execution_id, wave_id)

    def get_servers_by_id(self, execution_id: str, keys: Sequence[tuple[str, str]]) -> list[ServerState]:
        self.server_reads += 1
        return super().get_servers_by_id(execution_id, keys)


@pytest.fixture
def counted() -> CountedReads:
    return CountedReads()


def _services(executions: CountedReads) -> Services:
    return replace(services(), executions=executions, runner=InMemoryExecutionRunner(executions))


def _servers(execution_id: str) -> list[ServerState]:
    return [
        ServerState(
            execution_id=execution_id,
            wave_id="db",
            source_server_id=f"s-{n:017d}",
            launch_status=LaunchStatus.LAUNCHED if n else None,
            launched_at=T0 if n else None,
        )
        for n in range(3)
    ]


def test_summary_reads_no_server_when_the_engine_counted_the_waves(counted: CountedReads) -> None:
    # Given a run whose waves carry the counts the engine keeps
    ports = _services(counted)
    execution_id = start(ports)
    counts = ServerCounts(total=3, launch={LaunchStatus.LAUNCHED: 2}, waiting=1)
    for stored in counted.get_waves(execution_id):
        counted.update_wave(stored.model_copy(update={"server_counts": counts}), stored.version)
    counted.put_servers(_servers(execution_id))

    # When the poll asks for the summary
    summary = execution_summary(ports, execution_id, REQUEST, ServersView.NONE)

    # Then it has each wave's counts, no server, and read none
    assert [(w.id, w.server_counts, w.servers) for w in summary.waves] == [
        ("db", counts, []),
        ("app", counts, []),
    ]
    assert counted.server_reads == 0


def test_summary_counts_a_wave_the_engine_has_not_counted_from_its_servers(counted: CountedReads) -> None:
    # Given a run whose wave items carry no counts (a previous release's)
    ports = _services(counted)
    execution_id = start(ports)
    counted.put_servers(_servers(execution_id))

    # When the poll asks for the summary
    summary = execution_summary(ports, execution_id, REQUEST, ServersView.NONE)

    # Then each wave is counted from its own servers
    db, app = summary.waves
    assert (db.server_counts.total, db.server_counts.launch, db.server_counts.waiting) == (
        3,
        {LaunchStatus.LAUNCHED: 2},
        1,
    )
    assert app.server_counts == ServerCounts()
