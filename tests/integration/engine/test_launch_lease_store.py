"""The launch lease of an account and Region, as both execution repositories keep it: DynamoDB (under
moto, the template's table) and the in-memory twin."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(params=["dynamodb", "memory"])
def executions(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ExecutionRepository]:
    if request.param == "memory":
        yield InMemoryExecutionRepository()
        return
    with moto_with_tables(monkeypatch, REGION, "lease") as names:
        yield DynamoDBExecutionRepository(
            boto3.client("dynamodb", region_name=REGION), names["EXECUTIONS_TABLE"]
        )


def test_lease_is_taken_when_free_and_refused_to_another_run_while_held(
    executions: ExecutionRepository,
) -> None:
    assert executions.acquire_launch_lease(TARGET, "ex-a", now=T0, seconds=60)

    assert not executions.acquire_launch_lease(TARGET, "ex-b", now=T0 + timedelta(seconds=59), seconds=60)
    # another Region of the same account has a lease of its own
    assert executions.acquire_launch_lease(OTHER_REGION, "ex-b", now=T0, seconds=60)


def test_holder_renews_its_lease_and_the_renewal_moves_the_expiry(executions: ExecutionRepository) -> None:
    assert executions.acquire_launch_lease(TARGET, "ex-a", now=T0, seconds=60)

    assert executions.acquire_launch_lease(TARGET, "ex-a", now=T0 + timedelta(seconds=50), seconds=60)

    assert not executions.acquire_launch_lease(TARGET, "ex-b", now=T0 + timedelta(seconds=100), seconds=60)
    assert executions.acquire_launch_lease(TARGET, "ex-b", now=T0 + timedelta(seconds=110), seconds=60)


def test_lease_is_taken_over_when_it_expired_because_its_holder_crashed(
    executions: ExecutionRepository,
) -> None:
    assert executions.acquire_launch_lease(TARGET, "ex-a", now=T0, seconds=60)

    assert executions.acquire_launch_lease(TARGET, "ex-b", now=T0 + timedelta(seconds=60), seconds=60)

    # the crashed holder, back, neither renews nor releases what it lost
    assert not executions.acquire_launch_lease(TARGET, "ex-a", now=T0 + timedelta(seconds=61), seconds=60)
    executions.release_launch_lease(TARGET, "ex-a")
    assert not executions.acquire_launch_lease(TARGET, "ex-c", now=T0 + timedelta(seconds=61), seconds=60)


def test_lease_is_released_only_by_its_holder(executions: ExecutionRepository) -> None:
    assert executions.acquire_launch_lease(TARGET, "ex-a", now=T0, seconds=60)

    executions.release_launch_lease(TARGET, "ex-b")
    assert not executions.acquire_launch_lease(TARGET, "ex-b", now=T0 + timedelta(seconds=1), seconds=60)

    executions.release_launch_lease(TARGET, "ex-a")
    assert executions.acquire_launch_lease(TARGET, "ex-b", now=T0 + timedelta(seconds=1), seconds=60)


def test_releasing_a_lease_nobody_holds_is_harmless(executions: ExecutionRepository) -> None:
    executions.release_launch_lease(TARGET, "ex-a")

    assert executions.acquire_launch_lease(TARGET, "ex-b", now=T0, seconds=60)
