"""On Lambda a function validates its environment while the module loads, so a missing setting its parts
need fails the init, naming it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LAMBDA_ROOT = Path(__file__).resolve().parents[3] / "lambda"
API = "drs_orchestration.handlers.api.app"


def _import(environment: dict[str, str], module: str = API) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env={"PYTHONPATH": str(LAMBDA_ROOT), "AWS_REGION": "us-east-1", **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cold_start_fails_naming_the_variable_when_the_environment_is_incomplete() -> None:
    result = _import({"AWS_LAMBDA_FUNCTION_NAME": "api"})
    assert result.returncode != 0
    assert "PROTECTION_GROUPS_TABLE" in result.stderr


def test_module_loads_without_settings_off_lambda_for_tools_like_the_openapi_writer() -> None:
    assert _import({}).returncode == 0


def test_engine_cold_start_fails_naming_only_what_its_parts_need_when_the_environment_is_incomplete() -> None:
    result = _import(
        {"AWS_LAMBDA_FUNCTION_NAME": "wait"}, "drs_orchestration.handlers.engine.wait_for_change"
    )
    assert result.returncode != 0
    assert "EXECUTIONS_TABLE" in result.stderr
    assert "PROTECTION_GROUPS_TABLE" not in result.stderr
