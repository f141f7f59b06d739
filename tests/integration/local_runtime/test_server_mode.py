"""The same emulations answer when moto runs as a server in this process (as the local mode runs it)."""

import json
import queue
from typing import Any

import boto3
import pytest

from drs_local.event_bridge import EventBridgeBridge
from drs_local.instance_health import InstanceBehaviour, InstanceHealth
from drs_local.ssm_emulation import AutomationOutcome, SsmAutomationEmulation
from drs_simulator.clock import SimClock

AUTOMATION = {"schemaVersion": "0.3", "mainSteps": [{"name": "only", "action": "aws:sleep", "inputs": {}}]}
COMMAND = {
    "schemaVersion": "2.2",
    "mainSteps": [{"name": "run", "action": "aws:runShellScript", "inputs": {}}],
}


@pytest.fixture
def endpoint(moto_server: str) -> str:
    return moto_server


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_automation_run_command_and_bridge_work_against_moto_server(endpoint: str) -> None:
    clock = SimClock("manual")
    ssm, ec2, events = _client("ssm", endpoint), _client("ec2", endpoint), _client("events", endpoint)
    automation = SsmAutomationEmulation(clock=clock)
    automation.set_outcome("Fail", AutomationOutcome(result="Failed", failure_message="no"))
    health = InstanceHealth(clock=clock)
    with (
        automation.installed(),
        health.installed(),
        EventBridgeBridge(events, _client("sqs", endpoint)) as bridge,
    ):
        # Given documents, an instance whose commands fail, and a routed rule
        ssm.create_document(Name="Fail", Content=json.dumps(AUTOMATION), DocumentType="Automation")
        ssm.create_document(Name="Run", Content=json.dumps(COMMAND), DocumentType="Command")
        instance = ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60789", MinCount=1, MaxCount=1)["Instances"][0]
        health.set_instance(instance["InstanceId"], InstanceBehaviour(exit_code=2))
        received: queue.Queue[dict[str, Any]] = queue.Queue()
        bridge.route("custom", {"source": ["drs.local.test"]}, received.put)
        # When an automation and a command run to their end, and an event is put
        execution_id = ssm.start_automation_execution(DocumentName="Fail")["AutomationExecutionId"]
        command_id = ssm.send_command(DocumentName="Run", InstanceIds=[instance["InstanceId"]])["Command"][
            "CommandId"
        ]
        clock.advance(60)
        events.put_events(Entries=[{"Source": "drs.local.test", "DetailType": "t", "Detail": "{}"}])
        # Then each answers as configured, over HTTP
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)["AutomationExecution"]
        assert (execution["AutomationExecutionStatus"], execution["FailureMessage"]) == ("Failed", "no")
        invocation = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance["InstanceId"])
        assert (invocation["Status"], invocation["ResponseCode"]) == ("Failed", 2)
        assert received.get(timeout=10)["source"] == "drs.local.test"
