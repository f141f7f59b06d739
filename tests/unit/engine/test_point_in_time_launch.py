"""Point in time in the engine: each server's snapshot is chosen once, when it is first batched, and
StartRecovery launches it from that snapshot, also when a batch is started again after a crash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from drs_orchestration.adapters.memory.drs import InMemoryDrs
from drs_orchestration.domain.engine.context import EngineConfig
from drs_orchestration.domain.engine.engine import initialize
from drs_orchestration.domain.models.drs import DrsQuotas, LaunchStatus, RecoverySnapshot
from drs_orchestration.domain.models.execution import BatchStatus, ExecutionStatus, WaveState
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, header, plan, server_id, wave
from tests.unit.engine.test_launch_lease import TARGET, Account

POINT_IN_TIME = T0 - timedelta(hours=2)


def _snapshot(n: int, taken: datetime, suffix: str) -> RecoverySnapshot:
    return RecoverySnapshot(
        snapshot_id=f"pit-{n:03d}{suffix:0>14}", source_server_id=server_id(n), taken_at=taken
    )


def _with_snapshots(drs: InMemoryDrs, servers: Sequence[int]) -> dict[str, str]:
    """Three snapshots per server: 3 h and 2 h 10 min before T0 (the second one is the pick), and one
    after the point in time; returns the expected pick of each server."""
    picks = {}
    for n in servers:
        for suffix, taken in (
            ("old", T0 - timedelta(hours=3)),
            ("pick", POINT_IN_TIME - timedelta(minutes=10)),
        ):
            drs.add_snapshot(TARGET, _snapshot(n, taken, suffix))
        drs.add_snapshot(TARGET, _snapshot(n, POINT_IN_TIME + timedelta(seconds=1), "after"))
        picks[server_id(n)] = _snapshot(n, T0, "pick").snapshot_id
    return picks


def _run(account: Account, servers: Sequence[int], *, point_in_time: datetime | None = POINT_IN_TIME) -> str:
    execution_id = "ex-pit"
    account.groups.create(group("pg-pit", source_server_ids=[server_id(n) for n in servers]))
    snapshot = plan(wave("w", groups=("pg-pit",), health_check=None), id="rp-pit")
    account.executions.create(
        header(execution_id, snapshot, point_in_time=point_in_time),
        [WaveState(execution_id=execution_id, wave_id="w", name="W", position=0)],
        [],
    )
    initialize(account.ports, account.config, execution_id, T0)
    return execution_id


def _launched_from(account: Account) -> dict[str, str]:
    return {
        server: snapshot
        for started in account.drs.launched_from.values()
        for server, snapshot in started.items()
    }


def test_each_server_launches_from_its_latest_snapshot_at_or_before_the_point_in_time() -> None:
    # Given servers with snapshots before and after the point in time
    account = Account()
    picks = _with_snapshots(account.drs, range(3))

    # When a run for that point in time goes to the end
    run = _run(account, range(3))
    account.drive([run], T0)

    # Then StartRecovery named each server's pick, and each server records it with its time
    assert account.status(run) is ExecutionStatus.SUCCEEDED
    assert _launched_from(account) == picks
    servers = {s.source_server_id: s for s in account.executions.get_servers(run)}
    assert {sid: s.recovery_snapshot_id for sid, s in servers.items()} == picks
    assert {s.snapshot_taken_at for s in servers.values()} == {POINT_IN_TIME - timedelta(minutes=10)}


def test_snapshots_are_looked_up_once_per_server_when_quotas_make_servers_wait() -> None:
    # Given five servers launched two at a time, one job at once
    account = Account()
    quotas = DrsQuotas(max_servers_per_job=2, max_concurrent_jobs=1, max_servers_in_active_jobs=2)
    account.drs = InMemoryDrs(quotas=quotas)
    account.ports = replace(account.ports, drs=account.drs)
    account.config = EngineConfig(quotas=quotas)
    picks = _with_snapshots(account.drs, range(5))
    run = _run(account, range(5))

    # When the run ticks until every server has launched
    account.drive([run], T0)

    # Then each server was looked up once, when it was batched, not on every tick
    assert account.status(run) is ExecutionStatus.SUCCEEDED
    assert account.drs.calls[((ACCOUNT, REGION), "latest_recovery_snapshot")] == 5
    assert _launched_from(account) == picks


def test_a_server_with_no_snapshot_that_old_fails_named_and_the_others_still_launch() -> None:
    # Given one server whose snapshots are all newer than the point in time
    account = Account()
    picks = _with_snapshots(account.drs, [0, 1])
    account.drs.add_snapshot(TARGET, _snapshot(2, POINT_IN_TIME + timedelta(minutes=5), "late"))
    run = _run(account, range(3))

    # When the run goes to the end
    account.drive([run], T0)

    # Then that server failed to start with the reason, in no DRS job; the others launched from theirs
    servers = {s.source_server_id: s for s in account.executions.get_servers(run)}
    missing = servers[server_id(2)]
    assert missing.launch_status is LaunchStatus.FAILED
    assert missing.error == "no recovery snapshot taken at or before 2026-01-01T10:00:00Z"
    assert missing.job_id is None
    assert server_id(2) not in account.drs.launches(TARGET)
    assert _launched_from(account) == picks
    assert account.status(run) is ExecutionStatus.FAILED


def test_a_batch_started_again_after_a_crash_launches_from_the_recorded_snapshots() -> None:
    # Given a run whose batch was recorded and then lost before DRS created its job
    account = Account()
    picks = _with_snapshots(account.drs, range(2))
    run = _run(account, range(2))
    account.tick(run, T0)
    (batch,) = account.batches(run)
    account.drs.jobs[(ACCOUNT, REGION)].clear()
    account.drs.launched_from.clear()
    account.executions.put_batch(batch.model_copy(update={"status": BatchStatus.INTENDED, "job_id": None}))
    lookups = account.drs.calls[((ACCOUNT, REGION), "latest_recovery_snapshot")]

    # When it ticks again
    account.tick(run, T0 + timedelta(seconds=30))

    # Then the batch starts from the snapshots its servers recorded, looked up no more
    assert _launched_from(account) == picks
    assert account.drs.calls[((ACCOUNT, REGION), "latest_recovery_snapshot")] == lookups


def test_a_run_without_point_in_time_launches_from_the_latest_data() -> None:
    account = Account()
    _with_snapshots(account.drs, range(2))
    run = _run(account, range(2), point_in_time=None)
    account.drive([run], T0)
    assert account.status(run) is ExecutionStatus.SUCCEEDED
    assert _launched_from(account) == {}
    assert account.drs.calls[((ACCOUNT, REGION), "latest_recovery_snapshot")] == 0
