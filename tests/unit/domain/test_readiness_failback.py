"""Failback readiness per server, by origin, and the bounded look-ups the failback operations use."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from drs_orchestration.domain.concurrency import bounded_map
from drs_orchestration.domain.models.drs import LaunchStatus, ReplicationState
from drs_orchestration.domain.models.execution import ServerImpact, ServerState
from drs_orchestration.domain.models.failback_operations import (
    FailbackInstance,
    FailbackState,
    Origin,
    ReplicatingServer,
    parse_source_server_arn,
)
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.readiness import Verdict
from drs_orchestration.domain.readiness_failback import FailbackFacts, assess_failback, failback_reasons

NOW = datetime(2026, 12, 5, tzinfo=UTC)
SERVER = "s-00000000000000001"
INSTANCE = "i-0123456789abcdef0"
REVERSED_ARN = "arn:aws:drs:us-west-2:111122223333:source-server/s-00000000000000009"


def _recovered(**changes: object) -> ServerState:
    base = ServerState(
        execution_id="ex-r",
        wave_id="w",
        source_server_id=SERVER,
        launch_status=LaunchStatus.LAUNCHED,
        recovery_instance_id=INSTANCE,
        account_id="111122223333",
        region="us-east-1",
    )
    return base.model_copy(update=changes)


def _instance(
    state: FailbackState | None = FailbackState.FAILBACK_NOT_STARTED, ec2: str = "RUNNING"
) -> FailbackInstance:
    return FailbackInstance(
        recovery_instance_id=INSTANCE, source_server_id=SERVER, ec2_instance_state=ec2, failback_state=state
    )


def _server(origin: Origin, reversed_arn: str | None = None) -> ReplicatingServer:
    return ReplicatingServer(source_server_id=SERVER, origin=origin, reversed_arn=reversed_arn)


def _codes(facts: FailbackFacts) -> list[str]:
    return [reason.code.value for reason in failback_reasons(facts)]


@pytest.mark.parametrize(
    ("state", "codes"),
    [
        (FailbackState.FAILBACK_NOT_STARTED, ["FAILBACK_CLIENT_NOT_CONNECTED"]),
        (FailbackState.FAILBACK_IN_PROGRESS, ["FAILBACK_REPLICATION_NOT_READY"]),
        (FailbackState.FAILBACK_READY_FOR_LAUNCH, []),
        (FailbackState.FAILBACK_ERROR, ["FAILBACK_ERROR"]),
        (FailbackState.FAILBACK_COMPLETED, ["ALREADY_FAILED_BACK"]),
    ],
)
def test_an_on_premises_server_is_ready_when_its_failback_client_has_converged(
    state: FailbackState, codes: list[str]
) -> None:
    facts = FailbackFacts(_recovered(), _server(Origin.ON_PREMISES), _instance(state))
    assert _codes(facts) == codes


def test_an_instance_that_already_failed_back_is_blocked_saying_so_not_as_unconnected() -> None:
    facts = FailbackFacts(
        _recovered(), _server(Origin.ON_PREMISES), _instance(FailbackState.FAILBACK_COMPLETED)
    )
    [reason] = failback_reasons(facts)
    assert reason.severity.value == "BLOCKING"
    assert f"recovery instance {INSTANCE} has already failed back (FAILBACK_COMPLETED)" in reason.message
    assert "not connected" not in reason.message


@pytest.mark.parametrize(
    ("reversed_state", "codes", "blocking"),
    [
        (None, ["REVERSE_REPLICATION_NOT_STARTED"], False),
        (ReplicationState.INITIAL_SYNC, ["REVERSE_REPLICATION_NOT_READY"], False),
        (ReplicationState.CONTINUOUS, [], False),
        (ReplicationState.DISCONNECTED, ["REVERSE_REPLICATION_NOT_READY"], True),
    ],
)
def test_an_ec2_origin_server_is_ready_when_its_reversed_server_replicates_continuously(
    reversed_state: ReplicationState | None, codes: list[str], blocking: bool
) -> None:
    reversed_server = (
        ReplicatingServer(
            source_server_id="s-00000000000000009",
            origin=Origin.AWS,
            replication_state=reversed_state,
            replicated_bytes=25,
            total_bytes=100,
        )
        if reversed_state
        else None
    )
    original = _server(Origin.AWS, REVERSED_ARN if reversed_state else None)
    facts = FailbackFacts(_recovered(), original, _instance(), reversed_server)
    reasons = failback_reasons(facts)
    assert [r.code.value for r in reasons] == codes
    assert any(r.severity.value == "BLOCKING" for r in reasons) is blocking
    if reversed_state is ReplicationState.INITIAL_SYNC:
        assert "25% copied" in reasons[0].message


def test_a_terminated_instance_or_an_unrecovered_server_blocks_by_name() -> None:
    terminated = FailbackFacts(_recovered(), _server(Origin.ON_PREMISES), _instance(ec2="TERMINATED"))
    gone = FailbackFacts(_recovered(), _server(Origin.ON_PREMISES), None)
    failed = FailbackFacts(_recovered(launch_status=LaunchStatus.FAILED), None, None)
    assert _codes(terminated) == _codes(gone) == ["RECOVERY_INSTANCE_TERMINATED"]
    assert INSTANCE in failback_reasons(gone)[0].message
    assert _codes(failed) == ["NOT_RECOVERED"]


def test_a_blocked_optional_server_only_warns_its_wave() -> None:
    plan = RecoveryPlan.model_validate(
        {
            "id": "rp-a",
            "name": "a",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": ["pg-a"]}],
            "createdAt": NOW,
            "createdBy": "t",
            "updatedAt": NOW,
            "updatedBy": "t",
        }
    )
    optional = FailbackFacts(
        _recovered(impact=ServerImpact.OPTIONAL), _server(Origin.ON_PREMISES), _instance()
    )
    report = assess_failback(plan, [optional], now=NOW)
    assert (report.mode.value, report.verdict) == ("FAILBACK", Verdict.WARNINGS)
    assert report.waves[0].servers[0].verdict is Verdict.BLOCKED
    assert [r.code.value for r in report.waves[0].reasons] == ["OPTIONAL_SERVER_BLOCKED"]


def test_a_source_server_arn_names_its_account_region_and_id() -> None:
    target, server_id = parse_source_server_arn(REVERSED_ARN) or (None, None)
    assert target is not None
    assert (target.account_id, target.region, server_id) == (
        "111122223333",
        "us-west-2",
        "s-00000000000000009",
    )
    assert parse_source_server_arn("arn:aws:drs:us-west-2:1:job/drsjob-1") is None


def test_bounded_map_keeps_order_and_never_runs_more_than_the_bound_at_once() -> None:
    running, peak, lock = 0, 0, threading.Lock()
    together = threading.Barrier(8, timeout=10)  # passes only when 8 calls run at the same time

    def call(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        together.wait()
        with lock:
            running -= 1
        return n * n

    assert bounded_map(call, range(40), workers=8) == [n * n for n in range(40)]
    assert peak == 8
