"""The API under test: real handler, moto DynamoDB (tables from the template), the DRS simulator."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.handlers.api import dependencies
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.aws_tables import create_tables, empty_tables
from tests.integration.api.client import Api

HOME_ACCOUNT = "111122223333"
REGION = "us-east-1"


def server_id(n: int) -> str:
    return f"s-{n:017d}"


def fleet() -> list[ServerFixture]:
    """Twelve servers: shop web/app/db tiers, one stalled, one still in initial sync."""
    servers = []
    for n in range(12):
        tier = ("web", "app", "db")[n % 3]
        state = "STALLED" if n == 10 else "INITIAL_SYNC" if n == 11 else "CONTINUOUS"
        servers.append(
            ServerFixture(
                hostname=f"shop-{tier}-{n:02d}",
                source_server_id=server_id(n),
                account_id=HOME_ACCOUNT,
                region=REGION,
                tags={"Application": "shop", "Tier": tier},
                replication_state=state,
            )
        )
    return servers


@pytest.fixture(scope="session")
def drs() -> Iterator[SimulatorHandle]:
    with simulator_server(fleet=fleet()) as handle:
        yield handle


@pytest.fixture(scope="session")
def fake_aws(drs: SimulatorHandle) -> Iterator[dict[str, str]]:
    """moto for the whole session (per worker) with fake credentials and the template's tables."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "HOME_ACCOUNT_ID": HOME_ACCOUNT,
            "DRS_ENDPOINT_URL": drs.endpoint_url,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_DEV": "false",
        }.items():
            patch.setenv(key, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            clear_client_cache()
            names = create_tables(boto3.client("dynamodb", region_name=REGION))
            for key, value in names.items():
                patch.setenv(key, value)
            yield names
            clear_client_cache()
        dependencies.reset()


@pytest.fixture
def api(fake_aws: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The handler over empty tables, with an in-memory runner standing in for the engine."""
    monkeypatch.setattr(dependencies, "execution_runner_factory", InMemoryExecutionRunner)
    dependencies.reset()
    create_tables(boto3.client("dynamodb", region_name=REGION))
    yield Api()
    empty_tables(boto3.client("dynamodb", region_name=REGION), fake_aws.values())
    dependencies.reset()
