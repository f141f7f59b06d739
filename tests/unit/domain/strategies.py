"""Hypothesis strategies for valid domain objects (for round-trip properties)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionEvent,
    HealthStatus,
    ServerImpact,
    ServerState,
    SkipCause,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from tests.unit.domain.builders import plan, server_id

names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() == s)
slugs = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
instants = st.integers(0, 10**9).map(lambda s: datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=s))
ssm_parameters = st.dictionaries(
    st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True),
    st.lists(st.text(max_size=10), max_size=3),
    max_size=3,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


actions = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["SSM_AUTOMATION", "SSM_RUN_COMMAND", "LAMBDA", "APPROVAL", "WAIT"]),
        "name": names,
        "on_failure": st.sampled_from(["FAIL", "CONTINUE"]),
    }
).flatmap(
    lambda action: st.fixed_dictionaries(
        {
            "SSM_AUTOMATION": {"document_name": st.just("AWS-Restart"), "parameters": ssm_parameters},
            "SSM_RUN_COMMAND": {"document_name": st.just("AWS-RunShellScript"), "parameters": ssm_parameters},
            "LAMBDA": {
                "function_arn": st.just("arn:aws:lambda:eu-west-1:111122223333:function:hook:live"),
                "payload": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
            },
            "APPROVAL": {"message": names, "approver_group": st.none() | st.just("Operators")},
            "WAIT": {"seconds": st.integers(1, 3600)},
        }[action["type"]]
    ).map(lambda extra: {**action, **extra})
)


@st.composite
def plans(draw: st.DrawFn) -> RecoveryPlan:
    wave_ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    waves = [
        {
            "id": wave_id,
            "name": f"{draw(names)} {i}",
            "protection_group_ids": [f"pg-{wave_id}"],
            "depends_on": [
                {"wave_id": dep, "condition": draw(st.sampled_from(["LAUNCHED", "HEALTHY"]))}
                for dep in draw(st.lists(st.sampled_from(wave_ids[:i]), unique=True))
                if i
            ]
            if i
            else [],
            "pre_actions": draw(st.lists(actions, max_size=2)),
            "post_actions": draw(st.lists(actions, max_size=2)),
            "health_check": draw(
                st.none()
                | st.builds(dict, document_name=st.none() | st.just("DRS-Health"), parameters=ssm_parameters)
            ),
            "pause_before": draw(st.booleans()),
            "timeout_minutes": draw(st.integers(1, 1440)),
        }
        for i, wave_id in enumerate(wave_ids)
    ]
    return plan(
        *waves, drill_ttl_hours=draw(st.none() | st.integers(1, 720)), description=draw(st.text(max_size=20))
    )


wave_states = st.builds(
    lambda status, at, reason: WaveState(
        execution_id="ex-1",
        wave_id="db",
        name="Db",
        position=0,
        status=status,
        started_at=at,
        ended_at=at,
        reason=reason if status is WaveStatus.SKIPPED else None,
        skip_cause=SkipCause.OPERATOR if status is WaveStatus.SKIPPED else None,
    ),
    status=st.sampled_from(WaveStatus),
    at=st.none() | instants,
    reason=names,
)

server_states = st.fixed_dictionaries(
    {
        "execution_id": st.just("ex-1"),
        "wave_id": slugs,
        "source_server_id": st.integers(0, 10**9).map(server_id),
        "impact": st.sampled_from(ServerImpact),
        "job_id": st.none() | st.just("drsjob-1a2b"),
        "launch_status": st.none() | st.sampled_from(LaunchStatus),
        "health": st.none() | st.sampled_from(HealthStatus),
        "attempt": st.integers(0, 5),
        "launched_at": st.none() | instants,
        "healthy_at": st.none() | instants,
    }
).map(lambda fields: ServerState(**fields))

events = st.fixed_dictionaries(
    {
        "execution_id": st.just("ex-1"),
        "event_id": st.from_regex(r"[0-9]{6}-[a-f0-9]{4}", fullmatch=True),
        "at": instants,
        "type": st.sampled_from(EventType),
        "message": st.text(max_size=40),
        "details": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
    }
).map(lambda fields: ExecutionEvent(**fields))
