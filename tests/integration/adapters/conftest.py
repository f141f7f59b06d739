"""Adapters under moto (tables from the template) and the DRS simulator (two accounts, small pages)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository
from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.adapters.memory import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_simulator.config import Pagination, SimConfig
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.accounts import use_fake_credentials
from tests.integration.adapters.contract import HOME, REGION, TARGET, Repositories, sid
from tests.integration.api.aws_tables import moto_with_tables


@pytest.fixture(scope="session")
def drs() -> Iterator[SimulatorHandle]:
    """Twenty home-account servers and five in a target account; DRS pages hold 7 items."""
    fleet = [
        ServerFixture(hostname=f"home-{n}", source_server_id=sid(n), account_id=HOME, tags={"n": str(n)})
        for n in range(20)
    ] + [
        ServerFixture(hostname=f"target-{n}", source_server_id=sid(100 + n), account_id=TARGET)
        for n in range(5)
    ]
    config = SimConfig(pagination=Pagination(default_page_size=7, describe_max_page=7))
    with simulator_server(fleet=fleet, config=config) as handle:
        yield handle


@pytest.fixture
def moto_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials for moto in-process, in this Region."""
    use_fake_credentials(monkeypatch, REGION)


@pytest.fixture
def tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto for this test with the template's tables (emptied afterwards); env name -> table name."""
    with moto_with_tables(monkeypatch, REGION, "adapters") as names:
        clear_client_cache()
        yield names
    clear_client_cache()


@pytest.fixture
def dynamodb(tables: dict[str, str]) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def _in_memory() -> Repositories:
    audit = InMemoryAuditRepository()
    groups = InMemoryProtectionGroupRepository(audit)
    return Repositories(
        adapter="memory",
        groups=groups,
        plans=InMemoryRecoveryPlanRepository(audit, groups=groups),
        accounts=InMemoryAccountRepository(audit),
        audit=audit,
        executions=InMemoryExecutionRepository(),
    )


def dynamodb_repositories(client: Any, tables: dict[str, str]) -> Repositories:
    audit_table = tables["AUDIT_TABLE"]
    return Repositories(
        adapter="dynamodb",
        groups=DynamoDBProtectionGroupRepository(client, tables["PROTECTION_GROUPS_TABLE"], audit_table),
        plans=DynamoDBRecoveryPlanRepository(
            client, tables["RECOVERY_PLANS_TABLE"], tables["PROTECTION_GROUPS_TABLE"], audit_table
        ),
        accounts=DynamoDBAccountRepository(client, tables["ACCOUNTS_TABLE"], audit_table),
        audit=DynamoDBAuditRepository(client, audit_table),
        executions=DynamoDBExecutionRepository(client, tables["EXECUTIONS_TABLE"]),
    )


@pytest.fixture(params=["memory", "dynamodb"])
def repositories(request: pytest.FixtureRequest) -> Repositories:
    """The repository contract's subjects: the in-memory adapters, then the DynamoDB ones under moto."""
    if request.param == "memory":
        return _in_memory()
    return dynamodb_repositories(request.getfixturevalue("dynamodb"), request.getfixturevalue("tables"))
