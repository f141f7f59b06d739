"""Operator requests, each in its own item: acted on once, in order; retry and skip reopen dependants.
A run from the previous release (requests as timeline events, a list of those handled) is still served."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from drs_orchestration.adapters.memory.repositories import (
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
)
from drs_orchestration.domain.engine.context import EngineConfig, EnginePorts, Tick
from drs_orchestration.domain.engine.requests import apply_requests, pending_requests
from drs_orchestration.domain.engine.wake import store_task_token
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionEvent,
    ExecutionStatus,
    ServerState,
    SkipCause,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.models.operator_requests import REQUEST_EVENTS, OperatorRequest, RequestType
from tests.unit.domain.builders import T0, header, plan, server_id, wave


def _execution(repo: InMemoryExecutionRepository, **waves: WaveStatus) -> None:
    snapshot = plan(wave("db"), wave("app", "db"))
    repo.create(
        header(recovery_plan=snapshot, status=ExecutionStatus.RUNNING),
        [
            WaveState(
                execution_id="ex-1",
                wave_id=wave_id,
                name=wave_id,
                position=i,
                status=status,
                **(
                    {"reason": "dependency 'db' failed", "skip_cause": SkipCause.DEPENDENCY}
                    if status is WaveStatus.SKIPPED
                    else {}
                ),
            )
            for i, (wave_id, status) in enumerate(waves.items())
        ],
        [
            ServerState(
                execution_id="ex-1",
                wave_id="db",
                source_server_id=server_id(1),
                launch_status=LaunchStatus.LAUNCHED,
                job_id="j1",
                batch_id="b1",
            ),
            ServerState(
                execution_id="ex-1",
                wave_id="db",
                source_server_id=server_id(2),
                launch_status=LaunchStatus.FAILED,
                job_id="j1",
                batch_id="b1",
                error="boom",
            ),
        ],
    )


def _event(event_type: EventType, n: int, wave_id: str | None = None) -> ExecutionEvent:
    return ExecutionEvent(
        execution_id="ex-1",
        event_id=f"e{n}",
        at=T0 + timedelta(seconds=n),
        type=event_type,
        message="",
        wave_id=wave_id,
        actor="alice",
    )


def _request(
    repo: InMemoryExecutionRepository, request: RequestType, n: int, wave_id: str | None = None
) -> None:
    repo.add_request(
        OperatorRequest(
            execution_id="ex-1", type=request, at=T0 + timedelta(seconds=n), actor="alice", wave_id=wave_id
        ),
        _event(REQUEST_EVENTS[request], n, wave_id),
    )


def _tick(repo: InMemoryExecutionRepository) -> Tick:
    unused = cast(Any, None)
    ports = EnginePorts(
        executions=repo,
        groups=InMemoryProtectionGroupRepository(),
        drs=unused,
        targets=unused,
        notifier=unused,
    )
    loaded = repo.get_header("ex-1")
    return Tick(
        ports=ports,
        config=EngineConfig(),
        now=T0 + timedelta(hours=1),
        header=loaded,
        waves={w.wave_id: w for w in repo.get_waves("ex-1")},
        loaded_header=loaded,
    )


def _apply(repo: InMemoryExecutionRepository) -> Tick:
    tick = _tick(repo)
    apply_requests(tick, pending_requests(repo, tick.header))
    tick.save()
    return tick


def test_pause_then_resume_are_each_acted_on_once_when_requested_in_order() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.LAUNCHING, app=WaveStatus.PENDING)
    _request(repo, RequestType.PAUSE, 1)

    assert _apply(repo).header.status is ExecutionStatus.PAUSED
    _request(repo, RequestType.RESUME, 2)
    tick = _apply(repo)

    assert tick.header.status is ExecutionStatus.RUNNING
    assert repo.get_header("ex-1").request_cursor == 2
    assert pending_requests(repo, repo.get_header("ex-1")) == []


def test_retry_resets_only_failed_servers_and_reopens_skipped_dependants_when_a_wave_failed() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.FAILED, app=WaveStatus.SKIPPED)
    _request(repo, RequestType.RETRY, 1, wave_id="db")

    _apply(repo)

    servers = {s.source_server_id: s for s in repo.get_servers("ex-1")}
    assert servers[server_id(1)].launch_status is LaunchStatus.LAUNCHED
    assert servers[server_id(1)].job_id == "j1"
    failed = servers[server_id(2)]
    assert (failed.launch_status, failed.job_id, failed.batch_id, failed.error, failed.attempt) == (
        None,
        None,
        None,
        None,
        1,
    )
    waves = {w.wave_id: w for w in repo.get_waves("ex-1")}
    assert waves["db"].status is WaveStatus.LAUNCHING
    assert waves["app"].status is WaveStatus.PENDING
    assert waves["app"].skip_cause is None


def test_skip_marks_the_wave_skipped_by_the_operator_and_reopens_dependants_when_it_failed() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.FAILED, app=WaveStatus.SKIPPED)
    _request(repo, RequestType.SKIP, 1, wave_id="db")

    _apply(repo)

    waves = {w.wave_id: w for w in repo.get_waves("ex-1")}
    assert waves["db"].status is WaveStatus.SKIPPED
    assert waves["db"].skip_cause is SkipCause.OPERATOR
    assert waves["db"].reason == "skipped by alice"
    assert waves["app"].status is WaveStatus.PENDING


def test_cancel_moves_the_run_to_cancelling_when_requested_twice() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.LAUNCHING, app=WaveStatus.PENDING)
    _request(repo, RequestType.CANCEL, 1)
    _request(repo, RequestType.CANCEL, 2)

    tick = _apply(repo)

    assert tick.header.status is ExecutionStatus.CANCELLING
    assert tick.header.status_reason == "cancelled by alice"
    events = [e.type for e in repo.list_events("ex-1", limit=100).items]
    assert events.count(EventType.EXECUTION_CANCELLING) == 1
    assert events.count(EventType.CANCEL_REQUESTED) == 2


def test_requests_are_read_after_the_cursor_when_older_ones_were_acted_on() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.LAUNCHING, app=WaveStatus.PENDING)
    _request(repo, RequestType.PAUSE, 1)
    _apply(repo)
    _request(repo, RequestType.RESUME, 2)

    pending = pending_requests(repo, repo.get_header("ex-1"))

    assert [(r.sequence, r.type, r.event_id) for r in pending] == [(2, RequestType.RESUME, "e2")]


def test_a_previous_release_request_is_acted_on_once_when_its_event_was_not_handled() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.LAUNCHING, app=WaveStatus.PENDING)
    legacy = repo.get_header("ex-1").model_copy(update={"handled_requests": ["e1"]})
    repo.update_header(legacy, legacy.version)
    repo.append_event(_event(EventType.PAUSE_REQUESTED, 1))  # handled before the upgrade
    repo.append_event(_event(EventType.CANCEL_REQUESTED, 2))

    tick = _apply(repo)

    assert tick.header.status is ExecutionStatus.CANCELLING
    stored = repo.get_header("ex-1")
    assert stored.handled_requests is None
    assert pending_requests(repo, stored) == []


class _RecordingWaker:
    def __init__(self) -> None:
        self.woken: list[tuple[str, str]] = []

    def wake(self, task_token: str, reason: str) -> bool:
        self.woken.append((task_token, reason))
        return True


def test_wait_wakes_itself_when_a_request_arrived_before_its_token_was_stored() -> None:
    repo = InMemoryExecutionRepository()
    _execution(repo, db=WaveStatus.LAUNCHING, app=WaveStatus.PENDING)
    waker = _RecordingWaker()

    assert store_task_token(repo, waker, "ex-1", "token-1") is False
    _request(repo, RequestType.PAUSE, 1)
    assert store_task_token(repo, waker, "ex-1", "token-2") is True

    assert waker.woken == [("token-2", "pending operator request")]
    assert repo.get_header("ex-1").task_token == "token-2"
