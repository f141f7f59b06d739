"""Local mode creates each engine function with the ``Timeout`` and ``MemorySize`` its template gives
it (its own, else the template's ``Globals``), so Lambda's limits hold locally as deployed."""

from __future__ import annotations

import boto3
import pytest

from drs_local.mode.cfn import load_template
from tests.integration.local_runtime.local_aws import ROOT, local_aws_in_process


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
    with local_aws_in_process(monkeypatch) as local:
        lam = boto3.client("lambda")
        assert local.function_names
        for logical_id, physical in local.function_names.items():
            configuration = lam.get_function_configuration(FunctionName=physical)
            actual = (configuration["Timeout"], configuration["MemorySize"])
            assert actual == _declared(logical_id), logical_id
