"""SSM Automation on moto: StartAutomationExecution .. DescribeAutomationExecutions through boto3."""

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from drs_local.ssm_emulation import AutomationOutcome, SsmAutomationEmulation, check_hooks
from drs_simulator.clock import SimClock

RESTART = {
    "schemaVersion": "0.3",
    "description": "Restart an application",
    "parameters": {
        "InstanceId": {"type": "String"},
        "Service": {"type": "String", "default": "app"},
    },
    "mainSteps": [
        {"name": "stopService", "action": "aws:runCommand", "inputs": {}},
        {"name": "startService", "action": "aws:runCommand", "inputs": {}},
    ],
    "outputs": ["startService.Output"],
}


@pytest.fixture
def emulation(moto_aws: None, clock: SimClock) -> Iterator[SsmAutomationEmulation]:
    with SsmAutomationEmulation(clock=clock).installed() as installed:
        yield installed


@pytest.fixture
def ssm(emulation: SsmAutomationEmulation) -> Any:
    client = boto3.client("ssm")
    client.create_document(
        Name="RestartApp", Content=json.dumps(RESTART), DocumentType="Automation", DocumentFormat="JSON"
    )
    return client


def _execution(ssm: Any, execution_id: str) -> dict[str, Any]:
    described: dict[str, Any] = ssm.get_automation_execution(AutomationExecutionId=execution_id)[
        "AutomationExecution"
    ]
    return described


def _start(ssm: Any, **parameters: str) -> str:
    return str(
        ssm.start_automation_execution(
            DocumentName="RestartApp",
            Parameters={"InstanceId": ["i-0123456789abcdef0"], **{k: [v] for k, v in parameters.items()}},
        )["AutomationExecutionId"]
    )


