"""On Lambda the API validates its environment while the module loads, so a bad setting fails the init."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LAMBDA_ROOT = Path(__file__).resolve().parents[3] / "lambda"
IMPORT = "import drs_orchestration.handlers.api.app"


def _import(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", IMPORT],
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
