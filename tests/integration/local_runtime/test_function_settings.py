"""Local mode creates each engine function with the ``Timeout`` and ``MemorySize`` its template gives
it (its own, else the template's ``Globals``), so Lambda's limits hold locally as deployed."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from drs_local.mode.aws_stack import create_local_aws
from drs_local.mode.cfn import load_template

ROOT = Path(__file__).resolve().parents[3]


def _declared(logical_id: str) -> tuple[int, int]:
    for path in sorted((ROOT / "cfn").glob("*-stack.yaml")):
        body = load_template(path).body
        resource = (body.get("Resources") or {}).get(logical_id)
        if resource is None:
            continue
        settings = {
            **((body.get("Globals") or {}).get("Function") or {}),
            **(resource.get("Properties") or {}),
        }
        return int(settings.get("Timeout", 3)), int(settings.get("MemorySize", 128))
    raise AssertionError(f"no template declares {logical_id}")


def test_engine_functions_have_their_templates_timeout_and_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "111122223333",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MOTO_ACCOUNT_ID": "111122223333",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        local = create_local_aws(
            ROOT,
            endpoint="",
            region="us-east-1",
            account="111122223333",
            console_origin="http://127.0.0.1:8000",
        )
        lam = boto3.client("lambda")
        assert local.function_names
        for logical_id, physical in local.function_names.items():
            configuration = lam.get_function_configuration(FunctionName=physical)
            actual = (configuration["Timeout"], configuration["MemorySize"])
            assert actual == _declared(logical_id), logical_id
