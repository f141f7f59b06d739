"""The DRS gateway's failback calls against the simulator: where a source server came from, the
failback client's state of a recovery instance, StartFailbackLaunch and ReverseReplication."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGateway, BotoDrsGatewayFactory
from drs_orchestration.adapters.memory import InMemoryAccountRepository
from drs_orchestration.domain.errors import DrsLaunchRefused, DrsRequestRefused
from drs_orchestration.domain.models.drs import DrsTarget, FailbackState, ServerOrigin
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.accounts import use_fake_credentials
from tests.integration.adapters.conftest import HOME, REGION, sid

ORIGIN_REGION = "us-west-2"
ON_PREMISES, EC2_ORIGIN, NOT_CONNECTED = sid(0), sid(1), sid(2)


@pytest.fixture(scope="module")
def drs() -> Iterator[SimulatorHandle]:
    servers = [
        ServerFixture(hostname=f"fb-{n}", source_server_id=sid(n), account_id=HOME, region=REGION)
        for n in range(3)
    ]
    servers[1].origin, servers[1].origin_region = "AWS", ORIGIN_REGION
    with simulator_server(fleet=servers, clock="manual") as handle:
        yield handle


def _gateway(drs: SimulatorHandle, region: str = REGION) -> BotoDrsGateway:
    factory = BotoDrsGatewayFactory(
        InMemoryAccountRepository(), home_account_id=HOME, endpoint_url=drs.endpoint_url
    )
    return factory.for_target(DrsTarget(account_id=HOME, region=region))


@pytest.fixture(scope="module")
def recovered(drs: SimulatorHandle) -> dict[str, str]:
    """Every server recovered (not a drill): its recovery instance id, by server. (Set up before any
    test's own fixtures, so with credentials of its own.)"""
    with pytest.MonkeyPatch.context() as patch:
        use_fake_credentials(patch, REGION)
        gateway = _gateway(drs)
        gateway.start_recovery([ON_PREMISES, EC2_ORIGIN, NOT_CONNECTED], is_drill=False, tags={})
        drs.simulator.clock.advance(3 * 3600)
        instances = {i.source_server_id: i.recovery_instance_id for i in gateway.list_recovery_instances()}
    return instances


@pytest.mark.usefixtures("moto_environment")
def test_source_servers_say_where_they_came_from(drs: SimulatorHandle) -> None:
    found = {
        s.source_server_id: s
        for s in _gateway(drs).describe_source_servers([ON_PREMISES, EC2_ORIGIN, sid(9)])
    }

    assert set(found) == {ON_PREMISES, EC2_ORIGIN}  # an unknown id is absent
    assert found[ON_PREMISES].origin is ServerOrigin.ON_PREMISES
    assert found[ON_PREMISES].origin_region is None
    assert found[EC2_ORIGIN].origin is ServerOrigin.AWS
    assert found[EC2_ORIGIN].origin_region == ORIGIN_REGION


@pytest.mark.usefixtures("moto_environment")
def test_failback_launch_starts_a_failback_job_once_the_client_is_ready(
    drs: SimulatorHandle, recovered: dict[str, str]
) -> None:
    gateway = _gateway(drs)
    instance = recovered[ON_PREMISES]
    states = {
        i.recovery_instance_id: i.failback_state for i in gateway.list_recovery_instances([ON_PREMISES])
    }
    assert states == {instance: FailbackState.FAILBACK_NOT_STARTED}

    drs.simulator.connect_failback_client(HOME, REGION, instance)
    drs.simulator.clock.advance(3600)
    [ready] = gateway.list_recovery_instances([ON_PREMISES])
    assert ready.failback_state is FailbackState.FAILBACK_READY_FOR_LAUNCH

    job = gateway.start_failback_launch([instance], tags={"k": "v"})
    assert [p.source_server_id for p in job.participating_servers] == [ON_PREMISES]
    assert job.tags == {"k": "v"}
    assert drs.simulator.partition(HOME, REGION).jobs[job.job_id].initiated_by == "FAILBACK"


@pytest.mark.usefixtures("moto_environment")
def test_failback_launch_of_an_instance_without_a_client_is_refused_without_a_job(
    drs: SimulatorHandle, recovered: dict[str, str]
) -> None:
    jobs = len(drs.simulator.partition(HOME, REGION).jobs)
    with pytest.raises(DrsLaunchRefused) as refused:
        _gateway(drs).start_failback_launch([recovered[NOT_CONNECTED]], tags={})
    assert refused.value.reason == "ConflictException"
    assert len(drs.simulator.partition(HOME, REGION).jobs) == jobs


@pytest.mark.usefixtures("moto_environment")
def test_reverse_replication_creates_the_reversed_source_server_in_the_origin_region_once(
    drs: SimulatorHandle, recovered: dict[str, str]
) -> None:
    gateway = _gateway(drs)
    arn = gateway.reverse_replication(recovered[EC2_ORIGIN])

    reversed_id = arn.rsplit("/", 1)[-1]
    assert f":{ORIGIN_REGION}:" in arn
    [source] = gateway.describe_source_servers([EC2_ORIGIN])
    assert source.reversed_direction_source_server_arn == arn
    [there] = _gateway(drs, ORIGIN_REGION).describe_source_servers([reversed_id])
    assert there.replication_state is not None
    with pytest.raises(DrsRequestRefused) as refused:
        gateway.reverse_replication(recovered[EC2_ORIGIN])
    assert refused.value.reason == "ConflictException"
    with pytest.raises(DrsRequestRefused):
        gateway.reverse_replication(recovered[ON_PREMISES])  # not an EC2 origin
