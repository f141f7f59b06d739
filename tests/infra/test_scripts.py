"""deploy.sh and cleanup.sh: shellcheck, --help, refusals, and their AWS-facing steps run
against a moto server (the real AWS CLI talking to a local endpoint)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from tests.infra.conftest import AWS_CLI, REGION, aws_cli_reporting
from tests.infra.templates import ROOT, functions

DEPLOY = ROOT / "deploy.sh"
CLEANUP = ROOT / "cleanup.sh"
SCRIPTS = [DEPLOY, CLEANUP]
needs_aws_cli = pytest.mark.skipif(AWS_CLI is None, reason="the AWS CLI (aws) is not installed")


def run(
    script: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck is not installed (apt-get install shellcheck)"
)
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_script_has_no_shellcheck_findings_when_checked(script: Path) -> None:
    result = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stdout


def flags_parsed_by(script: Path) -> set[str]:
    """Every option the script's argument loop accepts (the case patterns)."""
    flags: set[str] = set()
    for pattern in re.findall(r"^\s+((?:-[-\w]+)(?:\s*\|\s*-[-\w]+)*)\)", script.read_text(), flags=re.M):
        flags.update(flag.strip() for flag in pattern.split("|"))
    return flags


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_help_documents_every_flag_when_asked(script: Path) -> None:
    result = run(script, "--help")

    assert result.returncode == 0
    assert result.stdout.startswith("Usage:")
    flags = flags_parsed_by(script)
    assert len(flags) >= 8, "the flag parser was not found"
    assert {flag for flag in flags if not re.search(rf"(^|[\s,]){re.escape(flag)}\b", result.stdout)} == set()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_unknown_flag_is_refused_when_given(script: Path) -> None:
    result = run(script, "--no-such-flag")

    assert result.returncode != 0
    assert "unknown option: --no-such-flag" in result.stderr


def test_deploy_names_every_missing_tool_when_the_aws_cli_is_absent() -> None:
    system_path = "/usr/bin:/bin"
    if shutil.which("aws", path=system_path):
        pytest.skip("the AWS CLI is installed system-wide")

    result = run(DEPLOY, "--package-only", env={"PATH": system_path, "HOME": os.environ.get("HOME", "/")})

    assert result.returncode == 1
    assert re.search(r"missing tools: .*\baws\b", result.stderr)


@needs_aws_cli
def test_deploy_stops_before_touching_aws_when_there_are_no_credentials(tmp_path: Path) -> None:
    env = {
        "PATH": f"{aws_cli_reporting('2.22.35', tmp_path / 'bin')}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": REGION,
    }

    result = run(DEPLOY, "--package-only", "--skip-console", "--build-dir", str(tmp_path / "build"), env=env)

    assert result.returncode == 1
    assert "no usable AWS credentials" in result.stderr
    assert not (tmp_path / "build").exists()


# ---------- against a moto server ----------


def moto_client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


class CfnLoader(yaml.SafeLoader):
    """Reads the packaged template: CloudFormation short-form tags kept as plain values."""


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.mark.slow
@needs_aws_cli
def test_deploy_package_only_uploads_templates_code_and_console_when_pointed_at_an_endpoint(
    moto_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    # Given a built console and no dependencies to vendor (the package-install step needs PyPI)
    console = tmp_path / "console"
    (console / "assets").mkdir(parents=True)
    (console / "index.html").write_text("<!doctype html><title>DRS</title>")
    (console / "assets" / "app.js").write_text("console.log(1)")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# nothing to vendor\n")
    build = tmp_path / "build"
    arguments = [
        "--package-only",
        "--endpoint-url",
        moto_endpoint,
        "--artifacts-bucket",
        "deploy-test-artifacts",
        "--console-dir",
        str(console),
        "--requirements",
        str(requirements),
        "--build-dir",
        str(build),
    ]

    # When deploy.sh runs twice
    first = run(DEPLOY, *arguments, env=script_env)
    second = run(DEPLOY, *arguments, env=script_env)

    # Then both succeed, the second reusing the bucket
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "creating s3://deploy-test-artifacts" in first.stdout
    assert "using s3://deploy-test-artifacts" in second.stdout

    # And the bucket holds the console, the function package and one template per nested stack
    s3 = moto_client("s3", moto_endpoint)
    console_keys = keys(s3, "deploy-test-artifacts", "console/")
    assert {key.split("/", 2)[2] for key in console_keys} == {"index.html", "assets/app.js"}
    packaged = yaml.load((build / "packaged.yaml").read_text(), Loader=CfnLoader)  # noqa: S506 - safe loader subclass
    nested = [r["Properties"]["TemplateURL"] for r in packaged["Resources"].values()]
    assert len(nested) == 7
    assert all(url.startswith(f"{moto_endpoint}/deploy-test-artifacts/packages/") for url in nested)
    uploaded = {key.rsplit("/", 1)[1] for key in keys(s3, "deploy-test-artifacts", "packages/")}
    assert {url.rsplit("/", 1)[1] for url in nested} <= uploaded

    # And inside the nested templates the code and the SSM documents point at uploaded objects
    nested_text = "".join(
        s3.get_object(Bucket="deploy-test-artifacts", Key=f"packages/{url.rsplit('/', 1)[1]}")["Body"]
        .read()
        .decode()
        for url in nested
    )
    code_uris = set(re.findall(r"^\s+CodeUri: (s3://\S+)$", nested_text, flags=re.M))
    assert len(code_uris) == 1, "every function ships the one package"
    code_key = f"packages/{code_uris.pop().rsplit('/', 1)[1]}"
    with zipfile.ZipFile(
        io.BytesIO(s3.get_object(Bucket="deploy-test-artifacts", Key=code_key)["Body"].read())
    ) as code:
        shipped = set(code.namelist())
    handlers = {f"{function.handler.rpartition('.')[0].replace('.', '/')}.py" for function in functions()}
    assert handlers <= shipped
    assert "pyproject.toml" in shipped, "the product's version travels with the code"
    assert not any(name.endswith(".yaml") for name in shipped), "the templates folder was zipped instead"
    assert re.search(r"Location: s3://deploy-test-artifacts/packages/\w+", nested_text)
    assert (build / "lambda" / "drs_orchestration" / "handlers" / "api" / "app.py").is_file()


def create_stack_with_objects(endpoint: str, name: str, template: str) -> str:
    cloudformation = moto_client("cloudformation", endpoint)
    cloudformation.create_stack(StackName=name, TemplateBody=template)
    outputs = cloudformation.describe_stacks(StackName=name)["Stacks"][0].get("Outputs", [])
    bucket = next(output["OutputValue"] for output in outputs if output["OutputKey"] == "BucketName")
    s3 = moto_client("s3", endpoint)
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"v1")
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"v2")
    s3.delete_object(Bucket=bucket, Key="index.html")
    s3.put_object(Bucket=bucket, Key="assets/app.js", Body=b"x")
    return bucket


