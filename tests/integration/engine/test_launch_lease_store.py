"""The launch lease of an account and Region, as both execution repositories keep it: DynamoDB (under
moto, the template's table) and the in-memory twin, each on a clock the test moves (the lease's time
is the store's own clock, read when it is taken or renewed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.memory.repositories import InMemoryExecutionRepository
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.ports import ExecutionRepository
from tests.integration.api.aws_tables import moto_with_tables

REGION = "us-east-1"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
TARGET = DrsTarget(account_id="111122223333", region=REGION)
OTHER_REGION = DrsTarget(account_id="111122223333", region="eu-west-1")


@dataclass
class Clock:
    at: datetime = T0

    def __call__(self) -> datetime:
        return self.at

    def set(self, seconds: float) -> None:
        """Move to ``seconds`` after T0."""
        self.at = T0 + timedelta(seconds=seconds)


@dataclass
class Store:
    executions: ExecutionRepository
    clock: Clock

    def take(self, target: DrsTarget, holder: str, *, at: float) -> bool:
        """``holder`` asks for the lease ``at`` seconds after T0, for 60 seconds."""
        self.clock.set(at)
        return self.executions.acquire_launch_lease(target, holder, seconds=60)

    def release(self, target: DrsTarget, holder: str) -> None:
        self.executions.release_launch_lease(target, holder)


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    clock = Clock()
    if request.param == "memory":
        yield Store(InMemoryExecutionRepository(clock=clock), clock)
        return
    with moto_with_tables(monkeypatch, REGION, "lease") as names:
        client = boto3.client("dynamodb", region_name=REGION)
        yield Store(DynamoDBExecutionRepository(client, names["EXECUTIONS_TABLE"], clock=clock), clock)


def test_lease_is_taken_when_free_and_refused_to_another_run_while_held(store: Store) -> None:
    assert store.take(TARGET, "ex-a", at=0)

    assert not store.take(TARGET, "ex-b", at=59)
    # another Region of the same account has a lease of its own
    assert store.take(OTHER_REGION, "ex-b", at=0)


def test_holder_renews_its_lease_and_the_renewal_moves_the_expiry(store: Store) -> None:
    assert store.take(TARGET, "ex-a", at=0)

    assert store.take(TARGET, "ex-a", at=50)

    assert not store.take(TARGET, "ex-b", at=100)
    assert store.take(TARGET, "ex-b", at=110)


def test_lease_lasts_from_when_it_is_taken_on_the_stores_clock_when_a_holder_asks_late(store: Store) -> None:
    # Given a holder whose step began at T0 but asks for the lease 5 minutes later
    assert store.take(TARGET, "ex-a", at=300)

    # Then the lease lasts 60 seconds from then, not from when the step began
    assert not store.take(TARGET, "ex-b", at=359)
    assert store.take(TARGET, "ex-b", at=360)


def test_lease_is_taken_over_when_it_expired_because_its_holder_crashed(store: Store) -> None:
    assert store.take(TARGET, "ex-a", at=0)

    assert store.take(TARGET, "ex-b", at=60)

    # the crashed holder, back, neither renews nor releases what it lost
    assert not store.take(TARGET, "ex-a", at=61)
    store.release(TARGET, "ex-a")
    assert not store.take(TARGET, "ex-c", at=61)


def test_lease_is_released_only_by_its_holder(store: Store) -> None:
    assert store.take(TARGET, "ex-a", at=0)

    store.release(TARGET, "ex-b")
    assert not store.take(TARGET, "ex-b", at=1)

    store.release(TARGET, "ex-a")
    assert store.take(TARGET, "ex-b", at=1)


def test_releasing_a_lease_nobody_holds_is_harmless(store: Store) -> None:
    store.release(TARGET, "ex-a")

    assert store.take(TARGET, "ex-b", at=0)


def test_lease_lasts_about_a_minute_of_real_time_when_no_clock_is_given() -> None:
    executions = InMemoryExecutionRepository()

    assert executions.acquire_launch_lease(TARGET, "ex-a", seconds=60)

    assert not executions.acquire_launch_lease(TARGET, "ex-b", seconds=60)
