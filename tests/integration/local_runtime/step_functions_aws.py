"""moto with the local Step Functions runtime installed and one in-process Lambda function, for the
runtime's tests (virtual or scaled time, as the runtime given)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_local.step_functions import LocalStepFunctions
from tests.integration.accounts import use_fake_credentials

__all__ = ["MOTO_CONFIG", "TRUST", "placeholder_zip", "step_functions_aws"]

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def placeholder_zip() -> bytes:
    """A function's code package: the handler runs in-process, so the package is never read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


def step_functions_aws(
    monkeypatch: pytest.MonkeyPatch, runtime: LocalStepFunctions
) -> Iterator[dict[str, Any]]:
    """``sfn``, ``role_arn``, ``runtime`` and ``function_arn``: a function counting its calls by key."""
    use_fake_credentials(monkeypatch)
    with mock_aws(config=MOTO_CONFIG), runtime.installed():
        role = boto3.client("iam").create_role(
            RoleName="runtime-test", AssumeRolePolicyDocument=json.dumps(TRUST)
        )
        function_arn = boto3.client("lambda").create_function(
            FunctionName="counter",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="tests.integration.local_runtime.handlers_for_test.count",
            Code={"ZipFile": placeholder_zip()},
        )["FunctionArn"]
        yield {
            "sfn": boto3.client("stepfunctions"),
            "role_arn": role["Role"]["Arn"],
            "function_arn": function_arn,
            "runtime": runtime,
        }
