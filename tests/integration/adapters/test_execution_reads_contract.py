"""What the engine and the poll read of a run without reading every server, against both adapters:
servers by key, one wave's batches, health-gate items, and a filtered, paged server listing."""

from __future__ import annotations

from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus
from drs_orchestration.domain.models.execution import LaunchBatch, ServerState, WaveState
from drs_orchestration.domain.models.health_gate import GateWait, HealthGateChunk
from drs_orchestration.domain.models.server_listing import ServerFilter, ServerStatusFilter
from drs_orchestration.domain.ports import iterate_pages
from tests.integration.adapters.contract import HOME, NOW, REGION, TARGET, Repositories, header, sid


def _run(repositories: Repositories) -> None:
    waves = [
        WaveState(execution_id="ex-1", wave_id=wave_id, name=wave_id, position=n)
        for n, wave_id in enumerate(("w", "w-x"))
    ]
    servers = [
        ServerState(
            execution_id="ex-1",
            wave_id="w" if n < 4 else "w-x",
            source_server_id=sid(n),
            account_id=HOME if n % 2 else TARGET,
            region=REGION,
            launch_status=LaunchStatus.LAUNCHED if n in (1, 4) else None,
        )
        for n in range(6)
    ]
    repositories.executions.create(header("ex-1"), waves, servers)


def _batch(batch_id: str, wave_id: str, *servers: int) -> LaunchBatch:
    return LaunchBatch(
        execution_id="ex-1",
        batch_id=batch_id,
        wave_id=wave_id,
        source_server_ids=[sid(n) for n in servers],
        requested_at=NOW,
    )


def test_servers_are_read_by_key_only_those_named_that_exist(repositories: Repositories) -> None:
    _run(repositories)
    found = repositories.executions.get_servers_by_id(
        "ex-1", [("w-x", sid(5)), ("w", sid(2)), ("w", sid(5)), ("w", sid(9)), ("w", sid(2))]
    )
    assert [(s.wave_id, s.source_server_id) for s in found] == [("w", sid(2)), ("w-x", sid(5))]
    assert repositories.executions.get_servers_by_id("ex-1", []) == []


def test_one_waves_batches_are_its_own_when_another_waves_id_starts_with_it(
    repositories: Repositories,
) -> None:
    _run(repositories)
    executions = repositories.executions
    for batch in (_batch("w-b1", "w", 0), _batch("w-x-b2", "w-x", 4), _batch("w-b0", "w", 1)):
        executions.put_batch(batch)
    assert [b.batch_id for b in executions.get_batches("ex-1", "w")] == ["w-b0", "w-b1"]
    assert [b.batch_id for b in executions.get_batches("ex-1", "w-x")] == ["w-x-b2"]
    assert len(executions.get_batches("ex-1")) == 3


def test_gate_items_are_kept_per_wave_by_index_and_replaced_when_written_again(
    repositories: Repositories,
) -> None:
    _run(repositories)
    executions = repositories.executions
    target = DrsTarget(account_id=HOME, region=REGION)

    def chunk(wave_id: str, index: int, *servers: int) -> HealthGateChunk:
        waits = [GateWait(source_server_id=sid(n), instance_id=f"i-{n:017x}") for n in servers]
        return HealthGateChunk(execution_id="ex-1", wave_id=wave_id, index=index, target=target, waits=waits)

    executions.put_gate([chunk("w", 1, 2, 3), chunk("w", 0, 0, 1), chunk("w-x", 0, 4)])
    executions.put_gate([chunk("w", 1, 3)])
    assert executions.get_gate("ex-1", "w") == [chunk("w", 0, 0, 1), chunk("w", 1, 3)]
    assert executions.get_gate("ex-1", "w-x") == [chunk("w-x", 0, 4)]
    assert executions.get_gate("ex-1", "other") == []


def test_servers_list_by_wave_and_id_in_pages_filtered_by_wave_status_and_account(
    repositories: Repositories,
) -> None:
    _run(repositories)
    executions = repositories.executions

    def listed(where: ServerFilter) -> list[str]:
        pages = iterate_pages(lambda token: executions.list_servers("ex-1", where, limit=2, next_token=token))
        return [s.source_server_id for s in pages]

    assert listed(ServerFilter()) == [sid(n) for n in range(6)]
    assert listed(ServerFilter(wave_id="w")) == [sid(n) for n in range(4)]
    assert listed(ServerFilter(status=ServerStatusFilter.LAUNCHED)) == [sid(1), sid(4)]
    assert listed(ServerFilter(status=ServerStatusFilter.NOT_STARTED, account_id=HOME)) == [sid(3), sid(5)]
    assert listed(ServerFilter(wave_id="w", status=ServerStatusFilter.HEALTHY)) == []
