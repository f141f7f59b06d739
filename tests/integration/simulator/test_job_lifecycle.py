"""Job lifecycles: status progression, job log order per phase, instance replacement, PIT launches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from drs_simulator.events import LAUNCH_RESULT, Event
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, finish, hostname_ids, job, log_events, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient

SUCCESS_LOG = [
    "JOB_START",
    "CLEANUP_START",
    "CLEANUP_END",
    "SNAPSHOT_START",
    "SNAPSHOT_END",
    "CONVERSION_START",
    "CONVERSION_END",
    "LAUNCH_START",
    "JOB_END",
]


def test_a_drill_goes_pending_started_completed_and_launches_the_server(
    sim: SimulatorHandle, drs: DrsClient, received: list[Event]
) -> None:
    # Given a healthy server
    server = server_ids(drs)[0]
    # When a drill starts
    job_id = drill(drs, server)
    # Then the job is PENDING, then STARTED within a minute, then COMPLETED with the server LAUNCHED
    assert job(drs, job_id)["status"] == "PENDING"
    sim.simulator.clock.advance(60)
    assert job(drs, job_id)["status"] == "STARTED"
    finish(sim)
    done = job(drs, job_id)
    assert (done["status"], done["type"], done["initiatedBy"]) == ("COMPLETED", "LAUNCH", "START_DRILL")
    assert done["endDateTime"] >= done["creationDateTime"]
    participant = done["participatingServers"][0]
    assert participant["launchStatus"] == "LAUNCHED"
    assert log_events(drs, job_id) == SUCCESS_LOG
    instance = drs.describe_recovery_instances()["items"][0]
    assert instance["recoveryInstanceID"] == participant["recoveryInstanceID"] == instance["ec2InstanceID"]
    assert (instance["isDrill"], instance["jobID"], instance["ec2InstanceState"]) == (True, job_id, "RUNNING")
    source = drs.describe_source_servers(filters={"sourceServerIDs": [server]})["items"][0]
    assert source["lastLaunchResult"] == "SUCCEEDED"
    assert source["recoveryInstanceId"] == instance["recoveryInstanceID"]
    assert source["lifeCycle"]["lastLaunch"]["initiated"]["type"] == "DRILL"
    assert source["lifeCycle"]["lastLaunch"]["status"] == "LAUNCHED"
    sim.simulator.events.flush()
    results = [e for e in received if e["detail-type"] == LAUNCH_RESULT]
    assert [e["detail"] for e in results] == [
        {"state": "RECOVERY_LAUNCH_SUCCEEDED", "job-id": job_id, "is-drill": "TRUE"}
    ]
    assert results[0]["resources"] == [source["arn"]]
    assert results[0]["source"] == "aws.drs"


def test_a_recovery_is_marked_as_such_when_is_drill_is_false(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    job_id = drill(drs, server, is_drill=False)
    finish(sim)
    assert job(drs, job_id)["initiatedBy"] == "START_RECOVERY"
    assert drs.describe_recovery_instances()["items"][0]["isDrill"] is False
    source = drs.describe_source_servers(filters={"sourceServerIDs": [server]})["items"][0]
    assert source["lifeCycle"]["lastLaunch"]["initiated"]["type"] == "RECOVERY"


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("cleanup", ["JOB_START", "CLEANUP_START", "CLEANUP_FAIL", "JOB_END"]),
        (
            "snapshot",
            ["JOB_START", "CLEANUP_START", "CLEANUP_END", "SNAPSHOT_START", "SNAPSHOT_FAIL", "JOB_END"],
        ),
        ("conversion", [*SUCCESS_LOG[:6], "CONVERSION_FAIL", "JOB_END"]),
        ("launch", [*SUCCESS_LOG[:8], "LAUNCH_FAILED", "JOB_END"]),
        ("post_launch", SUCCESS_LOG),
    ],
)
def test_the_job_log_stops_at_the_failing_phase_and_the_job_still_completes(
    sim: SimulatorHandle, drs: DrsClient, received: list[Event], phase: str, expected: list[str]
) -> None:
    # Given a server set to fail in one phase
    server = server_ids(drs)[0]
    sim.simulator.set_faults(fail_servers={server: phase})
    # When it is launched
    job_id = drill(drs, server)
    finish(sim)
    # Then its log ends with that phase's failure, the server FAILED, the job COMPLETED
    assert log_events(drs, job_id) == expected
    done = job(drs, job_id)
    assert (done["status"], done["participatingServers"][0]["launchStatus"]) == ("COMPLETED", "FAILED")
    failure = [
        i
        for i in drs.describe_job_log_items(jobID=job_id)["items"]
        if i["event"].endswith(("FAIL", "FAILED"))
    ]
    assert all("rawError" in item["eventData"] for item in failure)
    source = drs.describe_source_servers(filters={"sourceServerIDs": [server]})["items"][0]
    assert source["lastLaunchResult"] == "FAILED"
    sim.simulator.events.flush()
    assert [e["detail"]["state"] for e in received if e["detail-type"] == LAUNCH_RESULT] == [
        "RECOVERY_LAUNCH_FAILED"
    ]
    if phase == "post_launch":
        runs = done["participatingServers"][0]["launchActionsStatus"]["runs"]
        assert runs[0]["status"] == "FAILED"
    if phase == "launch":
        assert drs.describe_recovery_instances()["items"] == []


def test_a_failing_pit_snapshot_logs_using_previous_snapshot_failed(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    snapshot = drs.describe_recovery_snapshots(sourceServerID=server)["items"][0]["snapshotID"]
    sim.simulator.set_faults(fail_servers={server: "use_previous_snapshot"})
    job_id = drs.start_recovery(
        sourceServers=[{"sourceServerID": server, "recoverySnapshotID": snapshot}], isDrill=True
    )["job"]["jobID"]
    finish(sim)
    assert log_events(drs, job_id) == [
        "JOB_START",
        "CLEANUP_START",
        "CLEANUP_END",
        "USING_PREVIOUS_SNAPSHOT",
        "USING_PREVIOUS_SNAPSHOT_FAILED",
        "JOB_END",
    ]


def test_a_job_whose_servers_all_failed_still_ends_completed(sim: SimulatorHandle, drs: DrsClient) -> None:
    servers = server_ids(drs)[:3]
    sim.simulator.set_faults(launch_failure_rate=1.0, launch_failure_phase="conversion")
    job_id = drill(drs, *servers)
    finish(sim)
    done = job(drs, job_id)
    assert done["status"] == "COMPLETED"
    assert {p["launchStatus"] for p in done["participatingServers"]} == {"FAILED"}
    assert log_events(drs, job_id)[-1] == "JOB_END"


def test_a_job_completes_with_mixed_results_when_one_server_fails(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    good, bad = server_ids(drs)[:2]
    sim.simulator.set_faults(fail_servers={bad: "launch"})
    job_id = drill(drs, good, bad)
    finish(sim)
    statuses = {p["sourceServerID"]: p["launchStatus"] for p in job(drs, job_id)["participatingServers"]}
    assert statuses == {good: "LAUNCHED", bad: "FAILED"}
    assert log_events(drs, job_id, good) == SUCCESS_LOG


def test_a_server_fails_only_on_the_attempts_named(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    sim.simulator.set_faults(fail_on_attempt={server: [1]})
    first = drill(drs, server)
    finish(sim)
    second = drill(drs, server)
    finish(sim)
    assert job(drs, first)["participatingServers"][0]["launchStatus"] == "FAILED"
    assert job(drs, second)["participatingServers"][0]["launchStatus"] == "LAUNCHED"


def test_a_second_drill_replaces_the_first_instance(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    drill(drs, server)
    finish(sim)
    first = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
    second_job = drill(drs, server)
    finish(sim)
    instances = drs.describe_recovery_instances()["items"]
    assert len(instances) == 1
    assert instances[0]["recoveryInstanceID"] != first
    assert instances[0]["jobID"] == second_job
    cleanup = [
        i for i in drs.describe_job_log_items(jobID=second_job)["items"] if i["event"].startswith("CLEANUP")
    ]
    assert [i["event"] for i in cleanup] == ["CLEANUP_START", "CLEANUP_END"]


def test_a_drill_keeps_a_recovery_instance_when_drills_must_not_clean_them() -> None:
    with simulator_server(fleet="demo") as sim:
        sim.simulator.config.behaviour.drill_cleans_recovery_instances = False
        drs = sim.drs_client(max_attempts=1)
        server = server_ids(drs)[0]
        drill(drs, server, is_drill=False)
        finish(sim)
        drill(drs, server)
        finish(sim)
        assert sorted(i["isDrill"] for i in drs.describe_recovery_instances()["items"]) == [False, True]


def test_a_pit_launch_uses_the_chosen_snapshot(sim: SimulatorHandle, drs: DrsClient) -> None:
    # Given a server with PIT snapshots
    server = server_ids(drs)[0]
    snapshot = drs.describe_recovery_snapshots(sourceServerID=server, order="ASC")["items"][0]
    # When it is launched from the oldest one
    job_id = drs.start_recovery(
        sourceServers=[{"sourceServerID": server, "recoverySnapshotID": snapshot["snapshotID"]}], isDrill=True
    )["job"]["jobID"]
    finish(sim)
    # Then the log shows USING_PREVIOUS_SNAPSHOT (no on-demand snapshot) and the instance's PIT matches
    events = log_events(drs, job_id)
    assert "USING_PREVIOUS_SNAPSHOT" in events
    assert "SNAPSHOT_START" not in events
    instance = drs.describe_recovery_instances()["items"][0]
    assert instance["pointInTimeSnapshotDateTime"] == snapshot["timestamp"]


def test_a_pit_launch_fails_when_the_snapshot_belongs_to_another_server(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    first, second = server_ids(drs)[:2]
    foreign = drs.describe_recovery_snapshots(sourceServerID=second)["items"][0]["snapshotID"]
    job_id = drs.start_recovery(sourceServers=[{"sourceServerID": first, "recoverySnapshotID": foreign}])[
        "job"
    ]["jobID"]
    finish(sim)
    assert log_events(drs, job_id)[-2:] == ["USING_PREVIOUS_SNAPSHOT_FAILED", "JOB_END"]


def test_a_server_in_initial_sync_fails_at_the_snapshot(sim: SimulatorHandle, drs: DrsClient) -> None:
    syncing = server_ids(drs, "INITIAL_SYNC")[0]
    job_id = drill(drs, syncing)
    finish(sim)
    assert log_events(drs, job_id)[-3:] == ["SNAPSHOT_START", "SNAPSHOT_FAIL", "JOB_END"]


def test_a_stalled_server_can_still_be_recovered(sim: SimulatorHandle, drs: DrsClient) -> None:
    stalled = hostname_ids(drs)["crm-app-01"]
    job_id = drill(drs, stalled, is_drill=False)
    finish(sim)
    assert job(drs, job_id)["participatingServers"][0]["launchStatus"] == "LAUNCHED"


def test_a_stuck_phase_keeps_the_job_started(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    sim.simulator.set_faults(stuck_phase={server: "conversion"})
    job_id = drill(drs, server)
    finish(sim, 6 * 3600)
    assert job(drs, job_id)["status"] == "STARTED"
    assert log_events(drs, job_id)[-1] == "CONVERSION_START"


def test_a_job_stays_pending_when_told_to(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(job_stuck_pending=True)
    job_id = drill(drs, server_ids(drs)[0])
    finish(sim)
    assert job(drs, job_id)["status"] == "PENDING"


def test_a_slow_phase_takes_longer(sim: SimulatorHandle, drs: DrsClient) -> None:
    slow, fast = server_ids(drs)[:2]
    sim.simulator.set_faults(slow_factors={"conversion": 20.0})
    slow_job = drill(drs, slow)
    sim.simulator.clear_faults()
    fast_job = drill(drs, fast)
    finish(sim)
    assert job(drs, fast_job)["status"] == "COMPLETED"
    assert job(drs, slow_job)["status"] == "STARTED"
    finish(sim, 6 * 3600)
    assert job(drs, slow_job)["status"] == "COMPLETED"


def test_transient_retries_repeat_the_start_event_with_attempt_counts(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    sim.simulator.set_faults(transient_retry_count=2, launch_failure_phase="conversion")
    job_id = drill(drs, server)
    finish(sim, 3 * 3600)
    starts = [
        i["eventData"]
        for i in drs.describe_job_log_items(jobID=job_id)["items"]
        if i["event"] == "CONVERSION_START"
    ]
    assert [(d["attemptCount"], d["maxAttemptsCount"]) for d in starts] == [(1, 3), (2, 3), (3, 3)]
    assert job(drs, job_id)["participatingServers"][0]["launchStatus"] == "LAUNCHED"


def test_a_stopped_launch_disposition_leaves_the_instance_stopped(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    drs.update_launch_configuration(sourceServerID=server, launchDisposition="STOPPED")
    drill(drs, server)
    finish(sim)
    assert drs.describe_recovery_instances()["items"][0]["ec2InstanceState"] == "STOPPED"


def test_a_boot_failure_leaves_the_launched_instance_stopped(sim: SimulatorHandle, drs: DrsClient) -> None:
    server = server_ids(drs)[0]
    sim.simulator.set_faults(boot_failure_servers=[server])
    job_id = drill(drs, server)
    finish(sim)
    assert job(drs, job_id)["participatingServers"][0]["launchStatus"] == "LAUNCHED"
    assert drs.describe_recovery_instances()["items"][0]["ec2InstanceState"] == "STOPPED"


def test_a_vanished_instance_is_reported_not_found(sim: SimulatorHandle, drs: DrsClient) -> None:
    drill(drs, server_ids(drs)[0])
    finish(sim)
    instance = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
    sim.simulator.set_faults(ec2_instance_vanishes=[instance])
    assert drs.describe_recovery_instances()["items"][0]["ec2InstanceState"] == "NOT_FOUND"


def test_a_failed_terminate_keeps_the_instance(sim: SimulatorHandle, drs: DrsClient) -> None:
    drill(drs, server_ids(drs)[0])
    finish(sim)
    instance = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
    sim.simulator.set_faults(terminate_failure_rate=1.0)
    job_id = drs.terminate_recovery_instances(recoveryInstanceIDs=[instance])["job"]["jobID"]
    finish(sim)
    assert log_events(drs, job_id) == ["JOB_START", "CLEANUP_START", "CLEANUP_FAIL", "JOB_END"]
    assert drs.describe_recovery_instances()["items"][0]["ec2InstanceState"] == "RUNNING"


def test_the_same_seed_and_requests_give_the_same_job_logs() -> None:
    def run() -> list[dict[str, object]]:
        with simulator_server(fleet="demo", seed=7) as sim:
            drs = sim.drs_client(max_attempts=1)
            sim.simulator.set_faults(launch_failure_rate=0.5)
            job_id = drill(drs, *server_ids(drs)[:4])
            finish(sim)
            return list(drs.describe_job_log_items(jobID=job_id)["items"])

    assert run() == run()


def test_windows_servers_fail_conversion_when_their_disk_is_low(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(windows_low_disk=True)
    names = hostname_ids(drs)
    windows, linux = names["payroll-web-01"], names["shop-app-01"]
    job_id = drill(drs, windows, linux)
    finish(sim)
    statuses = {p["sourceServerID"]: p["launchStatus"] for p in job(drs, job_id)["participatingServers"]}
    assert statuses == {windows: "FAILED", linux: "LAUNCHED"}
    failure = [
        i for i in drs.describe_job_log_items(jobID=job_id)["items"] if i["event"] == "CONVERSION_FAIL"
    ]
    assert "2 GB" in failure[0]["eventData"]["rawError"]


def test_a_server_that_is_not_ready_is_skipped_when_configured() -> None:
    with simulator_server(fleet="demo") as sim:
        sim.simulator.config.behaviour.not_ready_handling = "skip"
        drs = sim.drs_client(max_attempts=1)
        job_id = drill(drs, server_ids(drs, "INITIAL_SYNC")[0])
        finish(sim)
        assert log_events(drs, job_id) == [
            "JOB_START",
            "CLEANUP_START",
            "CLEANUP_END",
            "SERVER_SKIPPED",
            "JOB_END",
        ]


def test_describe_jobs_filters_by_creation_date(sim: SimulatorHandle, drs: DrsClient) -> None:
    first = drill(drs, server_ids(drs)[0])
    finish(sim)
    cutoff = drs.describe_jobs(filters={"jobIDs": [first]})["items"][0]["endDateTime"]
    second = drill(drs, server_ids(drs)[1])
    assert [j["jobID"] for j in drs.describe_jobs(filters={"fromDate": cutoff})["items"]] == [second]
    assert [j["jobID"] for j in drs.describe_jobs(filters={"toDate": cutoff})["items"]] == [first]
