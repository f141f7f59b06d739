"""The role each recovery account deploys allows what the product does there, and on EC2 and SSM
nothing more: every call the DRS, EC2 and SSM gateways make (found from the code of every function
that uses them) is granted, and the role's EC2 and SSM actions are exactly the ones those calls need
(with the EC2 actions DRS performs with the caller's permissions when it launches)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from tests.infra.code_scan import DEPENDENT_ACTIONS, AwsCall, aws_calls, reachable_modules
from tests.infra.templates import CFN, expanded, functions, role_actions

# The adapters that act inside a target account (through its role when it is not the home account).
TARGET_SIDE_MODULES = frozenset(
    {
        "drs_orchestration.adapters.drs.boto_drs_gateway",
        "drs_orchestration.adapters.ec2.boto_ec2_gateway",
        "drs_orchestration.adapters.ssm.boto_ssm_gateway",
    }
)


def _role_allows() -> list[str]:
    return role_actions(expanded(CFN / "target-account-role.yaml"))["OrchestrationAccessRole"]


def _target_side_calls() -> list[AwsCall]:
    calls: list[AwsCall] = []
    for function in functions():
        module = function.handler.rpartition(".")[0]
        _, found = aws_calls(reachable_modules(module))
        calls += [call for call in found if call.module in TARGET_SIDE_MODULES]
    return calls


def test_every_target_side_call_is_allowed_when_the_engine_or_api_assumes_the_target_role() -> None:
    allowed = _role_allows()

    def granted(action: str) -> bool:
        return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in allowed)

    calls = _target_side_calls()
    denied = [
        f"{call.module}:{call.line} {call.method} needs one of {sorted(sorted(a) for a in call.actions)}"
        for call in calls
        if not any(all(granted(action) for action in alternative) for alternative in call.actions)
    ]

    # the scan must see the health gate and the actions, or the check above proves nothing
    assert {
        "describe_instance_status",
        "send_command",
        "start_automation_execution",
        "get_document",
        "create_document",
    } <= {call.method for call in calls}
    assert denied == []


def test_target_role_grants_exactly_the_ec2_and_ssm_actions_the_gateways_use_when_read() -> None:
    needed = {
        action.lower()
        for call in _target_side_calls()
        for alternative in call.actions
        for action in alternative
        if action.startswith(("ec2:", "ssm:"))
    }

    granted = {action.lower() for action in _role_allows() if action.startswith(("ec2:", "ssm:"))}

    assert granted == needed
    launch = DEPENDENT_ACTIONS[("drs", "StartRecovery")]
    launch_dependencies = {action.lower() for action in launch if action.startswith("ec2:")}
    assert needed == launch_dependencies | {
        "ec2:describeinstancestatus",
        "ssm:sendcommand",
        "ssm:listcommandinvocations",
        "ssm:cancelcommand",
        "ssm:startautomationexecution",
        "ssm:getautomationexecution",
        "ssm:stopautomationexecution",
        "ssm:getdocument",
        "ssm:createdocument",
    }
