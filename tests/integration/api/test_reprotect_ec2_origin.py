"""Re-protect of a failback run as the engine records it: an EC2-origin server that failed back is
recorded in its origin Region (where it launched), while its original source server, the one to
replicate into again, stays in the Region it was recovered in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drs_orchestration.composition import store
from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.drs import DrsTarget, ServerOrigin
from drs_orchestration.domain.models.failback import FailbackServer, FailbackStage
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION
from tests.integration.api.failback_runs import (
    EC2_ORIGIN,
    ON_PREMISES,
    ORIGIN_REGION,
    mixed_fleet,
    recover_and_fail_back,
)


@pytest.fixture
def drs() -> Iterator[SimulatorHandle]:
    with simulator_server(fleet=mixed_fleet()) as handle:
        yield handle


def test_reprotect_reverses_an_ec2_origin_server_when_the_failback_recorded_it_in_its_origin(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    # Given a failback whose EC2-origin server is recorded in its origin Region with its failback
    loop = recover_and_fail_back(product, drs)
    executions = store.executions(product)
    server = next(s for s in executions.get_servers(loop.failback_id) if s.source_server_id == EC2_ORIGIN)
    failback = FailbackServer(
        origin=ServerOrigin.AWS,
        recovery_target=DrsTarget(account_id=HOME_ACCOUNT, region=REGION),
        recovery_instance_id=loop.instances[EC2_ORIGIN],
        origin_target=DrsTarget(account_id=HOME_ACCOUNT, region=ORIGIN_REGION),
        stage=FailbackStage.READY,
    )
    executions.put_servers([server.model_copy(update={"region": ORIGIN_REGION, "failback": failback})])

    # When an Admin re-protects the run
    response = api.post(f"/executions/{loop.failback_id}/reprotect")

    # Then the EC2-origin server is found where it was recovered and reversed again from its origin
    assert response.status == 200, response.text
    results = {item["sourceServerId"]: item for item in response.json["items"]}
    assert {s: r["status"] for s, r in results.items()} == dict.fromkeys(
        [*ON_PREMISES, EC2_ORIGIN], "REPROTECTED"
    )
    assert "ReverseReplication" in results[EC2_ORIGIN]["message"]
    assert ORIGIN_REGION in results[EC2_ORIGIN]["message"]