def _error(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def test_hooks_exist_in_the_installed_moto_and_still_check_out_while_installed() -> None:
    check_hooks()
    with SsmAutomationEmulation(time_scale=10).installed():
        check_hooks()


def test_execution_succeeds_after_its_default_duration_when_nothing_is_configured(
    ssm: Any, clock: SimClock
) -> None:
    # Given an execution of an existing Automation document
    execution_id = _start(ssm)
    # Then it is in progress at first, on the document's first step
    running = _execution(ssm, execution_id)
    assert running["AutomationExecutionStatus"] == "InProgress"
    assert "ExecutionEndTime" not in running
    assert [s["StepStatus"] for s in running["StepExecutions"]] == ["InProgress", "Pending"]
    # When ten simulated seconds pass
    clock.advance(10)
    # Then it has succeeded, every step done, and it ended ten seconds after it started
    done = _execution(ssm, execution_id)
    assert done["AutomationExecutionStatus"] == "Success"
    assert [s["StepName"] for s in done["StepExecutions"]] == ["stopService", "startService"]
    assert {s["StepStatus"] for s in done["StepExecutions"]} == {"Success"}
    assert (done["ExecutionEndTime"] - done["ExecutionStartTime"]).total_seconds() == 10
    assert done["Parameters"]["InstanceId"] == ["i-0123456789abcdef0"]


def test_execution_reports_configured_outputs_when_it_succeeds(
    ssm: Any, emulation: SsmAutomationEmulation, clock: SimClock
) -> None:
    emulation.set_outcome(
        "RestartApp", AutomationOutcome(duration_seconds=30, outputs={"startService.Output": ["restarted"]})
    )
    execution_id = _start(ssm)
    clock.advance(29)
    assert _execution(ssm, execution_id)["AutomationExecutionStatus"] == "InProgress"
    clock.advance(1)
    done = _execution(ssm, execution_id)
    assert done["AutomationExecutionStatus"] == "Success"
    assert done["Outputs"] == {"startService.Output": ["restarted"]}


def test_execution_fails_with_the_configured_message_only_for_the_matching_parameter_value(
    ssm: Any, emulation: SsmAutomationEmulation, clock: SimClock
) -> None:
    # Given restarts of "db" fail while restarts of anything else succeed
    emulation.set_outcome(
        "RestartApp",
        AutomationOutcome(result="Failed", duration_seconds=5, failure_message="db did not come back"),
        when={"Service": "db"},
    )
    emulation.set_outcome("RestartApp", AutomationOutcome(duration_seconds=5))
    failing, passing = _start(ssm, Service="db"), _start(ssm, Service="web")
    # When both have had their time
    clock.advance(5)
    # Then only the db restart failed, with the message on the execution and on its last step
    failed = _execution(ssm, failing)
    assert failed["AutomationExecutionStatus"] == "Failed"
    assert failed["FailureMessage"] == "db did not come back"
    assert failed["StepExecutions"][-1]["StepStatus"] == "Failed"
    assert failed["StepExecutions"][-1]["FailureMessage"] == "db did not come back"
    assert failed.get("Outputs", {}) == {}
    assert _execution(ssm, passing)["AutomationExecutionStatus"] == "Success"


def test_execution_times_out_when_configured_to(
    ssm: Any, emulation: SsmAutomationEmulation, clock: SimClock
) -> None:
    emulation.set_outcome("RestartApp", AutomationOutcome(result="TimedOut", duration_seconds=600))
    execution_id = _start(ssm)
    clock.advance(600)
    timed_out = _execution(ssm, execution_id)
    assert timed_out["AutomationExecutionStatus"] == "TimedOut"
    assert timed_out["FailureMessage"]


def test_hung_execution_stays_in_progress_past_the_callers_timeout_until_stopped(
    ssm: Any, emulation: SsmAutomationEmulation, clock: SimClock
) -> None:
    # Given a stuck automation
    emulation.set_outcome("RestartApp", AutomationOutcome(result="Hang"))
    execution_id = _start(ssm)
    # When a day passes (far beyond any action timeout)
    clock.advance(86_400)
    # Then it is still in progress: only the caller's own timeout can end the wait
    assert _execution(ssm, execution_id)["AutomationExecutionStatus"] == "InProgress"
    # And when the caller stops it, it is cancelled, and cannot be stopped twice
    ssm.stop_automation_execution(AutomationExecutionId=execution_id)
    cancelled = _execution(ssm, execution_id)
    assert cancelled["AutomationExecutionStatus"] == "Cancelled"
    assert cancelled["ExecutionEndTime"] >= cancelled["ExecutionStartTime"]
    with pytest.raises(ClientError) as raised:
        ssm.stop_automation_execution(AutomationExecutionId=execution_id)
    assert _error(raised) == "InvalidAutomationStatusUpdateException"


def test_start_is_refused_when_the_document_does_not_exist(ssm: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ssm.start_automation_execution(DocumentName="NoSuchDocument")
    assert _error(raised) == "AutomationDefinitionNotFoundException"
    assert "NoSuchDocument" in str(raised.value)


def test_start_is_refused_when_the_document_is_not_an_automation_document(ssm: Any) -> None:
    ssm.create_document(
        Name="ACommand",
        Content=json.dumps({"schemaVersion": "2.2", "mainSteps": []}),
        DocumentType="Command",
        DocumentFormat="JSON",
    )
    with pytest.raises(ClientError) as raised:
        ssm.start_automation_execution(DocumentName="ACommand")
    assert _error(raised) == "AutomationDefinitionNotFoundException"


@pytest.mark.parametrize(
    ("parameters", "named"),
    [({"Service": ["db"]}, "InstanceId"), ({"InstanceId": ["i-1"], "Colour": ["red"]}, "Colour")],
)
def test_start_is_refused_naming_the_parameter_when_parameters_do_not_fit_the_document(
    ssm: Any, parameters: dict[str, list[str]], named: str
) -> None:
    with pytest.raises(ClientError) as raised:
        ssm.start_automation_execution(DocumentName="RestartApp", Parameters=parameters)
    assert _error(raised) == "InvalidAutomationExecutionParametersException"
    assert named in str(raised.value)


def test_aws_owned_document_runs_once_an_outcome_names_it(
    ssm: Any, emulation: SsmAutomationEmulation, clock: SimClock
) -> None:
    with pytest.raises(ClientError):
        ssm.start_automation_execution(DocumentName="AWS-RestartEC2Instance")
    emulation.set_outcome("AWS-RestartEC2Instance", AutomationOutcome(duration_seconds=1))
    execution_id = ssm.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance", Parameters={"InstanceId": ["i-1"]}
    )["AutomationExecutionId"]
    clock.advance(1)
    assert _execution(ssm, execution_id)["AutomationExecutionStatus"] == "Success"


def test_repeated_client_token_returns_the_first_execution_instead_of_starting_another(ssm: Any) -> None:
    # Given an execution started with a client token
    token = "7f1c2f4e-7a53-4d0c-9a4f-6f0d2f9b7c11"
    request = {"DocumentName": "RestartApp", "Parameters": {"InstanceId": ["i-1"]}, "ClientToken": token}
    first = ssm.start_automation_execution(**request)["AutomationExecutionId"]
    # When the same request is retried (in upper case: tokens are case-insensitive)
    again = ssm.start_automation_execution(**{**request, "ClientToken": token.upper()})[
        "AutomationExecutionId"
    ]
    # Then it is the same execution, and only one exists
    assert again == first
    assert len(ssm.describe_automation_executions()["AutomationExecutionMetadataList"]) == 1
    # And the token cannot be reused for a different request
    with pytest.raises(ClientError) as raised:
        ssm.start_automation_execution(**{**request, "Parameters": {"InstanceId": ["i-2"]}})
    assert _error(raised) == "IdempotentParameterMismatch"


def test_client_token_that_is_not_a_uuid_is_refused(ssm: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ssm.start_automation_execution(
            DocumentName="RestartApp", Parameters={"InstanceId": ["i-1"]}, ClientToken="x" * 36
        )
    assert _error(raised) == "ValidationException"
    assert "ClientToken" in str(raised.value)


def test_unknown_execution_is_not_found(ssm: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ssm.get_automation_execution(AutomationExecutionId="00000000-0000-0000-0000-000000000000")
    assert _error(raised) == "AutomationExecutionNotFoundException"


def test_describe_filters_by_status_and_pages(
    ssm: Any, emulation: SsmAutomationEmulation, clock: SimClock
) -> None:
    # Given one hung and two finished executions
    emulation.set_outcome("RestartApp", AutomationOutcome(result="Hang"), when={"Service": "stuck"})
    stuck = _start(ssm, Service="stuck")
    finished = {_start(ssm), _start(ssm)}
    clock.advance(10)
    # When listing the successful ones one per page
    first = ssm.describe_automation_executions(
        Filters=[{"Key": "ExecutionStatus", "Values": ["Success"]}], MaxResults=1
    )
    second = ssm.describe_automation_executions(
        Filters=[{"Key": "ExecutionStatus", "Values": ["Success"]}],
        MaxResults=1,
        NextToken=first["NextToken"],
    )
    # Then both finished ones come back, across two pages, and the hung one is InProgress
    listed = first["AutomationExecutionMetadataList"] + second["AutomationExecutionMetadataList"]
    assert {item["AutomationExecutionId"] for item in listed} == finished
    assert "NextToken" not in second
    in_progress = ssm.describe_automation_executions(
        Filters=[{"Key": "ExecutionStatus", "Values": ["InProgress"]}]
    )["AutomationExecutionMetadataList"]
    assert [item["AutomationExecutionId"] for item in in_progress] == [stuck]
    with pytest.raises(ClientError) as raised:
        ssm.describe_automation_executions(Filters=[{"Key": "TagKey", "Values": ["x"]}])
    assert _error(raised) == "InvalidFilterKey"


def test_describe_filters_by_start_time_and_refuses_a_time_that_is_not_one(ssm: Any, clock: SimClock) -> None:
    early = _start(ssm)
    clock.advance(60)
    late = _start(ssm)
    cut = (clock.now() - timedelta(seconds=30)).isoformat()
    after = ssm.describe_automation_executions(Filters=[{"Key": "StartTimeAfter", "Values": [cut]}])
    before = ssm.describe_automation_executions(Filters=[{"Key": "StartTimeBefore", "Values": [cut]}])
    assert [i["AutomationExecutionId"] for i in after["AutomationExecutionMetadataList"]] == [late]
    assert [i["AutomationExecutionId"] for i in before["AutomationExecutionMetadataList"]] == [early]
    with pytest.raises(ClientError) as raised:
        ssm.describe_automation_executions(Filters=[{"Key": "StartTimeAfter", "Values": ["yesterday"]}])
    assert _error(raised) == "InvalidFilterValue"
    assert "StartTimeAfter" in str(raised.value)


def test_actions_are_gone_again_after_uninstall(moto_aws: None) -> None:
    emulation = SsmAutomationEmulation(time_scale=10)
    with emulation.installed():
        pass
    with pytest.raises(NotImplementedError):
        boto3.client("ssm").get_automation_execution(AutomationExecutionId="0" * 36)
