"""EC2 and SSM gateways per target under moto: the home account with the function's credentials,
another account through its registered role (moto's STS AssumeRole hands out that account's keys)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.target_gateways import BotoTargetGateways, TargetAccounts
from drs_orchestration.domain.errors import NotFound
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.drs import DrsTarget
from tests.integration.adapters.conftest import HOME, REGION, TARGET
from tests.integration.adapters.test_dynamodb_repositories import STAMPS

ROLE = f"arn:aws:iam::{TARGET}:role/drs-orchestration-target"
EXTERNAL_ID = "ext-1234567890abcdef"
IMAGE = "ami-0a1b2c3d4e5f60789"
UNKNOWN = "999988887777"


def _in(account: str, service: str) -> Any:
    """A client holding ``account``'s own credentials (from STS AssumeRole of a role in it)."""
    if account == HOME:
        return boto3.client(service, region_name=REGION)
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="setup"
    )["Credentials"]
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _start_instance(account: str) -> str:
    response = _in(account, "ec2").run_instances(
        ImageId=IMAGE, InstanceType="t3.micro", MinCount=1, MaxCount=1
    )
    return str(response["Instances"][0]["InstanceId"])


@pytest.fixture
def accounts(tables: dict[str, str], dynamodb: Any) -> DynamoDBAccountRepository:
    repository = DynamoDBAccountRepository(dynamodb, tables["ACCOUNTS_TABLE"])
    iam = _in(TARGET, "iam")
    if not iam.list_roles(PathPrefix="/")["Roles"]:  # moto keeps its state across this module's tests
        iam.create_role(RoleName="drs-orchestration-target", AssumeRolePolicyDocument="{}")
    repository.create(
        TargetAccount(
            account_id=TARGET, name="dr", role_arn=ROLE, external_id=EXTERNAL_ID, regions=[REGION], **STAMPS
        )
    )
    return repository


@pytest.fixture
def gateways(accounts: DynamoDBAccountRepository) -> BotoTargetGateways:
    clear_client_cache()
    return BotoTargetGateways(TargetAccounts(accounts, home_account_id=HOME))


def test_instance_in_the_other_account_is_seen_there_and_not_at_home_when_health_is_read(
    gateways: BotoTargetGateways,
) -> None:
    # Given an instance running in the target account and one in the home account
    theirs, ours = _start_instance(TARGET), _start_instance(HOME)

    # When each account's gateway reads both
    there = gateways.ec2(DrsTarget(account_id=TARGET, region=REGION)).instance_health([theirs, ours])
    home = gateways.ec2(DrsTarget(account_id=HOME, region=REGION)).instance_health([theirs, ours])

    # Then each sees only its own instance
    assert set(there) == {theirs}
    assert there[theirs].state == "running"
    assert set(home) == {ours}


def test_command_runs_in_the_other_account_when_sent_through_its_gateway(
    gateways: BotoTargetGateways,
) -> None:
    instance = _start_instance(TARGET)
    ssm = gateways.ssm(DrsTarget(account_id=TARGET, region=REGION))

    command_id = ssm.send_command(
        "AWS-RunShellScript", [instance], {"commands": ["true"]}, timeout_seconds=60, comment="check"
    )

    theirs = _in(TARGET, "ssm").list_commands(CommandId=command_id)["Commands"]
    assert [c["CommandId"] for c in theirs] == [command_id]
    assert instance in theirs[0]["InstanceIds"]
    with pytest.raises(ClientError) as at_home:
        _in(HOME, "ssm").list_commands(CommandId=command_id)
    assert at_home.value.response["Error"]["Code"] == "InvalidCommandId"
    assert set(ssm.command_outcomes(command_id, [instance])) == {instance}


def test_other_account_is_reached_through_its_role_with_the_external_id_when_clients_are_built(
    gateways: BotoTargetGateways,
) -> None:
    client: Any = gateways.ssm(DrsTarget(account_id=TARGET, region=REGION)).client
    credentials = client._request_signer._credentials  # the assumed-role session's keys
    identity = boto3.client(
        "sts",
        region_name=REGION,
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
    ).get_caller_identity()

    assert identity["Arn"].startswith(f"arn:aws:sts::{TARGET}:assumed-role/drs-orchestration-target/")
    # one session and client per target, reused
    assert gateways.ssm(DrsTarget(account_id=TARGET, region=REGION)).client is client


def test_unknown_account_fails_as_the_drs_factory_does_when_a_gateway_is_asked_for(
    gateways: BotoTargetGateways, accounts: DynamoDBAccountRepository
) -> None:
    target = DrsTarget(account_id=UNKNOWN, region=REGION)
    drs = BotoDrsGatewayFactory(accounts, home_account_id=HOME)

    with pytest.raises(NotFound) as from_drs:
        drs.for_target(target)
    with pytest.raises(NotFound) as from_ec2:
        gateways.ec2(target)
    with pytest.raises(NotFound) as from_ssm:
        gateways.ssm(target)

    assert str(from_ec2.value) == str(from_ssm.value) == str(from_drs.value)
    assert UNKNOWN in str(from_ec2.value)
