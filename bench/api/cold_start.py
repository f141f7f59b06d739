"""Cold start of every function: how long a fresh interpreter takes to import each handler module,
and, for the API, to import it and answer its first request.

Run from the repository root: ``.venv/bin/python bench/api/cold_start.py [--runs 5]``.

- **Import, wall**: ``python -X importtime -c "import <module>"``, the module's cumulative time (what
  ``api_latency.py`` reports for the API), median of the runs.
- **Import, CPU**: the process CPU time spent in ``import <module>``, median of the runs. On a busy
  machine the wall figure also counts the time other processes held the CPU; this one does not.
- **First request**: in a fresh interpreter with moto's DynamoDB already up (not counted), the wall
  time to import the API handler and answer ``GET /protection-groups`` and ``GET /recovery-plans``.
- ``--lambda``: the same with the variables Lambda sets (``AWS_LAMBDA_FUNCTION_NAME``,
  ``LAMBDA_TASK_ROOT``) and the API's tables, so the API validates its settings while it loads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MODULES = {
    "api": "drs_orchestration.handlers.api.app",
    "initialize": "drs_orchestration.handlers.engine.initialize",
    "advance": "drs_orchestration.handlers.engine.advance",
    "wait_for_change": "drs_orchestration.handlers.engine.wait_for_change",
    "finalize": "drs_orchestration.handlers.engine.finalize",
    "drs_events": "drs_orchestration.handlers.engine.drs_events",
    "drill_cleanup": "drs_orchestration.handlers.engine.drill_cleanup",
    "console_deployer": "drs_orchestration.handlers.custom_resources.console_deployer",
    "(boto3 alone)": "boto3",
}
TABLES = {
    "PROTECTION_GROUPS_TABLE": "bench-groups",
    "RECOVERY_PLANS_TABLE": "bench-plans",
    "EXECUTIONS_TABLE": "bench-executions",
    "ACCOUNTS_TABLE": "bench-accounts",
    "AUDIT_TABLE": "bench-audit",
}
LAMBDA_ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "LAMBDA_TASK_ROOT": str(ROOT / "lambda"),
    "HOME_ACCOUNT_ID": "111122223333",
    **TABLES,
}

CPU_PROBE = """
import time
started = time.process_time()
import {module}
print((time.process_time() - started) * 1000)
"""

FIRST_REQUEST_PROBE = """
import os, time
from moto import mock_aws
import boto3
mock = mock_aws(); mock.start()
from tests.integration.api.aws_tables import create_tables
os.environ.update(create_tables(boto3.client("dynamodb", region_name="us-east-1")))
from types import SimpleNamespace
claims = {"sub": "sub-viewer", "cognito:username": "viewer", "cognito:groups": "Viewer"}
context = SimpleNamespace(
    function_name="api", memory_limit_in_mb=512, invoked_function_arn="arn", aws_request_id="r"
)
started = time.perf_counter()
from drs_orchestration.handlers.api.app import lambda_handler
from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event
imported = time.perf_counter()
for path in ("/protection-groups", "/recovery-plans"):
    answer = lambda_handler(rest_proxy_event("GET", path, claims=claims), context)
    assert answer["statusCode"] == 200, answer
    print((imported - started) * 1000, (time.perf_counter() - started) * 1000)
    started = imported = time.perf_counter()
"""


def _environment(on_lambda: bool) -> dict[str, str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "lambda"), str(ROOT / "local")]),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "HOME_ACCOUNT_ID": "111122223333",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    for name in ("AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT"):
        environment.pop(name, None)
    if on_lambda:
        environment.update(LAMBDA_ENVIRONMENT)
    return environment


def _run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(arguments, capture_output=True, text=True, env=environment, check=True, cwd=ROOT)


def import_wall_ms(module: str, runs: int, environment: dict[str, str]) -> float:
    totals = []
    for _ in range(runs):
        result = _run([sys.executable, "-X", "importtime", "-c", f"import {module}"], environment)
        line = [x for x in result.stderr.splitlines() if x.rstrip().endswith(f"| {module}")]
        totals.append(int(line[-1].split("|")[1]) / 1000)
    return statistics.median(totals)


def import_cpu_ms(module: str, runs: int, environment: dict[str, str]) -> float:
    probe = CPU_PROBE.format(module=module)
    return statistics.median(
        float(_run([sys.executable, "-c", probe], environment).stdout) for _ in range(runs)
    )


def first_request_ms(runs: int, environment: dict[str, str]) -> tuple[float, float, float]:
    """Median import, import + first answer, and second answer (ms)."""
    imports, firsts, seconds = [], [], []
    for _ in range(runs):
        output = _run([sys.executable, "-c", FIRST_REQUEST_PROBE], environment).stdout.splitlines()
        lines = [line for line in output if line[:1].isdigit()]  # on Lambda, EMF lines come in between
        (imported, first), (_, second) = (tuple(map(float, line.split())) for line in lines[:2])
        imports.append(imported)
        firsts.append(first)
        seconds.append(second)
    return statistics.median(imports), statistics.median(firsts), statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lambda", dest="on_lambda", action="store_true")
    options = parser.parse_args()
    environment = _environment(options.on_lambda)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    for name, module in MODULES.items():
        wall = import_wall_ms(module, options.runs, environment)
        cpu = import_cpu_ms(module, options.runs, environment)
        print(f"{name:17} import wall {wall:7.0f} ms   cpu {cpu:7.0f} ms")
    imported, first, second = first_request_ms(options.runs, environment)
    print(
        f"api first request: import {imported:.0f} ms, import + first answer {first:.0f} ms, "
        f"next answer {second:.0f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
