"""On Lambda a function validates its environment while the module loads, so a missing setting its parts
need fails the init, naming it; and no handler module loads X-Ray or boto3 (nor, off Lambda, the settings
library) while it loads: they come with the first invocation that needs them. Times are in ``bench/api``."""

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


LOADED = "import sys, {module}; print(' '.join(sorted(name for name in {heavy!r} if name in sys.modules)))"
HEAVY = ("aws_xray_sdk", "boto3", "botocore.client", "s3transfer", "pydantic_settings")
ENGINE_HANDLERS = ("initialize", "advance", "wait_for_change", "finalize", "drs_events", "drill_cleanup")


def _loaded_after_import(module: str, environment: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(module=module, heavy=HEAVY)],
        env={"PYTHONPATH": str(LAMBDA_ROOT), "AWS_REGION": "us-east-1", **(environment or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(result.stdout.split())


def test_api_loads_no_xray_boto3_or_settings_library_when_its_module_is_imported_off_lambda() -> None:
    assert _loaded_after_import(API) == set()


def test_api_loads_no_xray_or_boto3_when_its_module_is_imported_on_lambda() -> None:
    tables = {
        name: "t-" + name.lower()
        for name in (
            "PROTECTION_GROUPS_TABLE",
            "RECOVERY_PLANS_TABLE",
            "EXECUTIONS_TABLE",
            "ACCOUNTS_TABLE",
            "AUDIT_TABLE",
        )
    }
    on_lambda = {
        "AWS_LAMBDA_FUNCTION_NAME": "api",
        "LAMBDA_TASK_ROOT": "/var/task",
        "HOME_ACCOUNT_ID": "111122223333",
    }

    loaded = _loaded_after_import(API, {**on_lambda, **tables})

    assert loaded == {"pydantic_settings"}  # the settings are validated while the module loads


def test_engine_handlers_load_no_xray_or_boto3_when_their_modules_are_imported() -> None:
    for handler in ENGINE_HANDLERS:
        loaded = _loaded_after_import(f"drs_orchestration.handlers.engine.{handler}")
        assert not loaded & {"aws_xray_sdk", "boto3", "botocore.client", "s3transfer"}, handler
