"""The API under test: real handler, moto DynamoDB (tables from the template), the DRS simulator."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.clock import Clock
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.aws_tables import moto_with_tables
from tests.integration.api.client import API_HANDLER, Api

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
                # still syncing however far the tests move this shared simulator's clock
                initial_sync_remaining_seconds=365 * 86400.0 if n == 11 else None,
            )
        )
    return servers


@pytest.fixture(scope="session")
def drs() -> Iterator[SimulatorHandle]:
    with simulator_server(fleet=fleet()) as handle:
        yield handle


@contextmanager
def product_over_moto(
    monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle, clock: Clock, prefix: str = "test"
) -> Iterator[Product]:
    """The product over empty tables under moto, DRS from the simulator, an in-memory runner."""
    for key, value in {
        "AWS_REGION": REGION,
        "HOME_ACCOUNT_ID": HOME_ACCOUNT,
        "DRS_ENDPOINT_URL": drs.endpoint_url,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
    }.items():
        monkeypatch.setenv(key, value)
    with moto_with_tables(monkeypatch, REGION, prefix) as tables:
        for key, value in tables.items():
            monkeypatch.setenv(key, value)
        yield Product(Settings(), clock, runner=InMemoryExecutionRunner)


@pytest.fixture
def product(monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle) -> Iterator[Product]:
    with product_over_moto(monkeypatch, drs, SystemClock()) as product:
        yield product


@pytest.fixture
def api(product: Product) -> Api:
    """The real API handler of ``product``."""
    return Api(product.handler(API_HANDLER))


@pytest.fixture
def atomic_conditional_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies a conditional write atomically; moto checks the condition and writes without a
    lock, so concurrent threads could both pass. Serialise moto's writes as the real service does."""
    lock = threading.RLock()  # moto applies a transaction through the same (locked) single-item writes
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def locked(self: DynamoDBBackend, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, locked)
