"""Stopping SSM work through the gateway, under moto with the local runtime's Run Command and
Automation emulations (moto has neither CancelCommand nor Automation): best effort, never raising.
Sending: SSM's refusals are ``CommandRefused`` with SSM's code; what botocore retries is raised as is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from drs_local.instance_health import InstanceBehaviour, InstanceHealth
from drs_local.ssm_emulation import AutomationOutcome, SsmAutomationEmulation
from drs_orchestration.adapters.ssm.boto_ssm_gateway import BotoSsmGateway
from drs_orchestration.adapters.ssm.document_copies import DocumentContent, DocumentCopies
from drs_orchestration.domain.errors import CommandRefused
from drs_orchestration.domain.models.drs import DrsTarget
from drs_simulator.clock import SimClock
from tests.integration.adapters.conftest import REGION

AUTOMATION = "RestartApp"
_COMMAND = {
    "schemaVersion": "2.2",
    "mainSteps": [{"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}],
}
_AUTOMATION_CONTENT = {
    "schemaVersion": "0.3",
    "mainSteps": [{"name": "restart", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
}


@pytest.fixture
def clock() -> SimClock:
    return SimClock("manual")


@pytest.fixture
def emulations(
    moto_environment: None, clock: SimClock
) -> Iterator[tuple[InstanceHealth, SsmAutomationEmulation]]:
    with (
        mock_aws(),
        InstanceHealth(clock=clock).installed() as health,
        SsmAutomationEmulation(clock=clock).installed() as automation,
    ):
        boto3.client("ssm").create_document(
            Name=AUTOMATION,
            Content=json.dumps(_AUTOMATION_CONTENT),
            DocumentType="Automation",
            DocumentFormat="JSON",
        )
        yield health, automation


@pytest.fixture
def gateway(emulations: Any) -> BotoSsmGateway:
    return BotoSsmGateway(boto3.client("ssm", region_name=REGION))


def _instance() -> str:
    reservation = boto3.client("ec2").run_instances(ImageId="ami-0a1b2c3d4e5f60789", MinCount=1, MaxCount=1)
    return str(reservation["Instances"][0]["InstanceId"])


def _send(gateway: BotoSsmGateway, *instance_ids: str) -> str:
    return gateway.send_command(
        "AWS-RunShellScript", list(instance_ids), {"commands": ["sleep 1"]}, timeout_seconds=600, comment="t"
    )


def test_hung_command_ends_cancelled_when_the_gateway_cancels_it(
    gateway: BotoSsmGateway, emulations: tuple[InstanceHealth, SsmAutomationEmulation], clock: SimClock
) -> None:
    # Given a command that hangs on one instance and has finished on another
    health, _ = emulations
    hung, done = _instance(), _instance()
    health.set_instance(hung, InstanceBehaviour(hang=True))
    health.set_instance(done, InstanceBehaviour(command_seconds=1))
    command_id = _send(gateway, hung, done)
    clock.advance(60)
    assert gateway.command_outcomes(command_id, [hung])[hung].pending

    # When the gateway cancels it on both
    cancelled = gateway.cancel_command(command_id, [hung, done])

    # Then the hung one is cancelled, the finished one keeps its result
    outcomes = gateway.command_outcomes(command_id, [hung, done])
    assert cancelled is True
    assert {i: o.status for i, o in outcomes.items()} == {hung: "Cancelled", done: "Success"}
    assert not outcomes[hung].pending
    # and cancelling what has ended is no error
    assert gateway.cancel_command(command_id, [hung, done]) is True


def test_cancel_of_an_unknown_command_is_no_error_when_asked(gateway: BotoSsmGateway) -> None:
    assert gateway.cancel_command("0" * 36, [_instance()]) is False


def test_hung_automation_ends_cancelled_when_the_gateway_stops_it(
    gateway: BotoSsmGateway, emulations: tuple[InstanceHealth, SsmAutomationEmulation], clock: SimClock
) -> None:
    # Given an automation that never ends by itself
    _, automation = emulations
    automation.set_outcome(AUTOMATION, AutomationOutcome(result="Hang"))
    automation_id = gateway.start_automation(
        AUTOMATION, {}, client_token="7b0d3a42-52f1-4f3e-9d0a-1c2b3d4e5f60"
    )
    clock.advance(86_400)
    assert gateway.automation_status(automation_id)[0] == "InProgress"

    # When the gateway stops it
    stopped = gateway.stop_automation(automation_id)

    # Then it is cancelled; stopping it again, or an unknown one, is no error
    assert stopped is True
    assert gateway.automation_status(automation_id)[0] == "Cancelled"
    assert gateway.stop_automation(automation_id) is False
    assert gateway.stop_automation("00000000-0000-0000-0000-000000000000") is False


def test_finished_automation_is_left_as_it_ended_when_the_gateway_stops_it(
    gateway: BotoSsmGateway, clock: SimClock
) -> None:
    automation_id = gateway.start_automation(
        AUTOMATION, {}, client_token="0e8f1c7a-9b2d-4c3e-8f4a-5b6c7d8e9f01"
    )
    clock.advance(60)

    assert gateway.stop_automation(automation_id) is False
    assert gateway.automation_status(automation_id)[0] == "Success"


def test_stopping_never_raises_when_ssm_cannot_be_reached(emulations: Any) -> None:
    # Given a client whose endpoint refuses connections (one attempt, no retries)
    unreachable = boto3.client(
        "ssm",
        region_name=REGION,
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1),
    )
    gateway = BotoSsmGateway(unreachable)

    assert gateway.cancel_command("0" * 36, []) is False
    assert gateway.stop_automation("00000000-0000-0000-0000-000000000000") is False


def test_send_is_refused_as_instance_not_ready_while_the_agent_has_not_registered(
    gateway: BotoSsmGateway, emulations: tuple[InstanceHealth, SsmAutomationEmulation], clock: SimClock
) -> None:
    # Given an instance whose SSM agent registers a minute after launch
    health, _ = emulations
    health.default = InstanceBehaviour(registers_after_seconds=60)
    instance = _instance()

    # When a command is sent to it at once, SSM refuses it, and the gateway says so in domain terms
    with pytest.raises(CommandRefused) as refused:
        _send(gateway, instance)
    assert refused.value.reason == "InvalidInstanceId"
    assert refused.value.instance_not_ready
    assert instance in refused.value.message
    assert refused.value.describe().startswith("SSM refused the command (InvalidInstanceId: ")

    # Then, once the agent has registered, the same send is taken
    clock.advance(60)
    assert gateway.command_outcomes(_send(gateway, instance), [instance])[instance].status == "InProgress"


def test_send_of_a_missing_document_is_refused_and_not_as_instance_not_ready(gateway: BotoSsmGateway) -> None:
    with pytest.raises(CommandRefused) as refused:
        gateway.send_command("NoSuchDocument", [_instance()], {}, timeout_seconds=600, comment="t")
    assert refused.value.reason == "InvalidDocument"
    assert not refused.value.instance_not_ready


def test_send_is_refused_when_an_older_role_may_not_create_the_health_check_copy(
    emulations: Any,
) -> None:
    # Given the product's document at home, and a recovery account whose role may send commands but
    # not create documents (it predates the copies)
    home = boto3.client("ssm", region_name=REGION)
    home.create_document(
        Name="ProductHealthCheck", Content=json.dumps(_COMMAND), DocumentType="Command", DocumentFormat="JSON"
    )
    copies = DocumentCopies("ProductHealthCheck", lambda: home)
    copies.remember_content(DocumentContent.of(home.get_document(Name="ProductHealthCheck")))
    iam = boto3.client("iam")
    iam.create_user(UserName="older-role")
    allowed = {"Effect": "Allow", "Action": ["ssm:GetDocument", "ssm:SendCommand"], "Resource": "*"}
    policy = {"Version": "2012-10-17", "Statement": [allowed]}
    iam.put_user_policy(UserName="older-role", PolicyName="ssm", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="older-role")["AccessKey"]
    client = boto3.client(
        "ssm",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    target = DrsTarget(account_id="444455556666", region=REGION)
    gateway = BotoSsmGateway(client, copy=copies.for_target(target))
    instance = _instance()

    def send() -> str:  # with IAM enforced, as on AWS
        return gateway.send_command("ProductHealthCheck", [instance], {}, timeout_seconds=600, comment="t")

    # When a health check is sent there, the copy cannot be made: a refusal naming the call
    with pytest.raises(CommandRefused) as refused:
        set_initial_no_auth_action_count(0)(send)()
    assert refused.value.message.startswith("copying ProductHealthCheck: ")
    assert "ssm:CreateDocument" in refused.value.message
    assert not refused.value.instance_not_ready
    assert not copies.ready(target)


def test_send_raises_what_botocore_retries_unchanged_when_ssm_cannot_be_reached(emulations: Any) -> None:
    unreachable = boto3.client(
        "ssm",
        region_name=REGION,
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1),
    )
    with pytest.raises(EndpointConnectionError):
        _send(BotoSsmGateway(unreachable), "i-0123456789abcdef0")


def _counting(gateway: BotoSsmGateway, operation: str) -> list[dict[str, Any]]:
    """The parameters of each ``operation`` request the gateway's client sends from now on."""
    calls: list[dict[str, Any]] = []
    gateway.client.meta.events.register(
        f"provide-client-params.ssm.{operation}", lambda params, **_: calls.append(dict(params))
    )
    return calls