BUCKET_STACK = """
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
Outputs:
  BucketName: {Value: !Ref Bucket}
"""


def stack_names(endpoint: str) -> set[str]:
    stacks = moto_client("cloudformation", endpoint).describe_stacks()["Stacks"]
    return {stack["StackName"] for stack in stacks if stack["StackStatus"] != "DELETE_COMPLETE"}


@pytest.mark.slow
@needs_aws_cli
def test_cleanup_empties_buckets_and_deletes_the_stack_and_is_idempotent_when_run_twice(
    moto_endpoint: str, script_env: dict[str, str]
) -> None:
    # Given a stack whose versioned bucket holds objects, old versions and delete markers
    bucket = create_stack_with_objects(moto_endpoint, "cleanup-twice", BUCKET_STACK)
    s3 = moto_client("s3", moto_endpoint)
    s3.create_bucket(Bucket="cleanup-artifacts")
    s3.put_object(Bucket="cleanup-artifacts", Key="packages/a.template", Body=b"x")
    arguments = ["--stack-name", "cleanup-twice", "--yes", "--endpoint-url", moto_endpoint]
    arguments += ["--delete-artifacts", "--artifacts-bucket", "cleanup-artifacts"]

    # When cleanup.sh runs twice
    first = run(CLEANUP, *arguments, env=script_env)
    second = run(CLEANUP, *arguments, env=script_env)

    # Then the stack and both buckets are gone, and the second run finds nothing to do
    assert first.returncode == 0, first.stderr
    assert f"emptied s3://{bucket}" in first.stdout
    assert "cleanup-twice" not in stack_names(moto_endpoint)
    existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {bucket, "cleanup-artifacts"} & existing == set()
    assert second.returncode == 0, second.stderr
    assert "not found: nothing to delete" in second.stdout


@pytest.mark.slow
@needs_aws_cli
def test_cleanup_deletes_nothing_when_not_confirmed_and_not_interactive(
    moto_endpoint: str, script_env: dict[str, str]
) -> None:
    bucket = create_stack_with_objects(moto_endpoint, "cleanup-unconfirmed", BUCKET_STACK)

    result = run(
        CLEANUP, "--stack-name", "cleanup-unconfirmed", "--endpoint-url", moto_endpoint, env=script_env
    )

    assert result.returncode == 1
    assert "--yes" in result.stderr
    assert "cleanup-unconfirmed" in stack_names(moto_endpoint)
    assert keys(moto_client("s3", moto_endpoint), bucket) == ["assets/app.js"]


PROTECTED_TABLE_STACK = """
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      DeletionProtectionEnabled: true
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""


@pytest.mark.slow
@needs_aws_cli
def test_cleanup_deletes_protected_tables_only_when_data_deletion_is_asked_for(
    moto_endpoint: str, script_env: dict[str, str]
) -> None:
    moto_client("cloudformation", moto_endpoint).create_stack(
        StackName="cleanup-protected", TemplateBody=PROTECTED_TABLE_STACK
    )
    arguments = ["--stack-name", "cleanup-protected", "--yes", "--endpoint-url", moto_endpoint]

    refused = run(CLEANUP, *arguments, env=script_env)
    assert refused.returncode == 1
    assert "--delete-data" in refused.stderr
    assert "cleanup-protected" in stack_names(moto_endpoint)

    deleted = run(CLEANUP, *arguments, "--delete-data", env=script_env)
    assert deleted.returncode == 0, deleted.stderr
    assert "deletion protection off: table" in deleted.stdout
    assert "cleanup-protected" not in stack_names(moto_endpoint)
