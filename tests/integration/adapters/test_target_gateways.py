"""EC2 and SSM gateways per target under moto: the home account with the function's credentials,
another account through its registered role (moto's STS AssumeRole hands out that account's keys);
outside the home account and Region the product's health check runs as a copy named by its content."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from drs_local.instance_health import InstanceHealth
from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.target_gateways import BotoTargetGateways, TargetAccounts
from drs_orchestration.domain.errors import NotFound
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.drs import DrsTarget
from drs_simulator.clock import SimClock
from tests.integration.accounts import in_account
from tests.integration.adapters.conftest import HOME, REGION, TARGET
from tests.integration.adapters.contract import STAMPS

ROLE = f"arn:aws:iam::{TARGET}:role/drs-orchestration-target"
EXTERNAL_ID = "ext-1234567890abcdef"
IMAGE = "ami-0a1b2c3d4e5f60789"
UNKNOWN = "999988887777"


HEALTH_CHECK = Path(__file__).resolve().parents[3] / "ssm-documents" / "post-launch-health-check.yaml"
OTHER_REGION = "eu-west-1"


def _start_instance(account: str, region: str = REGION) -> str:
    response = in_account(account, "ec2", region).run_instances(
        ImageId=IMAGE, InstanceType="t3.micro", MinCount=1, MaxCount=1
    )
    return str(response["Instances"][0]["InstanceId"])


@pytest.fixture
def accounts(tables: dict[str, str], dynamodb: Any) -> DynamoDBAccountRepository:
    repository = DynamoDBAccountRepository(dynamodb, tables["ACCOUNTS_TABLE"])
    iam = in_account(TARGET, "iam")
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

    with InstanceHealth(clock=SimClock("manual")).installed():  # moto lists no command invocations
        command_id = ssm.send_command(
            "AWS-RunShellScript", [instance], {"commands": ["true"]}, timeout_seconds=60, comment="check"
        )

        theirs = in_account(TARGET, "ssm").list_commands(CommandId=command_id)["Commands"]
        assert [c["CommandId"] for c in theirs] == [command_id]
        assert instance in theirs[0]["InstanceIds"]
        with pytest.raises(ClientError) as at_home:
            in_account(HOME, "ssm").list_commands(CommandId=command_id)
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


# ---- the product's health-check document outside its home ---------------------------------------


@pytest.fixture
def product_document() -> str:
    """The product's document, installed (as the stack does) at home only. moto keeps its state across
    this module's tests, so each test's document has a content (and so a copy name) of its own."""
    name = f"drs-orchestration-PostLaunchHealthCheckDocument-{uuid.uuid4().hex[:8]}"
    in_account(HOME, "ssm").create_document(
        Name=name,
        Content=HEALTH_CHECK.read_text().replace("description: >-\n", f"description: >-\n  {name}\n", 1),
        DocumentType="Command",
        DocumentFormat="YAML",
    )
    return name


@pytest.fixture
def with_document(accounts: DynamoDBAccountRepository, product_document: str) -> BotoTargetGateways:
    clear_client_cache()
    return _document_gateways(accounts, product_document)


def _document_gateways(accounts: DynamoDBAccountRepository, document: str) -> BotoTargetGateways:
    return BotoTargetGateways(
        TargetAccounts(accounts, home_account_id=HOME), health_check_document=document, home_region=REGION
    )


def _content(document: str) -> str:
    return str(in_account(HOME, "ssm").get_document(Name=document)["Content"])


def _expected_copy(document: str) -> str:
    return (
        "DrsOrchestration-PostLaunchHealthCheck-"
        + hashlib.sha256(_content(document).encode()).hexdigest()[:12]
    )


def _calls(gateways: BotoTargetGateways, target: DrsTarget) -> list[str]:
    """The SSM operations the target's client makes from now on (botocore's own event hook)."""
    made: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        made.append(event_name.rsplit(".", 1)[-1])

    gateways.ssm(target).client.meta.events.register("before-call.ssm", record)
    return made


def _send_health_check(gateways: BotoTargetGateways, target: DrsTarget, instance: str) -> str:
    assert gateways.copies is not None  # the product's document is known
    return gateways.ssm(target).send_command(
        gateways.copies.name, [instance], {}, timeout_seconds=600, comment="health check"
    )


def _document_of(command_id: str, account: str, region: str = REGION) -> str:
    commands = in_account(account, "ssm", region).list_commands(CommandId=command_id)["Commands"]
    return str(commands[0]["DocumentName"])


def _documents(account: str, region: str = REGION) -> set[str]:
    listed = in_account(account, "ssm", region).list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])
    return {d["Name"] for d in listed["DocumentIdentifiers"]}


def test_other_account_runs_a_copy_created_once_when_the_health_check_is_sent_there(
    with_document: BotoTargetGateways, accounts: DynamoDBAccountRepository, product_document: str
) -> None:
    # Given an instance in the target account, where the product's document was never installed
    target = DrsTarget(account_id=TARGET, region=REGION)
    instance = _start_instance(TARGET)
    made = _calls(with_document, target)

    # When the engine sends the product's document there twice
    first = _send_health_check(with_document, target, instance)
    second = _send_health_check(with_document, target, instance)

    # Then both commands ran the content-named copy, created there once with the same content
    copy = _expected_copy(product_document)
    assert _document_of(first, TARGET) == _document_of(second, TARGET) == copy
    assert in_account(TARGET, "ssm").get_document(Name=copy)["Content"] == _content(product_document)
    assert made == ["GetDocument", "CreateDocument", "SendCommand", "SendCommand"]
    assert product_document not in _documents(TARGET)

    # And another process finds the copy there and creates nothing
    made.clear()
    again = _send_health_check(_document_gateways(accounts, product_document), target, instance)
    assert made == ["GetDocument", "SendCommand"]
    assert _document_of(again, TARGET) == copy


def test_other_region_of_the_home_account_gets_its_own_copy_when_the_health_check_runs_there(
    with_document: BotoTargetGateways, product_document: str
) -> None:
    target = DrsTarget(account_id=HOME, region=OTHER_REGION)
    instance = _start_instance(HOME, OTHER_REGION)

    command_id = _send_health_check(with_document, target, instance)

    copy = _expected_copy(product_document)
    assert _document_of(command_id, HOME, OTHER_REGION) == copy
    copied = in_account(HOME, "ssm", OTHER_REGION).get_document(Name=copy)["Content"]
    assert copied == _content(product_document)
    assert copy not in _documents(HOME)
    assert copy not in _documents(TARGET)


def test_home_account_and_region_runs_the_original_when_the_health_check_runs_there(
    with_document: BotoTargetGateways, product_document: str
) -> None:
    target = DrsTarget(account_id=HOME, region=REGION)
    made = _calls(with_document, target)

    command_id = _send_health_check(with_document, target, _start_instance(HOME))

    assert _document_of(command_id, HOME) == product_document
    assert made == ["SendCommand"]
    assert _expected_copy(product_document) not in _documents(HOME)


def test_other_documents_keep_their_names_when_sent_to_another_account(
    with_document: BotoTargetGateways,
) -> None:
    target = DrsTarget(account_id=TARGET, region=REGION)
    made = _calls(with_document, target)

    command_id = with_document.ssm(target).send_command(
        "AWS-RunShellScript",
        [_start_instance(TARGET)],
        {"commands": ["true"]},
        timeout_seconds=60,
        comment="x",
    )

    assert _document_of(command_id, TARGET) == "AWS-RunShellScript"
    assert made == ["SendCommand"]


def test_copy_created_by_a_concurrent_run_is_used_when_its_create_loses_the_race(
    with_document: BotoTargetGateways, product_document: str
) -> None:
    # Given another process that creates the copy between this one's lookup and its create
    target = DrsTarget(account_id=TARGET, region=REGION)
    copy = _expected_copy(product_document)
    raced: list[str] = []

    def other_process_first(**_: Any) -> None:
        in_account(TARGET, "ssm").create_document(
            Name=copy, Content=_content(product_document), DocumentType="Command", DocumentFormat="YAML"
        )
        raced.append(copy)

    with_document.ssm(target).client.meta.events.register(
        "before-call.ssm.CreateDocument", other_process_first
    )

    # When the health check is sent, its own create answers "already exists"
    command_id = _send_health_check(with_document, target, _start_instance(TARGET))

    # Then the command runs the copy the other process made
    assert raced == [copy]
    assert _document_of(command_id, TARGET) == copy
