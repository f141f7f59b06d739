"""deploy.sh's first admin: created in the Admin group when missing, sent a fresh temporary password
when it never signed in (the first one may have expired), and left alone once it has. Run against a
moto server with the real AWS CLI, calling the script's create_admin as deploy.sh does after the
stack is deployed."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.infra.conftest import REGION
from tests.infra.test_scripts import DEPLOY, moto_client, needs_aws_cli

pytestmark = needs_aws_cli

ADMIN = "admin@example.com"
GROUP = "Admin"

# The outputs create_admin reads, on a stack that holds nothing else.
AUTH_OUTPUTS = """
Resources:
  Topic:
    Type: AWS::SNS::Topic
Outputs:
  UserPoolId: {{Value: {pool}}}
  AdminGroupName: {{Value: {group}}}
"""


def deployed_pool(endpoint: str, stack: str) -> str:
    cognito = moto_client("cognito-idp", endpoint)
    pool = str(cognito.create_user_pool(PoolName=stack)["UserPool"]["Id"])
    cognito.create_group(UserPoolId=pool, GroupName=GROUP)
    moto_client("cloudformation", endpoint).create_stack(
        StackName=stack, TemplateBody=AUTH_OUTPUTS.format(pool=pool, group=GROUP)
    )
    return pool


def logging_aws(directory: Path, aws: Path, log: Path) -> Path:
    """An ``aws`` that records each command line in ``log`` and then runs ``aws``."""
    directory.mkdir(parents=True, exist_ok=True)
    shim = directory / "aws"
    shim.write_text(
        "#!/usr/bin/env bash\n"
        f'printf "%s\\n" "$*" >>{shlex.quote(str(log))}\n'
        f'exec {shlex.quote(str(aws))} "$@"\n'
    )
    shim.chmod(0o755)
    return directory


def create_admin(
    endpoint: str, stack: str, env: dict[str, str], tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    log = tmp_path / "aws-calls.log"
    v2 = Path(env["PATH"].split(":")[0]) / "aws"
    shims = logging_aws(tmp_path / "logging-aws", v2, log)
    script = (
        f"source {shlex.quote(str(DEPLOY))}; REGION={REGION}; STACK_NAME={shlex.quote(stack)}; "
        f"ADMIN_EMAIL={shlex.quote(ADMIN)}; create_admin"
    )
    result = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "PATH": f"{shims}:{env['PATH']}", "AWS_ENDPOINT_URL": endpoint},
        stdin=subprocess.DEVNULL,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls


def user(endpoint: str, pool: str) -> dict[str, Any]:
    return dict(moto_client("cognito-idp", endpoint).admin_get_user(UserPoolId=pool, Username=ADMIN))


def groups_of_admin(endpoint: str, pool: str) -> list[str]:
    cognito = moto_client("cognito-idp", endpoint)
    return [
        g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool, Username=ADMIN)["Groups"]
    ]


def creations(calls: list[str]) -> list[str]:
    return [call for call in calls if call.startswith("--region us-east-1 cognito-idp admin-create-user")]


@pytest.mark.slow
def test_create_admin_creates_the_user_in_the_admin_group_when_it_does_not_exist(
    moto_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    pool = deployed_pool(moto_endpoint, "first-admin-new")

    result, calls = create_admin(moto_endpoint, "first-admin-new", script_env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"created {ADMIN}: Cognito e-mails a temporary password" in result.stdout
    assert user(moto_endpoint, pool)["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert groups_of_admin(moto_endpoint, pool) == [GROUP]
    assert [c for c in creations(calls) if "RESEND" in c] == []


@pytest.mark.slow
def test_create_admin_resends_the_temporary_password_when_the_admin_never_signed_in(
    moto_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    # Given an admin created by an earlier deploy whose temporary password was never used
    pool = deployed_pool(moto_endpoint, "first-admin-resend")
    moto_client("cognito-idp", moto_endpoint).admin_create_user(
        UserPoolId=pool, Username=ADMIN, UserAttributes=[{"Name": "email", "Value": ADMIN}]
    )

    result, calls = create_admin(moto_endpoint, "first-admin-resend", script_env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"{ADMIN} has not signed in yet: Cognito e-mails a new temporary password" in result.stdout
    resent = creations(calls)
    assert len(resent) == 1
    assert "--message-action RESEND" in resent[0]
    assert "--desired-delivery-mediums EMAIL" in resent[0]
    assert user(moto_endpoint, pool)["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert groups_of_admin(moto_endpoint, pool) == [GROUP]


@pytest.mark.slow
def test_create_admin_sends_nothing_when_the_admin_has_already_set_a_password(
    moto_endpoint: str, script_env: dict[str, str], tmp_path: Path
) -> None:
    pool = deployed_pool(moto_endpoint, "first-admin-confirmed")
    cognito = moto_client("cognito-idp", moto_endpoint)
    cognito.admin_create_user(UserPoolId=pool, Username=ADMIN)
    cognito.admin_set_user_password(
        UserPoolId=pool, Username=ADMIN, Password="Chosen-Passw0rd!", Permanent=True
    )

    result, calls = create_admin(moto_endpoint, "first-admin-confirmed", script_env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"{ADMIN} already exists" in result.stdout
    assert creations(calls) == []
    assert user(moto_endpoint, pool)["UserStatus"] == "CONFIRMED"
    assert groups_of_admin(moto_endpoint, pool) == [GROUP]
