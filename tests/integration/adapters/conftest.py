"""Adapters under moto (tables from the template) and the DRS simulator (two accounts, small pages)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_simulator.config import Pagination, SimConfig
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.aws_tables import moto_with_tables

HOME = "111122223333"
TARGET = "444455556666"
REGION = "us-east-1"


def sid(n: int) -> str:
    return f"s-{n:017d}"


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
def tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto for this test with the template's tables (emptied afterwards); env name -> table name."""
    with moto_with_tables(monkeypatch, REGION, "adapters") as names:
        clear_client_cache()
        yield names
    clear_client_cache()


@pytest.fixture
def dynamodb(tables: dict[str, str]) -> Any:
    return boto3.client("dynamodb", region_name=REGION)
