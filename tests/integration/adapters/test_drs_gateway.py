"""The DRS gateway: the real boto3 client against the simulator, same account and cross-account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto.sts.models import sts_backends

from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory, parse_duration_seconds
from drs_orchestration.adapters.memory import InMemoryAccountRepository
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.drs import DrsTarget
from drs_simulator.testing import SimulatorHandle
from tests.integration.adapters.conftest import HOME, REGION, TARGET, sid
from tests.integration.adapters.contract import STAMPS

ROLE = f"arn:aws:iam::{TARGET}:role/drs-orchestration-target"


@pytest.fixture
def factory(tables: dict[str, str], drs: SimulatorHandle) -> BotoDrsGatewayFactory:
    accounts = InMemoryAccountRepository()
    accounts.create(
        TargetAccount(
            account_id=TARGET, name="dr", role_arn=ROLE, external_id="ext-123456", regions=[REGION], **STAMPS
        )
    )
    return BotoDrsGatewayFactory(accounts, home_account_id=HOME, endpoint_url=drs.endpoint_url)


def test_inventory_follows_every_page_when_drs_pages_are_small(factory: BotoDrsGatewayFactory) -> None:
    servers = factory.for_target(DrsTarget(account_id=HOME, region=REGION)).list_source_servers()
    assert sorted(s.source_server_id for s in servers) == [sid(n) for n in range(20)]
    assert all(s.replication_state == "CONTINUOUS" for s in servers)
    assert servers[0].tags["n"] == str(int(servers[0].source_server_id[2:]))


def test_launch_configuration_and_recovery_instances_are_read(factory: BotoDrsGatewayFactory) -> None:
    gateway = factory.for_target(DrsTarget(account_id=HOME, region=REGION))
    assert gateway.launch_configuration_present([sid(1), sid(2)]) == {sid(1): True, sid(2): True}
    assert gateway.list_recovery_instances([sid(1)]) == []


def test_drill_job_is_started_found_by_tag_and_described(
    factory: BotoDrsGatewayFactory, drs: SimulatorHandle
) -> None:
    gateway = factory.for_target(DrsTarget(account_id=HOME, region=REGION))
    job = gateway.start_recovery([sid(3)], is_drill=True, tags={"execution": "ex-gw"})
    assert job.is_drill is True
    other = gateway.start_recovery([sid(4)], is_drill=True, tags={"execution": "ex-other"})
    since = drs.simulator.clock.now() - timedelta(minutes=5)
    found = gateway.find_jobs_by_tag("execution", ["ex-gw", "ex-other", "ex-none"], since=since)
    assert {tag: [j.job_id for j in jobs] for tag, jobs in found.items()} == {
        "ex-gw": [job.job_id],
        "ex-other": [other.job_id],
    }
    assert job.job_id in {j.job_id for j in gateway.list_active_jobs(since=since)}
    drs.simulator.clock.advance(3600)
    (done,) = gateway.describe_jobs([job.job_id])
    assert done.status == "COMPLETED"
    assert done.participating_servers[0].launch_status == "LAUNCHED"
    assert any(item.event == "LAUNCH_START" for item in gateway.describe_job_log_items(job.job_id))
    (instance,) = gateway.list_recovery_instances([sid(3)])
    assert instance.is_drill
    terminate = gateway.terminate_recovery_instances([instance.recovery_instance_id])
    assert terminate.type == "TERMINATE"


def test_job_scans_read_only_the_jobs_of_their_period(
    factory: BotoDrsGatewayFactory, drs: SimulatorHandle
) -> None:
    # Given a job of last week and one of today, both tagged for the same batch
    gateway = factory.for_target(DrsTarget(account_id=HOME, region=REGION))
    old = gateway.start_recovery([sid(5)], is_drill=True, tags={"batch": "b-period"})
    drs.simulator.clock.advance(7 * 86_400)
    since = drs.simulator.clock.now() - timedelta(minutes=5)
    new = gateway.start_recovery([sid(6)], is_drill=True, tags={"batch": "b-period"})
    read: list[str] = []
    gateway.client.meta.events.register(
        "after-call.drs.DescribeJobs",
        lambda parsed, **_: read.extend(item["jobID"] for item in parsed.get("items", [])),
    )

    # When the gateway scans the jobs from a few minutes ago on
    found = gateway.find_jobs_by_tag("batch", ["b-period"], since=since)
    active = gateway.list_active_jobs(since=since)

    # Then only today's job is found, and last week's was not even read
    assert [j.job_id for j in found["b-period"]] == [new.job_id]
    assert [j.job_id for j in active] == [new.job_id]
    assert old.job_id not in read
    assert read
    # while a scan from before it still finds it
    earlier = since - timedelta(days=8)
    assert {j.job_id for j in gateway.find_jobs_by_tag("batch", ["b-period"], since=earlier)["b-period"]} == {
        old.job_id,
        new.job_id,
    }


def test_other_account_is_reached_by_assuming_its_role_with_the_external_id(
    factory: BotoDrsGatewayFactory, drs: SimulatorHandle
) -> None:
    gateway = factory.for_target(DrsTarget(account_id=TARGET, region=REGION))
    credentials: Any = gateway.client._request_signer._credentials  # the assumed-role session's keys
    identity = boto3.client(
        "sts",
        region_name=REGION,
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
    ).get_caller_identity()
    assert identity["Arn"].startswith(f"arn:aws:sts::{TARGET}:assumed-role/drs-orchestration-target/")
    assumed = [role for backend in sts_backends.values() for role in backend["global"].assumed_roles]
    assert [(role.role_arn, role.external_id) for role in assumed][-1] == (ROLE, "ext-123456")
    # the simulator maps access keys to accounts by configuration, as a deployment maps credentials
    drs.simulator.config.accounts[credentials.access_key] = TARGET
    servers = gateway.list_source_servers()
    assert sorted(s.source_server_id for s in servers) == [sid(100 + n) for n in range(5)]
    assert factory.for_target(DrsTarget(account_id=TARGET, region=REGION)).client is gateway.client


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT0S", 0), ("PT5M12S", 312), ("P1DT1H", 90000), ("PT1.5S", 1), (None, None), ("x", None)],
)
def test_iso_durations_become_seconds(text: str | None, seconds: int | None) -> None:
    assert parse_duration_seconds(text) == seconds


def test_server_drs_keeps_throttling_is_left_unknown_when_launch_configurations_are_read(
    factory: BotoDrsGatewayFactory, drs: SimulatorHandle
) -> None:
    # Given DRS refusing the next three GetLaunchConfiguration calls (the client makes three attempts)
    gateway = factory.for_target(DrsTarget(account_id=HOME, region=REGION))
    drs.control("POST", "faults", {"throttle": [{"operation": "GetLaunchConfiguration", "count": 3}]})
    try:
        # When one server's launch configuration is read, then two more
        throttled = gateway.launch_configuration_present([sid(1)])
        answered = gateway.launch_configuration_present([sid(2), sid(3)])
    finally:
        drs.control("DELETE", "faults")

    # Then the throttled server is left out (unknown), and the others are answered
    assert throttled == {}
    assert answered == {sid(2): True, sid(3): True}
