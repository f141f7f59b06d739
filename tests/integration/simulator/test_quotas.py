"""DRS job quotas: per job, concurrent jobs, servers in active jobs, one active job per server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from drs_simulator.fleet import generate_fleet
from drs_simulator.simulator import Simulator
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, finish, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def _all_ids(drs: DrsClient) -> list[str]:
    pages = drs.get_paginator("describe_source_servers").paginate()
    return [s["sourceServerID"] for page in pages for s in page["items"]]


def _quota_error(raised: pytest.ExceptionInfo[Any]) -> tuple[int, str, str]:
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["quotaCode"]


@pytest.fixture
def fresh() -> Iterator[SimulatorHandle]:
    """601 servers: 300 replicating locally, the rest extended from staging accounts (all recoverable)."""
    with simulator_server(fleet=generate_fleet(601, stalled=0, initial_sync=0)) as handle:
        yield handle


def test_a_job_of_101_servers_is_refused_with_the_per_job_quota(fresh: SimulatorHandle) -> None:
    drs = fresh.drs_client(max_attempts=1)
    ids = _all_ids(drs)
    with pytest.raises(drs.exceptions.ServiceQuotaExceededException) as raised:
        drill(drs, *ids[:101])
    assert _quota_error(raised) == (402, "ServiceQuotaExceededException", "L-B827C881")
    assert raised.value.response["serviceCode"] == "drs"
    assert drs.describe_jobs()["items"] == []
    drill(drs, *ids[:100])


def test_the_21st_concurrent_job_is_refused(fresh: SimulatorHandle) -> None:
    drs = fresh.drs_client(max_attempts=1)
    ids = _all_ids(drs)
    for server in ids[:20]:
        drill(drs, server)
    with pytest.raises(drs.exceptions.ServiceQuotaExceededException) as raised:
        drill(drs, ids[20])
    assert _quota_error(raised)[2] == "L-D88FAC3A"
    finish(fresh)
    drill(drs, ids[20])


def test_the_501st_server_in_active_jobs_is_refused(fresh: SimulatorHandle) -> None:
    drs = fresh.drs_client(max_attempts=1)
    ids = _all_ids(drs)
    for batch in range(5):
        drill(drs, *ids[batch * 100 : (batch + 1) * 100])
    with pytest.raises(drs.exceptions.ServiceQuotaExceededException) as raised:
        drill(drs, ids[500])
    assert _quota_error(raised)[2] == "L-05AFA8C6"


def test_a_server_already_in_an_active_job_is_a_conflict(drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    drill(drs, server)
    with pytest.raises(drs.exceptions.ConflictException) as raised:
        drill(drs, server_ids(drs)[1], server)
    assert (raised.value.response["resourceId"], raised.value.response["resourceType"]) == (
        server,
        "SOURCE_SERVER",
    )


def test_a_server_already_in_an_active_job_can_be_a_quota_error_when_configured() -> None:
    with simulator_server(
        fleet="demo", quota_overrides={"per_server_conflict_error": "ServiceQuotaExceededException"}
    ) as sim:
        drs = sim.drs_client(max_attempts=1)
        server = server_ids(drs)[0]
        drill(drs, server)
        with pytest.raises(drs.exceptions.ServiceQuotaExceededException) as raised:
            drill(drs, server)
        assert raised.value.response["quotaCode"] == "L-DD6D028C"


def test_a_completed_job_frees_its_servers(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    drill(drs, server)
    finish(sim)
    drill(drs, server)


def test_an_unknown_server_is_a_conflict(drs: DrsClient) -> None:
    with pytest.raises(drs.exceptions.ConflictException):
        drill(drs, "s-00000000000000000")


def test_the_legacy_profile_allows_200_servers_a_job_but_only_200_in_active_jobs() -> None:
    with simulator_server(fleet=generate_fleet(400, stalled=0, initial_sync=0), quotas="legacy") as sim:
        drs = sim.drs_client(max_attempts=1)
        ids = _all_ids(drs)
        drill(drs, *ids[:150])
        with pytest.raises(drs.exceptions.ServiceQuotaExceededException) as raised:
            drill(drs, *ids[150:201])
        assert raised.value.response["quotaCode"] == "L-05AFA8C6"


def test_more_than_200_servers_is_a_validation_error_whatever_the_quota() -> None:
    with simulator_server(fleet=generate_fleet(400, stalled=0, initial_sync=0), quotas="legacy") as sim:
        drs = sim.drs_client(max_attempts=1)
        with pytest.raises(ClientError) as raised:
            drill(drs, *_all_ids(drs)[:201])
        assert raised.value.response["Error"]["Code"] == "ValidationException"
        assert raised.value.response["fieldList"][0]["name"] == "sourceServers"


def test_loading_a_301st_replicating_server_is_refused() -> None:
    simulator = Simulator()
    fleet = generate_fleet(301, max_local=301)
    with pytest.raises(ValueError, match="L-C1D14A2B"):
        simulator.load_fleet(fleet)
    assert simulator.state()["partitions"][0]["sourceServers"] == []
