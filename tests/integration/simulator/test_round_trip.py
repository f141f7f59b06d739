"""Every P0 operation round-trips through the unmodified boto3 drs client; paginators reach the end."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from drs_simulator.fleet import generate_fleet
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, finish, hostname_ids, job, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def test_operations_are_refused_when_the_region_is_not_initialized(sim: SimulatorHandle) -> None:
    # Given a Region where DRS was never initialized
    west = sim.drs_client(region="eu-west-1", max_attempts=1)
    # When it is used / Then UninitializedAccountException, until InitializeService
    with pytest.raises(west.exceptions.UninitializedAccountException):
        west.describe_source_servers()
    west.initialize_service()
    assert west.describe_source_servers()["items"] == []


def test_describe_source_servers_returns_the_fleet_with_its_tags_when_loaded(drs: DrsClient) -> None:
    items = drs.describe_source_servers()["items"]
    assert len(items) == 11
    web = next(s for s in items if s["sourceProperties"]["identificationHints"]["hostname"] == "shop-web-01")
    assert web["tags"] == {"Application": "shop", "Tier": "web", "Environment": "production"}
    assert web["arn"] == f"arn:aws:drs:us-east-1:111122223333:source-server/{web['sourceServerID']}"
    assert web["lastLaunchResult"] == "NOT_STARTED"
    assert web["dataReplicationInfo"]["lagDuration"] == "PT0S"


def test_describe_source_servers_filters_by_id_when_ids_are_given(drs: DrsClient) -> None:
    wanted = server_ids(drs)[:2]
    items = drs.describe_source_servers(filters={"sourceServerIDs": [*wanted, "s-00000000000000000"]})[
        "items"
    ]
    assert sorted(s["sourceServerID"] for s in items) == sorted(wanted)


def test_launch_configuration_changes_persist_when_updated(drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    assert drs.get_launch_configuration(sourceServerID=server)["launchDisposition"] == "STARTED"
    drs.update_launch_configuration(sourceServerID=server, launchDisposition="STOPPED", copyTags=False)
    config = drs.get_launch_configuration(sourceServerID=server)
    assert (config["launchDisposition"], config["copyTags"]) == ("STOPPED", False)


def test_get_launch_configuration_raises_not_found_when_the_server_is_unknown(drs: DrsClient) -> None:
    with pytest.raises(drs.exceptions.ResourceNotFoundException):
        drs.get_launch_configuration(sourceServerID="s-00000000000000000")


def test_tags_round_trip_when_tagged_and_untagged(drs: DrsClient) -> None:
    arn = drs.describe_source_servers()["items"][0]["arn"]
    drs.tag_resource(resourceArn=arn, tags={"Owner": "dr-team", "CostCenter": "42"})
    assert drs.list_tags_for_resource(resourceArn=arn)["tags"]["Owner"] == "dr-team"
    drs.untag_resource(resourceArn=arn, tagKeys=["Owner", "CostCenter"])
    assert "Owner" not in drs.list_tags_for_resource(resourceArn=arn)["tags"]


def test_tagging_raises_not_found_when_the_arn_is_unknown(drs: DrsClient) -> None:
    with pytest.raises(drs.exceptions.ResourceNotFoundException):
        drs.list_tags_for_resource(
            resourceArn="arn:aws:drs:us-east-1:111122223333:job/drsjob-00000000000000000"
        )


def test_jobs_and_instances_carry_the_tags_given_at_start(sim: SimulatorHandle, drs: DrsClient) -> None:
    job_id = drill(drs, server_ids(drs)[0], tags={"Execution": "ex-1"})
    assert job(drs, job_id)["tags"] == {"Execution": "ex-1"}
    job_arn = job(drs, job_id)["arn"]
    assert drs.list_tags_for_resource(resourceArn=job_arn)["tags"] == {"Execution": "ex-1"}


def test_recovery_snapshots_are_listed_in_the_requested_order(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    ascending = drs.describe_recovery_snapshots(sourceServerID=server, order="ASC")["items"]
    descending = drs.describe_recovery_snapshots(sourceServerID=server, order="DESC")["items"]
    assert len(ascending) == 6
    assert [s["snapshotID"] for s in ascending] == [s["snapshotID"] for s in reversed(descending)]
    assert all(s["sourceServerID"] == server for s in ascending)
    start = ascending[3]["timestamp"]
    assert (
        len(drs.describe_recovery_snapshots(sourceServerID=server, filters={"fromDateTime": start})["items"])
        == 3
    )


def test_delete_job_removes_it_only_when_completed(sim: SimulatorHandle, drs: DrsClient) -> None:
    job_id = drill(drs, server_ids(drs)[0])
    with pytest.raises(drs.exceptions.ConflictException):
        drs.delete_job(jobID=job_id)
    finish(sim)
    drs.delete_job(jobID=job_id)
    assert drs.describe_jobs(filters={"jobIDs": [job_id]})["items"] == []
    with pytest.raises(drs.exceptions.ResourceNotFoundException):
        drs.delete_job(jobID=job_id)


def test_terminate_recovery_instances_removes_the_instance_when_the_job_completes(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    drill(drs, server)
    finish(sim)
    instance = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
    terminate = drs.terminate_recovery_instances(recoveryInstanceIDs=[instance])["job"]
    assert (terminate["type"], terminate["initiatedBy"]) == ("TERMINATE", "TERMINATE_RECOVERY_INSTANCES")
    sim.simulator.clock.advance(10)
    assert drs.describe_recovery_instances()["items"][0]["ec2InstanceState"] == "SHUTTING-DOWN"
    finish(sim)
    done = job(drs, terminate["jobID"])
    assert done["status"] == "COMPLETED"
    assert done["participatingServers"][0]["launchStatus"] == "TERMINATED"
    assert drs.describe_recovery_instances()["items"] == []
    source = drs.describe_source_servers(filters={"sourceServerIDs": [server]})["items"][0]
    assert "recoveryInstanceId" not in source
    assert source["lifeCycle"]["lastLaunch"]["status"] == "TERMINATED"


def test_terminate_raises_conflict_when_the_instance_is_unknown(drs: DrsClient) -> None:
    with pytest.raises(drs.exceptions.ConflictException):
        drs.terminate_recovery_instances(recoveryInstanceIDs=["i-0123456789abcdef0"])


def test_describe_recovery_instances_filters_by_source_server_when_asked(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    first, second = server_ids(drs)[:2]
    drill(drs, first, second)
    finish(sim)
    items = drs.describe_recovery_instances(filters={"sourceServerIDs": [second]})["items"]
    assert [i["sourceServerID"] for i in items] == [second]


def test_paginators_reach_the_end_when_4000_servers_are_loaded() -> None:
    with simulator_server(fleet=generate_fleet(4000)) as sim:
        drs = sim.drs_client(max_attempts=1)
        pages = list(
            drs.get_paginator("describe_source_servers").paginate(PaginationConfig={"PageSize": 1000})
        )
        ids = [s["sourceServerID"] for page in pages for s in page["items"]]
        assert (len(pages), len(ids), len(set(ids))) == (4, 4000, 4000)
        small = drs.get_paginator("describe_source_servers").paginate(
            filters={"sourceServerIDs": ids[:150]}, PaginationConfig={"PageSize": 7}
        )
        assert [s["sourceServerID"] for page in small for s in page["items"]] == ids[:150]


def test_job_paginators_reach_the_end_newest_job_first(sim: SimulatorHandle, drs: DrsClient) -> None:
    job_ids = [drill(drs, server) for server in server_ids(drs)[:5]]
    finish(sim)
    pages = drs.get_paginator("describe_jobs").paginate(PaginationConfig={"PageSize": 2})
    assert [j["jobID"] for page in pages for j in page["items"]] == list(reversed(job_ids))
    logs = drs.get_paginator("describe_job_log_items").paginate(
        jobID=job_ids[0], PaginationConfig={"PageSize": 2}
    )
    events = [item["event"] for page in logs for item in page["items"]]
    assert (events[0], events[-1], len(events)) == ("JOB_START", "JOB_END", 9)
    instances = drs.get_paginator("describe_recovery_instances").paginate(PaginationConfig={"PageSize": 2})
    assert len([i for page in instances for i in page["items"]]) == 5
    server = server_ids(drs)[0]
    snaps = drs.get_paginator("describe_recovery_snapshots").paginate(
        sourceServerID=server, PaginationConfig={"PageSize": 4}
    )
    assert len([s for page in snaps for s in page["items"]]) == len(
        drs.describe_recovery_snapshots(sourceServerID=server)["items"]
    )
    newest_first = drs.get_paginator("describe_recovery_snapshots").paginate(
        sourceServerID=server, order="DESC", PaginationConfig={"PageSize": 4}
    )
    assert [s["snapshotID"] for page in newest_first for s in page["items"]] == [
        s["snapshotID"] for s in drs.describe_recovery_snapshots(sourceServerID=server, order="DESC")["items"]
    ]


def test_an_invalid_next_token_is_a_validation_error(drs: DrsClient) -> None:
    with pytest.raises(ClientError) as raised:
        drs.describe_source_servers(nextToken="not-a-token")
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_demo_hostnames_name_applications_and_tiers(drs: DrsClient) -> None:
    names = hostname_ids(drs)
    assert {"shop-web-01", "shop-db-01", "crm-app-01", "payroll-db-01"} <= set(names)