def test_outcomes_of_250_instances_cost_one_listing_page_per_command_of_50(
    gateway: BotoSsmGateway, emulations: tuple[InstanceHealth, SsmAutomationEmulation], clock: SimClock
) -> None:
    # Given 250 instances in commands of 50 (SendCommand's most), two failing and one unreachable
    health, _ = emulations
    reservation = boto3.client("ec2").run_instances(
        ImageId="ami-0a1b2c3d4e5f60789", MinCount=250, MaxCount=250
    )
    ids = [str(i["InstanceId"]) for i in reservation["Instances"]]
    health.default = InstanceBehaviour(command_seconds=5)
    for failing in (ids[3], ids[170]):
        health.set_instance(failing, InstanceBehaviour(command_seconds=5, exit_code=2))
    health.set_instance(ids[249], InstanceBehaviour(agent="unreachable"))
    commands = {
        _send(gateway, *ids[start : start + 50]): ids[start : start + 50] for start in range(0, 250, 50)
    }
    clock.advance(60)
    listed = _counting(gateway, "ListCommandInvocations")
    single = _counting(gateway, "GetCommandInvocation")

    # When the outcomes of every command are read
    outcomes = {
        instance: outcome
        for command_id, members in commands.items()
        for instance, outcome in gateway.command_outcomes(command_id, members).items()
    }

    # Then each command cost one page and no instance a call of its own
    assert len(listed) == 5
    assert {call["CommandId"] for call in listed} == set(commands)
    assert all(call["Details"] is False for call in listed)
    assert single == []
    # and every instance has its own outcome, as the emulation drives it
    assert len(outcomes) == 250
    assert {i for i, o in outcomes.items() if o.status == "Failed"} == {ids[3], ids[170]}
    assert outcomes[ids[249]].pending
    assert sum(o.status == "Success" for o in outcomes.values()) == 247


def test_outcomes_list_only_the_instances_asked_for_and_read_output_only_when_asked(
    gateway: BotoSsmGateway, emulations: tuple[InstanceHealth, SsmAutomationEmulation], clock: SimClock
) -> None:
    health, _ = emulations
    first, second = _instance(), _instance()
    health.default = InstanceBehaviour(command_seconds=1)
    command_id = _send(gateway, first, second)
    clock.advance(60)
    listed = _counting(gateway, "ListCommandInvocations")

    outcomes = gateway.command_outcomes(command_id, [second], with_output=True)

    assert list(outcomes) == [second]
    assert outcomes[second].status == "Success"
    assert [call["Details"] for call in listed] == [True]


def test_outcomes_of_a_command_not_listed_yet_are_all_pending(gateway: BotoSsmGateway) -> None:
    assert gateway.command_outcomes("0" * 36, [_instance()]) == {}
