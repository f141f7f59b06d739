"""deploy.sh checks before it creates anything (AWS CLI v2, Node.js for the console, DRS initialized,
the stack's state), shows a change set with --dry-run without executing it, and creates a new
stack with deletion protection off before turning it on. Run against a moto server and the DRS
simulator with the real AWS CLI."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from tests.infra.conftest import REGION, aws_cli_reporting
from tests.infra.templates import ROOT
from tests.infra.test_scripts import DEPLOY, moto_client, needs_aws_cli, run

pytestmark = needs_aws_cli


def initialize_drs(endpoint: str) -> None:
    boto3.client(
        "drs",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).initialize_service()


def bucket_names(endpoint: str) -> set[str]:
    return {bucket["Name"] for bucket in moto_client("s3", endpoint).list_buckets()["Buckets"]}


def live_stacks(endpoint: str) -> dict[str, str]:
    stacks = moto_client("cloudformation", endpoint).describe_stacks()["Stacks"]
    return {s["StackName"]: s["StackStatus"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"}


def fake_tool(directory: Path, name: str, output: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(f"#!/usr/bin/env bash\necho {shlex.quote(output)}\n")
    (directory / name).chmod(0o755)


def test_deploy_refuses_the_aws_cli_version_1_before_anything_else_when_checking_tools(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**script_env, "PATH": f"{aws_cli_reporting('1.45.11', tmp_path / 'v1')}:{script_env['PATH']}"}

    result = run(DEPLOY, "--skip-console", "--build-dir", str(tmp_path / "build"), env=env)

    assert result.returncode == 1
    assert "the AWS CLI version 2 is needed, found: aws-cli/1.45.11" in result.stderr
    assert "getting-started-install" in result.stderr
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize(("node", "accepted"), [("v20.18.3", False), ("v18.20.4", False), ("v20.19.0", True)])
def test_deploy_checks_the_node_version_the_console_lockfile_needs_when_it_builds_the_console(
    script_env: dict[str, str], tmp_path: Path, node: str, accepted: bool
) -> None:
    # Given a Node.js of that version (and no credentials, so an accepted run stops right after)
    tools = tmp_path / "node"
    fake_tool(tools, "node", node)
    fake_tool(tools, "npm", "10.8.2")
    env = {**script_env, "PATH": f"{tools}:{script_env['PATH']}"}
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    wanted = json.loads((ROOT / "frontend" / "package.json").read_text())["engines"]["node"]

    result = run(DEPLOY, "--region", REGION, "--build-dir", str(tmp_path / "build"), env=env)

    assert result.returncode == 1
    assert wanted == ">=20.19"
    if accepted:
        assert f"Node.js {node[1:]} (the console needs 20.19 or later)" in result.stdout
        assert "no usable AWS credentials" in result.stderr
    else:
        assert f"needs Node.js 20.19 or later, found: {node[1:]}" in result.stderr
        assert "--console-dir" in result.stderr
    assert not (tmp_path / "build").exists()


def test_local_mode_refuses_an_old_node_before_installing_anything_when_it_builds_the_console(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    tools = tmp_path / "node"
    fake_tool(tools, "node", "v20.18.3")
    env = {**script_env, "PATH": f"{tools}:{script_env['PATH']}"}

    result = run(DEPLOY, "--local", "--port", "0", env=env, timeout=60)

    assert result.returncode == 1
    assert "needs Node.js 20.19 or later, found: 20.18.3" in result.stderr


@pytest.mark.slow
def test_deploy_stops_with_the_fix_before_creating_anything_when_drs_is_not_initialized(
    moto_endpoint: str, drs_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**script_env, "AWS_ENDPOINT_URL_DRS": drs_endpoint}
    arguments = ["--endpoint-url", moto_endpoint, "--stack-name", "preflight-drs", "--skip-console"]
    arguments += ["--artifacts-bucket", "preflight-drs-artifacts", "--build-dir", str(tmp_path / "build")]

    result = run(DEPLOY, *arguments, env=env)

    assert result.returncode == 1
    assert f"DRS is not initialized in account 123456789012, {REGION}" in result.stderr
    assert f"aws drs initialize-service --region {REGION}" in result.stderr
    assert "preflight-drs-artifacts" not in bucket_names(moto_endpoint)
    assert not (tmp_path / "build").exists()


def stuck_stack(endpoint: str, name: str) -> None:
    """A stack moto leaves in CREATE_IN_PROGRESS (its bucket's name is taken)."""
    moto_client("s3", endpoint).create_bucket(Bucket=f"{name}-taken")
    template = (
        f"Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: {{BucketName: {name}-taken}}\n"
    )
    with pytest.raises(ClientError):
        moto_client("cloudformation", endpoint).create_stack(StackName=name, TemplateBody=template)


@pytest.mark.slow
def test_deploy_reports_a_busy_stack_with_the_way_out_before_creating_anything_when_preflighted(
    moto_endpoint: str, drs_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    # Given DRS initialized, and a stack another operation holds
    initialize_drs(drs_endpoint)
    stuck_stack(moto_endpoint, "preflight-busy")
    assert live_stacks(moto_endpoint)["preflight-busy"] == "CREATE_IN_PROGRESS"
    env = {**script_env, "AWS_ENDPOINT_URL_DRS": drs_endpoint}

    result = run(
        DEPLOY,
        *["--endpoint-url", moto_endpoint, "--stack-name", "preflight-busy", "--skip-console"],
        *["--artifacts-bucket", "preflight-busy-artifacts", "--build-dir", str(tmp_path / "build")],
        env=env,
    )

    assert result.returncode == 1
    assert "DRS is initialized" in result.stdout
    assert "stack preflight-busy is CREATE_IN_PROGRESS" in result.stderr
    assert "Wait for it to finish" in result.stderr
    assert "preflight-busy-artifacts" not in bucket_names(moto_endpoint)


def sourced(script: str, env: dict[str, str] | None, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs ``script`` (with ``args`` as $@) in a bash that sourced deploy.sh: its functions,
    not its main."""
    return subprocess.run(
        ["bash", "-c", f"source {shlex.quote(str(DEPLOY))}\n{script}", "deploy.sh", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=ROOT,
    )


STACK_STATUSES: list[str] = (
    botocore.session.get_session().get_service_model("cloudformation").shape_for("StackStatus").enum
)
DEPLOYABLE = {
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "DELETE_COMPLETE",
}


def test_every_failed_rollback_or_busy_stack_state_gets_the_command_that_gets_out_of_it() -> None:
    # Given every status CloudFormation documents
    assert {"ROLLBACK_FAILED", "ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED"} <= set(
        STACK_STATUSES
    )
    script = """
    STACK_NAME=shop REGION=eu-west-1
    for status in "$@"; do printf '@@%s\\n' "$status"; stack_state_advice "$status"; done
    """

    # When deploy.sh is asked what to do about each
    result = sourced(script, None, *STACK_STATUSES)
    advice = dict(re.findall(r"^@@(\w+)\n(.*?)(?=^@@|\Z)", result.stdout, flags=re.M | re.S))

    # Then each state it cannot deploy over is named with a command, and the others pass silently
    assert result.returncode == 0, result.stderr
    assert set(advice) == set(STACK_STATUSES)
    for status, text in advice.items():
        if status in DEPLOYABLE:
            assert text == "", status
        else:
            assert re.search(r"(\./cleanup\.sh|aws cloudformation [a-z-]+) --stack-name shop", text), status
    assert "--delete-data" in advice["ROLLBACK_FAILED"]
    assert "continue-update-rollback" in advice["UPDATE_ROLLBACK_FAILED"]
    assert all(advice[s] for s in STACK_STATUSES if s.endswith("_FAILED") or s == "ROLLBACK_COMPLETE")


ROOT_ARN = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1"
NESTED = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-DataStack-1AB/0f"
# What the AWS CLI answers, for the queries deploy.sh makes, about a first create whose data stack failed.
FAILED_CREATE_CLI = f"""
row() {{ printf '%s\\t%s\\t%s\\t%s\\n' "$@"; }}
aws() {{
  local stack=AWS::CloudFormation::Stack
  case "$*" in
    *"cloudformation deploy "*) echo "Failed to create/update the stack." >&2; return 255 ;;
    *"describe-stacks --stack-name shop "*) echo ROLLBACK_FAILED ;;
    *"describe-stack-events --stack-name shop "* | *"describe-stack-events --stack-name {ROOT_ARN} "*)
      row shop $stack {ROOT_ARN} "The following resource(s) failed to delete: [DataStack]"
      row DataStack $stack {NESTED} "Embedded stack was not successfully created" ;;
    *"describe-stack-events --stack-name {NESTED} "*)
      row shop-DataStack-1AB $stack {NESTED} "Rollback failed"
      row AuditTable AWS::DynamoDB::Table shop-audit "Table shop-audit already exists" ;;
    *) echo "unexpected: $*" >&2; return 1 ;;
  esac
}}
"""


def test_a_failed_first_create_is_reported_with_its_nested_reasons_and_the_way_out_when_deploying() -> None:
    script = f"""{FAILED_CREATE_CLI}
    parse_args --stack-name shop --region eu-west-1 --artifacts-bucket shop-artifacts
    FIRST_CREATE=true PACKAGED_TEMPLATE=/dev/null
    deploy_stack
    """

    result = sourced(script, None)

    assert result.returncode == 1
    assert "deletion protection off until it exists" in result.stdout
    assert "Turning deletion protection on" not in result.stdout
    assert "deploy.sh: stack shop is ROLLBACK_FAILED." in result.stderr
    assert "  DataStack: Embedded stack was not successfully created" in result.stderr
    assert "    AuditTable: Table shop-audit already exists" in result.stderr
    assert result.stderr.count("AuditTable") == 1
    assert "./cleanup.sh --stack-name shop --region eu-west-1 --delete-data --yes" in result.stderr


def protection_template(path: Path) -> Path:
    """A stand-in for the packaged master: every parameter deploy.sh passes, and one table whose
    deletion protection follows DeletionProtection."""
    names = [*json.loads((ROOT / "parameters.json").read_text())["Parameters"]]
    names += ["ArtifactsBucket", "ConsoleSourcePrefix"]
    parameters = {name: {"Type": "String", "Default": ""} for name in names}
    table = {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": {"Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]},
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        },
    }
    path.write_text(json.dumps({"Parameters": parameters, "Resources": {"Table": table}}))
    return path


def change_sets(endpoint: str, stack: str) -> list[dict[str, Any]]:
    summaries = moto_client("cloudformation", endpoint).list_change_sets(StackName=stack)["Summaries"]
    return [summary for summary in summaries if summary["StackName"] == stack]  # moto lists every stack's


def protection_per_change_set(endpoint: str, stack: str) -> list[str]:
    cloudformation = moto_client("cloudformation", endpoint)
    summaries = change_sets(endpoint, stack)
    values: list[str] = []
    for summary in summaries:
        described: dict[str, Any] = cloudformation.describe_change_set(ChangeSetName=summary["ChangeSetId"])
        (value,) = [
            p["ParameterValue"] for p in described["Parameters"] if p["ParameterKey"] == "DeletionProtection"
        ]
        values.append(value)
    return values


@pytest.mark.slow
def test_first_create_runs_unprotected_then_turns_protection_on_and_later_updates_keep_it(
    moto_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    # Given parameters.json asking for deletion protection, and no stack yet
    assert (
        json.loads((ROOT / "parameters.json").read_text())["Parameters"]["DeletionProtection"]["Value"]
        == "true"
    )
    template = protection_template(tmp_path / "packaged.json")
    deploy = f"""
    parse_args --stack-name first-create --endpoint-url {moto_endpoint} --artifacts-bucket first-create-art
    check_credentials
    check_stack_state
    ensure_artifacts_bucket
    PACKAGED_TEMPLATE={shlex.quote(str(template))}
    deploy_stack
    """

    # When deploy.sh deploys twice
    first = sourced(deploy, script_env)
    second = sourced(deploy, script_env)

    # Then the create ran without protection and an update turned it on; the next run updated once
    assert first.returncode == 0, first.stderr
    assert "deletion protection off until it exists" in first.stdout
    assert "Turning deletion protection on" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "deletion protection off" not in second.stdout
    assert protection_per_change_set(moto_endpoint, "first-create") == ["false", "true", "true"]
    assert live_stacks(moto_endpoint)["first-create"] == "UPDATE_COMPLETE"


def dry_run(
    moto_endpoint: str, env: dict[str, str], tmp_path: Path, stack: str
) -> subprocess.CompletedProcess[str]:
    console = tmp_path / "console"
    console.mkdir(exist_ok=True)
    (console / "index.html").write_text("<!doctype html><title>DRS</title>")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# nothing to vendor\n")
    return run(
        DEPLOY,
        *["--dry-run", "--endpoint-url", moto_endpoint, "--stack-name", stack, "--console-dir", str(console)],
        *["--requirements", str(requirements), "--build-dir", str(tmp_path / "build")],
        *["--artifacts-bucket", "dry-run-artifacts"],
        env=env,
    )


def nested_stacks_shown(output: str, action: str) -> set[str]:
    return set(re.findall(rf"^\s+{action}\s+(\w+) \(AWS::CloudFormation::Stack\)$", output, flags=re.M))


@pytest.mark.slow
def test_dry_run_shows_the_change_set_of_the_real_templates_and_deletes_it_without_executing(
    moto_endpoint: str, drs_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    # Given DRS initialized, a built console, nothing to vendor, and one stack already deployed
    initialize_drs(drs_endpoint)
    env = {**script_env, "AWS_ENDPOINT_URL_DRS": drs_endpoint}
    master = (ROOT / "cfn" / "master-template.yaml").read_text()
    nested = set(re.findall(r"^  (\w+Stack):\n    Type: AWS::CloudFormation::Stack", master, flags=re.M))
    cloudformation = moto_client("cloudformation", moto_endpoint)
    cloudformation.create_stack(
        StackName="dry-run-existing", TemplateBody=protection_template(tmp_path / "t.json").read_text()
    )

    # When deploy.sh runs with --dry-run for a new stack and for the existing one
    new = dry_run(moto_endpoint, env, tmp_path, "dry-run-new")
    existing = dry_run(moto_endpoint, env, tmp_path, "dry-run-existing")

    # Then it shows each change set (every nested stack added) and executes neither
    assert new.returncode == 0, new.stderr
    assert "CREATE dry-run-new:" in new.stdout
    assert nested_stacks_shown(new.stdout, "Add") == nested
    assert "the empty stack that held it deleted" in new.stdout
    assert "Done (--dry-run): nothing was deployed" in new.stdout
    assert "dry-run-new" not in live_stacks(moto_endpoint)
    assert existing.returncode == 0, existing.stderr
    assert "UPDATE dry-run-existing:" in existing.stdout
    assert nested_stacks_shown(existing.stdout, "Add") == nested
    assert re.search(r"^\s+Remove\s+Table \(AWS::DynamoDB::Table\)$", existing.stdout, flags=re.M)
    assert live_stacks(moto_endpoint)["dry-run-existing"] == "CREATE_COMPLETE"
    assert change_sets(moto_endpoint, "dry-run-existing") == []
    resources = cloudformation.list_stack_resources(StackName="dry-run-existing")["StackResourceSummaries"]
    assert [r["LogicalResourceId"] for r in resources] == ["Table"]


@pytest.mark.slow
def test_deploy_refuses_an_artifacts_bucket_in_another_region_before_building_when_preflighted(
    moto_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    moto_client("s3", moto_endpoint).create_bucket(
        Bucket="artifacts-elsewhere", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )

    result = run(
        DEPLOY,
        *["--package-only", "--skip-console", "--endpoint-url", moto_endpoint],
        *["--artifacts-bucket", "artifacts-elsewhere", "--build-dir", str(tmp_path / "build")],
        env=script_env,
    )

    assert result.returncode == 1
    assert "s3://artifacts-elsewhere is in eu-west-1" in result.stderr
    assert f"read the artifacts from {REGION}" in result.stderr
    assert not (tmp_path / "build").exists()
