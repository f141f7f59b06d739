"""Run Command and EC2 status checks per instance, driven by the DRS simulator's boot failures."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from drs_local.instance_health import InstanceBehaviour, InstanceHealth, check_hooks
from drs_simulator.clock import SimClock
from drs_simulator.ec2_mirror import Ec2Mirror
from drs_simulator.testing import SimulatorHandle, simulator_server

HEALTH_CHECK = Path(__file__).resolve().parents[3] / "ssm-documents" / "post-launch-health-check.yaml"
DOCUMENT = "PostLaunchHealthCheck"
DELIVERY_TIMEOUT = 600
_COMMAND = {
    "schemaVersion": "2.2",
    "mainSteps": [{"action": "aws:runShellScript", "name": "run", "inputs": {}}],
}


@pytest.fixture
def health(moto_aws: None, clock: SimClock) -> Iterator[InstanceHealth]:
    with InstanceHealth(clock=clock, command_seconds=20).installed() as installed:
        boto3.client("ssm").create_document(
            Name=DOCUMENT, Content=HEALTH_CHECK.read_text(), DocumentType="Command", DocumentFormat="YAML"
        )
        yield installed


@pytest.fixture
def ssm(health: InstanceHealth) -> Any:
    return boto3.client("ssm")


@pytest.fixture
def ec2(health: InstanceHealth) -> Any:
    return boto3.client("ec2")


def _run_instance(ec2: Any) -> str:
    reservation = ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60789", MinCount=1, MaxCount=1)
    return str(reservation["Instances"][0]["InstanceId"])


def _send(ssm: Any, *instance_ids: str, document: str = DOCUMENT, **parameters: str) -> str:
    command = ssm.send_command(
        DocumentName=document,
        InstanceIds=list(instance_ids),
        Parameters={k: [v] for k, v in parameters.items()},
        TimeoutSeconds=DELIVERY_TIMEOUT,
    )["Command"]
    return str(command["CommandId"])


def _invocation(ssm: Any, command_id: str, instance_id: str) -> dict[str, Any]:
    invocation: dict[str, Any] = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
    return invocation


def _lines(invocation: dict[str, Any]) -> list[dict[str, str]]:
    return [json.loads(line) for line in invocation["StandardOutputContent"].splitlines()]


def test_hooks_exist_in_the_installed_moto_and_still_check_out_while_installed() -> None:
    check_hooks()
    with InstanceHealth(time_scale=10).installed():
        check_hooks()


def test_health_check_on_a_healthy_instance_prints_a_pass_line_per_check_after_its_duration(
    ssm: Any, ec2: Any, clock: SimClock
) -> None:
    # Given a running instance and a health check of two services and an endpoint
    instance_id = _run_instance(ec2)
    command_id = _send(ssm, instance_id, requiredServices="nginx,sshd", tcpEndpoints="db.internal:5432")
    # Then the command is in progress for its 20 simulated seconds
    assert _invocation(ssm, command_id, instance_id)["Status"] == "InProgress"
    assert ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] == "InProgress"
    clock.advance(20)
    # And then succeeds with one PASS line per check, in the script's order
    done = _invocation(ssm, command_id, instance_id)
    assert (done["Status"], done["StatusDetails"], done["ResponseCode"]) == ("Success", "Success", 0)
    lines = _lines(done)
    assert [(line["check"], line["target"]) for line in lines] == [
        ("os_ready", "system"),
        ("free_disk", "/"),
        ("service", "nginx"),
        ("service", "sshd"),
        ("tcp", "db.internal:5432"),
    ]
    assert {line["status"] for line in lines} == {"PASS"}
    assert done["PluginName"] == "linuxHealthCheck"
    assert ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] == "Success"


def test_health_check_fails_with_fail_lines_for_the_checks_configured_to_fail(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    instance_id = _run_instance(ec2)
    health.set_instance(
        instance_id,
        InstanceBehaviour(failing_checks=frozenset({"service:nginx", "free_disk"}), platform="Windows"),
    )
    command_id = _send(ssm, instance_id, requiredServices="nginx,W32Time", minFreeDiskPercent="15")
    clock.advance(20)
    done = _invocation(ssm, command_id, instance_id)
    assert (done["Status"], done["ResponseCode"]) == ("Failed", 1)
    statuses = {(line["check"], line["target"]): (line["status"], line["detail"]) for line in _lines(done)}
    assert statuses[("service", "nginx")] == ("FAIL", "Stopped")
    assert statuses[("service", "W32Time")] == ("PASS", "Running")
    assert statuses[("free_disk", "C:")] == ("FAIL", "10% free")
    assert done["PluginName"] == "windowsHealthCheck"
    with pytest.raises(ClientError) as wrong_plugin:
        ssm.get_command_invocation(
            CommandId=command_id, InstanceId=instance_id, PluginName="linuxHealthCheck"
        )
    assert wrong_plugin.value.response["Error"]["Code"] == "InvocationDoesNotExist"
    command = ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert (command["Status"], command["ErrorCount"], command["CompletedCount"]) == ("Failed", 1, 1)


def test_unreachable_agent_stays_pending_then_delivery_times_out(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    instance_id = _run_instance(ec2)
    health.set_instance(instance_id, InstanceBehaviour(agent="unreachable"))
    command_id = _send(ssm, instance_id)
    clock.advance(DELIVERY_TIMEOUT - 1)
    assert _invocation(ssm, command_id, instance_id)["Status"] == "Pending"
    clock.advance(1)
    timed_out = _invocation(ssm, command_id, instance_id)
    assert (timed_out["Status"], timed_out["StatusDetails"]) == ("TimedOut", "DeliveryTimedOut")
    assert ssm.list_commands(CommandId=command_id)["Commands"][0]["DeliveryTimedOutCount"] == 1


def test_missing_agent_is_undeliverable_at_once(ssm: Any, ec2: Any, health: InstanceHealth) -> None:
    instance_id = _run_instance(ec2)
    health.set_instance(instance_id, InstanceBehaviour(agent="missing"))
    command_id = _send(ssm, instance_id)
    invocation = _invocation(ssm, command_id, instance_id)
    assert (invocation["Status"], invocation["StatusDetails"]) == ("Failed", "Undeliverable")


def test_hung_command_times_out_at_its_execution_timeout(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    ssm.create_document(
        Name="Sleepy",
        Content=json.dumps(
            {
                "schemaVersion": "2.2",
                "parameters": {"executionTimeout": {"type": "String", "default": "3600"}},
                "mainSteps": [
                    {"action": "aws:runShellScript", "name": "s", "inputs": {"runCommand": ["sleep 9"]}}
                ],
            }
        ),
        DocumentType="Command",
        DocumentFormat="JSON",
    )
    instance_id = _run_instance(ec2)
    health.set_instance(instance_id, InstanceBehaviour(hang=True))
    command_id = _send(ssm, instance_id, document="Sleepy", executionTimeout="120")
    clock.advance(119)
    assert _invocation(ssm, command_id, instance_id)["Status"] == "InProgress"
    clock.advance(1)
    timed_out = _invocation(ssm, command_id, instance_id)
    assert (timed_out["Status"], timed_out["StatusDetails"]) == ("TimedOut", "ExecutionTimedOut")
    assert timed_out["StandardOutputContent"] == ""


def test_cancel_ends_running_and_pending_invocations_cancelled_and_leaves_finished_ones_when_asked(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    # Given one command on three instances: one hangs, one's agent is unreachable, one finishes
    hung, unreachable, done = (_run_instance(ec2) for _ in range(3))
    health.set_instance(hung, InstanceBehaviour(hang=True))
    health.set_instance(unreachable, InstanceBehaviour(agent="unreachable"))
    health.set_instance(done, InstanceBehaviour(command_seconds=5))
    command_id = _send(ssm, hung, unreachable, done)
    clock.advance(30)

    # When the command is cancelled everywhere
    ssm.cancel_command(CommandId=command_id)

    # Then what had not ended is cancelled and stays so; what had ended stays as it ended
    clock.advance(DELIVERY_TIMEOUT * 10)
    statuses = {i: _invocation(ssm, command_id, i) for i in (hung, unreachable, done)}
    assert {i: (v["Status"], v["StatusDetails"]) for i, v in statuses.items()} == {
        hung: ("Cancelled", "Cancelled"),
        unreachable: ("Cancelled", "Cancelled"),
        done: ("Success", "Success"),
    }
    assert statuses[hung]["ExecutionEndDateTime"]
    assert ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] == "Cancelled"
    # and cancelling again changes nothing and is no error, as on AWS
    ssm.cancel_command(CommandId=command_id, InstanceIds=[done])
    assert _invocation(ssm, command_id, done)["Status"] == "Success"


def test_cancel_of_one_instance_leaves_the_others_running(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    first, second = _run_instance(ec2), _run_instance(ec2)
    for instance_id in (first, second):
        health.set_instance(instance_id, InstanceBehaviour(hang=True))
    command_id = _send(ssm, first, second)

    ssm.cancel_command(CommandId=command_id, InstanceIds=[first])

    assert _invocation(ssm, command_id, first)["Status"] == "Cancelled"
    assert _invocation(ssm, command_id, second)["Status"] == "InProgress"


def test_cancel_is_refused_for_an_unknown_command_or_an_instance_it_was_not_sent_to(
    ssm: Any, ec2: Any
) -> None:
    sent_to, other = _run_instance(ec2), _run_instance(ec2)
    command_id = _send(ssm, sent_to)
    with pytest.raises(ClientError) as unknown:
        ssm.cancel_command(CommandId="0" * 36)
    assert unknown.value.response["Error"]["Code"] == "InvalidCommandId"
    with pytest.raises(ClientError) as stranger:
        ssm.cancel_command(CommandId=command_id, InstanceIds=[other])
    assert stranger.value.response["Error"]["Code"] == "InvalidInstanceId"


def test_document_created_while_running_answers_as_the_health_check_when_it_is_a_copy(
    ssm: Any, ec2: Any, clock: SimClock
) -> None:
    # Given a copy of the health-check document created after the emulation was installed
    instance_id = _run_instance(ec2)
    ssm.create_document(
        Name="DrsOrchestration-PostLaunchHealthCheck-0123456789ab",
        Content=HEALTH_CHECK.read_text(),
        DocumentType="Command",
        DocumentFormat="YAML",
    )

    # When the copy is sent
    command_id = _send(ssm, instance_id, document="DrsOrchestration-PostLaunchHealthCheck-0123456789ab")
    clock.advance(20)

    # Then it runs and prints the health check's lines
    invocation = _invocation(ssm, command_id, instance_id)
    assert invocation["Status"] == "Success"
    assert _lines(invocation)
    assert {line["status"] for line in _lines(invocation)} == {"PASS"}


def test_send_command_is_refused_for_a_missing_document_or_instance(ssm: Any, ec2: Any) -> None:
    instance_id = _run_instance(ec2)
    with pytest.raises(ClientError) as missing_document:
        _send(ssm, instance_id, document="NoSuchDocument")
    assert missing_document.value.response["Error"]["Code"] == "InvalidDocument"
    ec2.terminate_instances(InstanceIds=[instance_id])
    with pytest.raises(ClientError) as terminated:
        _send(ssm, instance_id)
    assert terminated.value.response["Error"]["Code"] == "InvalidInstanceId"
    assert instance_id in str(terminated.value)


def _refusal_code(ssm: Any, *instance_ids: str) -> str | None:
    """SendCommand's error code for these instances, ``None`` when it took the command."""
    try:
        _send(ssm, *instance_ids)
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def test_send_command_is_refused_as_not_a_managed_node_until_the_agent_registers_after_launch(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    # Given instances whose SSM agent registers 120 simulated seconds after each one's launch
    health.default = InstanceBehaviour(registers_after_seconds=120)
    early = _run_instance(ec2)
    clock.advance(100)
    late = _run_instance(ec2)
    # Then SendCommand answers InvalidInstanceId, as AWS does for an instance that is not a managed node
    assert _refusal_code(ssm, early) == "InvalidInstanceId"
    clock.advance(19)
    assert _refusal_code(ssm, early) == "InvalidInstanceId"
    # until 120 s after its own launch: the first is reachable, the one launched later not yet
    clock.advance(1)
    command_id = _send(ssm, early)
    assert _refusal_code(ssm, late) == "InvalidInstanceId"
    assert _refusal_code(ssm, early, late) == "InvalidInstanceId"  # one such instance refuses the call
    clock.advance(100)
    assert _refusal_code(ssm, early, late) is None
    # and the command taken runs as on any reachable instance
    assert _invocation(ssm, command_id, early)["Status"] == "Success"


def test_send_command_is_always_refused_when_the_agent_never_registers(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    unregistered, online = _run_instance(ec2), _run_instance(ec2)
    health.set_instance(unregistered, InstanceBehaviour(agent="unregistered"))
    clock.advance(86_400)
    with pytest.raises(ClientError) as refused:
        _send(ssm, unregistered, online)
    assert refused.value.response["Error"]["Code"] == "InvalidInstanceId"
    assert unregistered in str(refused.value)
    assert _refusal_code(ssm, online) is None
    # while its status checks pass: EC2 sees a healthy instance, SSM no managed node
    (status,) = ec2.describe_instance_status(InstanceIds=[unregistered])["InstanceStatuses"]
    assert (status["InstanceStatus"]["Status"], status["SystemStatus"]["Status"]) == ("ok", "ok")


def test_list_command_invocations_reports_each_instance_with_its_output(
    ssm: Any, ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    healthy, broken = _run_instance(ec2), _run_instance(ec2)
    health.set_instance(broken, InstanceBehaviour(failing_checks=frozenset({"os_ready"})))
    command_id = _send(ssm, healthy, broken)
    clock.advance(20)
    listed = ssm.list_command_invocations(CommandId=command_id, Details=True)["CommandInvocations"]
    by_instance = {item["InstanceId"]: item for item in listed}
    assert by_instance[healthy]["Status"] == "Success"
    assert by_instance[broken]["Status"] == "Failed"
    assert (
        '"check":"os_ready","target":"system","status":"FAIL"'
        in by_instance[broken]["CommandPlugins"][0]["Output"]
    )
    one = ssm.list_command_invocations(CommandId=command_id, InstanceId=broken)["CommandInvocations"]
    assert [item["InstanceId"] for item in one] == [broken]
    assert "CommandPlugins" not in one[0]


def test_status_check_reports_impaired_when_set_for_a_running_instance(
    ec2: Any, health: InstanceHealth
) -> None:
    healthy, impaired = _run_instance(ec2), _run_instance(ec2)
    health.set_instance(impaired, InstanceBehaviour(status_check="impaired"))
    statuses = {
        s["InstanceId"]: s
        for s in ec2.describe_instance_status(InstanceIds=[healthy, impaired])["InstanceStatuses"]
    }
    assert statuses[healthy]["InstanceStatus"]["Status"] == "ok"
    assert statuses[impaired]["InstanceStatus"]["Status"] == "impaired"
    assert statuses[impaired]["InstanceStatus"]["Details"][0]["Status"] == "failed"
    assert statuses[impaired]["SystemStatus"]["Status"] == "ok"


def test_status_checks_stay_initializing_when_set_however_long_the_instance_runs(
    ec2: Any, health: InstanceHealth, clock: SimClock
) -> None:
    # Given a running instance whose status checks are set never to finish initializing
    stuck, healthy = _run_instance(ec2), _run_instance(ec2)
    health.set_instance(stuck, InstanceBehaviour(status_check="initializing"))
    # When a day goes by
    clock.advance(86_400)
    # Then both of its checks still initialize (neither passed nor failed), while the other's are ok
    statuses = {
        s["InstanceId"]: s
        for s in ec2.describe_instance_status(InstanceIds=[stuck, healthy])["InstanceStatuses"]
    }
    assert statuses[stuck]["InstanceState"]["Name"] == "running"
    assert (statuses[stuck]["InstanceStatus"]["Status"], statuses[stuck]["SystemStatus"]["Status"]) == (
        "initializing",
        "initializing",
    )
    assert (statuses[healthy]["InstanceStatus"]["Status"], statuses[healthy]["SystemStatus"]["Status"]) == (
        "ok",
        "ok",
    )


# ---- driven by the DRS simulator --------------------------------------------------------------------


@pytest.fixture
def fleet(moto_aws: None) -> Iterator[SimulatorHandle]:
    with simulator_server(fleet=2, ec2_mirror=Ec2Mirror()) as sim:
        yield sim


def _recover_with_one_boot_failure(sim: SimulatorHandle) -> tuple[str, str]:
    drs = sim.drs_client(max_attempts=1)
    servers = [s["sourceServerID"] for s in drs.describe_source_servers()["items"]]
    sim.simulator.set_faults(boot_failure_servers=[servers[1]])
    drs.start_recovery(sourceServers=[{"sourceServerID": s} for s in servers], isDrill=True)
    sim.simulator.clock.advance(3600)
    instances = {
        i["sourceServerID"]: i["recoveryInstanceID"] for i in drs.describe_recovery_instances()["items"]
    }
    return instances[servers[0]], instances[servers[1]]


def test_boot_failure_in_the_simulator_makes_run_command_time_out_and_status_checks_not_ok(
    fleet: SimulatorHandle,
) -> None:
    # Given a drill of two servers in which the simulator fails the second one's boot
    with InstanceHealth(clock=fleet.simulator.clock, simulator=fleet.simulator).installed():
        ssm, ec2 = boto3.client("ssm"), boto3.client("ec2")
        ssm.create_document(
            Name=DOCUMENT, Content=HEALTH_CHECK.read_text(), DocumentType="Command", DocumentFormat="YAML"
        )
        booted, failed = _recover_with_one_boot_failure(fleet)
        # When the health check runs on both
        command_id = _send(ssm, booted, failed)
        fleet.simulator.clock.advance(30)
        # Then the booted one passes and the failed one is still waiting for its agent
        assert _invocation(ssm, command_id, booted)["Status"] == "Success"
        assert _invocation(ssm, command_id, failed)["Status"] == "Pending"
        # And when the delivery timeout passes, the failed one timed out: never Success
        fleet.simulator.clock.advance(DELIVERY_TIMEOUT)
        assert _invocation(ssm, command_id, failed)["StatusDetails"] == "DeliveryTimedOut"
        assert ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] == "TimedOut"
        # And EC2 reports only the booted one running with its checks ok
        running = ec2.describe_instance_status(InstanceIds=[booted, failed])["InstanceStatuses"]
        assert [(s["InstanceId"], s["InstanceStatus"]["Status"]) for s in running] == [(booted, "ok")]
        every = ec2.describe_instance_status(InstanceIds=[failed], IncludeAllInstances=True)[
            "InstanceStatuses"
        ]
        assert (every[0]["InstanceState"]["Name"], every[0]["InstanceStatus"]["Status"]) == (
            "stopped",
            "not-applicable",
        )
        # And a boot-failed instance started again still does not come up: impaired
        ec2.start_instances(InstanceIds=[failed])
        restarted = ec2.describe_instance_status(InstanceIds=[failed])["InstanceStatuses"][0]
        assert restarted["InstanceStatus"]["Status"] == "impaired"


def test_recovery_instance_still_booting_is_initializing_and_not_yet_a_managed_node(
    fleet: SimulatorHandle,
) -> None:
    # Given a one-server drill whose boot will fail, watched with the simulator
    sim = fleet.simulator
    with InstanceHealth(clock=sim.clock, simulator=sim).installed():
        ssm, ec2 = boto3.client("ssm"), boto3.client("ec2")
        ssm.create_document(Name="Run", Content=json.dumps(_COMMAND), DocumentType="Command")
        drs = fleet.drs_client(max_attempts=1)
        server = drs.describe_source_servers()["items"][0]["sourceServerID"]
        sim.set_faults(boot_failure_servers=[server])
        drs.start_recovery(sourceServers=[{"sourceServerID": server}], isDrill=True)
        # When the instance has been launched but its operating system is still starting
        while not drs.describe_recovery_instances()["items"]:
            sim.clock.advance(10)
        instance_id = drs.describe_recovery_instances()["items"][0]["recoveryInstanceID"]
        # Then EC2 says running with both checks initializing, and Run Command does not know it yet
        status = ec2.describe_instance_status(InstanceIds=[instance_id])["InstanceStatuses"][0]
        assert status["InstanceState"]["Name"] == "running"
        assert (status["InstanceStatus"]["Status"], status["SystemStatus"]["Status"]) == (
            "initializing",
            "initializing",
        )
        with pytest.raises(ClientError) as raised:
            ssm.send_command(DocumentName="Run", InstanceIds=[instance_id])
        assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"
        # And once the boot has failed, the instance is stopped: it never passed a check
        sim.clock.advance(3600)
        every = ec2.describe_instance_status(InstanceIds=[instance_id], IncludeAllInstances=True)
        assert every["InstanceStatuses"][0]["InstanceState"]["Name"] == "stopped"


def test_moto_answers_as_before_after_uninstall(ssm: Any, ec2: Any, health: InstanceHealth) -> None:
    health.uninstall()
    instance_id = _run_instance(ec2)
    command_id = ssm.send_command(DocumentName="Anything", InstanceIds=[instance_id])["Command"]["CommandId"]
    assert _invocation(ssm, command_id, instance_id)["Status"] == "Success"
    health.install()
