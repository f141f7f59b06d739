"""A schedule's firing against the in-memory repositories and runner: once per firing, as the schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from drs_orchestration.adapters.memory import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
    InMemoryScheduleRepository,
)
from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.domain.engine.ports import NoticeKind, Notification
from drs_orchestration.domain.models.drs import DrsTarget, RecoveryInstance, SourceServer
from drs_orchestration.domain.models.execution import ExecutionHeader, ServerState, WaveState
from drs_orchestration.domain.models.schedule import ScheduleFiring, StoredSchedule
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.scheduled_drills import fire_schedule
from tests.unit.domain.builders import ACCOUNT, T0, group, plan, source_server, wave

FIRING_AT = T0 + timedelta(hours=1)


class OneServerDrs:
    """DRS listing one replicating, configured server (``server_id(1)``) in every account and Region."""

    def for_target(self, target: DrsTarget) -> OneServerDrs:
        return self

    def list_source_servers(self) -> list[SourceServer]:
        return [source_server(1)]

    def launch_configuration_present(self, source_server_ids: Sequence[str]) -> dict[str, bool]:
        return dict.fromkeys(source_server_ids, True)

    def list_recovery_instances(
        self, source_server_ids: Sequence[str] | None = None
    ) -> list[RecoveryInstance]:
        return []


class FlakyExecutions(InMemoryExecutionRepository):
    """The first write of a run fails the way a throttled store does."""

    failures = 1

    def create(
        self, header: ExecutionHeader, waves: Sequence[WaveState], servers: Sequence[ServerState]
    ) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("throttled")
        super().create(header, waves, servers)


class Published:
    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def publish(self, notification: Notification) -> None:
        self.notifications.append(notification)


def arrange(
    executions: InMemoryExecutionRepository | None = None, *, enabled: bool = True
) -> tuple[Services, InMemoryScheduleRepository, Published]:
    executions = executions or InMemoryExecutionRepository()
    groups = InMemoryProtectionGroupRepository()
    groups.create(group("pg-app"))
    plans = InMemoryRecoveryPlanRepository(groups=groups)
    plans.create(plan(wave("app")))
    schedules = InMemoryScheduleRepository()
    schedules.create(
        StoredSchedule(
            id="sch-1",
            plan_id="rp-shop",
            expression="rate(1 hour)",
            timezone="UTC",
            enabled=enabled,
            anchor_at=T0,
            created_at=T0,
            created_by="admin",
            updated_at=T0,
            updated_by="admin",
        )
    )
    services = Services(
        groups=groups,
        plans=plans,
        executions=executions,
        accounts=InMemoryAccountRepository(),
        audit=InMemoryAuditRepository(),
        drs=OneServerDrs(),
        runner=InMemoryExecutionRunner(executions),
        home_account_id=ACCOUNT,
        schedules=schedules,
    )
    return services, schedules, Published()


class Ticking:
    """A clock that moves on by ``step`` each time it is read (a readiness check takes time)."""

    def __init__(self, start: datetime, step: timedelta = timedelta(0)) -> None:
        self.at = start - step
        self.step = step

    def now(self) -> datetime:
        self.at += self.step
        return self.at


FIRING = ScheduleFiring(schedule_id="sch-1", plan_id="rp-shop", scheduled_time=FIRING_AT)


def test_firing_starts_one_drill_as_the_schedule_when_delivered_again() -> None:
    services, schedules, notifier = arrange()

    first = fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT))
    again = fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT + timedelta(seconds=5)))

    assert first.result is not None
    assert first.result.execution_id is not None
    assert again.duplicate
    headers = services.executions.list_headers(plan_id="rp-shop", status=[]).items
    assert [(h.id, h.started_by) for h in headers] == [(first.result.execution_id, "schedule:sch-1")]
    assert schedules.last_result("sch-1") == first.result
    assert notifier.notifications == []


def test_later_firing_is_refused_as_busy_and_published_when_the_drill_still_runs() -> None:
    services, schedules, notifier = arrange()
    fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT))
    next_hour = FIRING.model_copy(update={"scheduled_time": FIRING_AT + timedelta(hours=1)})

    outcome = fire_schedule(services, schedules, notifier, next_hour, Ticking(FIRING_AT + timedelta(hours=1)))

    assert outcome.result is not None
    assert outcome.result.execution_id is None
    assert "already has an active execution" in (outcome.result.error or "")
    (notice,) = notifier.notifications
    assert notice.kind is NoticeKind.SCHEDULED_DRILL_NOT_STARTED
    assert notice.body["scheduleId"] == "sch-1"


def test_failed_firing_is_given_back_so_the_retry_starts_the_drill_when_a_write_fails() -> None:
    services, schedules, notifier = arrange(FlakyExecutions())

    with pytest.raises(RuntimeError, match="throttled"):
        fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT))
    retried = fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT + timedelta(seconds=30)))

    assert not retried.duplicate
    assert retried.result is not None
    assert retried.result.execution_id is not None


def test_disabled_schedule_starts_nothing_when_a_late_firing_arrives() -> None:
    services, schedules, notifier = arrange(enabled=False)

    outcome = fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT))

    assert outcome.duplicate
    assert services.executions.list_headers(plan_id="rp-shop", status=[]).items == []


def test_firing_of_a_deleted_schedule_starts_nothing_when_delivered() -> None:
    services, schedules, notifier = arrange()
    schedules.delete("sch-1")

    assert fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT)).duplicate


def test_the_run_is_stamped_when_it_starts_not_when_its_readiness_was_checked() -> None:
    services, schedules, notifier = arrange()

    outcome = fire_schedule(services, schedules, notifier, FIRING, Ticking(FIRING_AT, timedelta(minutes=4)))

    assert outcome.result is not None
    assert outcome.result.execution_id is not None
    started = services.executions.get_header(outcome.result.execution_id)
    assert started.created_at == FIRING_AT + timedelta(minutes=4)
    assert outcome.result.at == started.created_at
