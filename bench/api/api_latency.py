"""API benchmark: cold import of the handler module and p95 handler latency against moto.

Run from the repository root: ``.venv/bin/python bench/api/api_latency.py`` (PYTHONPATH is set from
the pytest configuration: ``lambda`` and ``local``). Seeds 1,000 protection groups and 200 plans
directly through the repositories, then times list/get/create calls through the real handler.
``cold_start.py`` next to it measures the cold start of every function in more detail.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "lambda"), str(ROOT / "local")]

GROUPS = 1000
PLANS = 200
CALLS = 200


def cold_import_ms() -> float:
    """Median of 5 fresh interpreters importing the handler module (``-X importtime`` total)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lambda"), str(ROOT / "local")])}
    totals = []
    for _ in range(5):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import drs_orchestration.handlers.api.app"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        line = [
            x for x in result.stderr.splitlines() if x.rstrip().endswith("drs_orchestration.handlers.api.app")
        ]
        totals.append(int(line[-1].split("|")[1]) / 1000)
    return statistics.median(totals)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> None:
    import boto3
    from moto import mock_aws

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "HOME_ACCOUNT_ID": "111122223333",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }.items():
        os.environ[key] = value
    print(f"cold import of handlers.api.app: {cold_import_ms():.0f} ms (median of 5)")
    with mock_aws():
        from tests.integration.api.aws_tables import create_tables
        from tests.integration.api.client import API_HANDLER, Api

        from drs_orchestration.composition.api import api_parts
        from drs_orchestration.composition.product import default_product
        from drs_orchestration.domain.models.protection_group import ProtectionGroup
        from drs_orchestration.domain.models.recovery_plan import RecoveryPlan

        os.environ.update(create_tables(boto3.client("dynamodb", region_name="us-east-1")))
        product = default_product()
        services = api_parts(product).services
        now = datetime.now(UTC)
        audit = {"created_at": now, "created_by": "bench", "updated_at": now, "updated_by": "bench"}
        for n in range(GROUPS):
            services.groups.create(
                ProtectionGroup(
                    id=f"pg-{n:05d}",
                    name=f"group-{n:05d}",
                    account_id="111122223333",
                    region="us-east-1",
                    source_server_ids=[f"s-{n:017d}"],
                    **audit,
                )
            )
        for n in range(PLANS):
            services.plans.create(
                RecoveryPlan.model_validate(
                    {
                        "id": f"rp-{n:05d}",
                        "name": f"plan-{n:05d}",
                        "rtoTargetMinutes": 60,
                        "waves": [{"id": "w", "name": "W", "protectionGroupIds": [f"pg-{n:05d}"]}],
                        "createdAt": now,
                        "createdBy": "bench",
                        "updatedAt": now,
                        "updatedBy": "bench",
                    }
                )
            )
        api = Api(product.handler(API_HANDLER))
        cases = {
            "GET /protection-groups (page of 50)": lambda i: api.get("/protection-groups"),
            "GET /protection-groups/{id}": lambda i: api.get(f"/protection-groups/pg-{i % GROUPS:05d}"),
            "GET /recovery-plans (page of 50)": lambda i: api.get("/recovery-plans"),
            "GET /recovery-plans/{id}": lambda i: api.get(f"/recovery-plans/rp-{i % PLANS:05d}"),
            "POST /accounts (create)": lambda i: api.post(
                "/accounts",
                {
                    "accountId": f"{900000000000 + i}",
                    "name": "b",
                    "roleArn": f"arn:aws:iam::{900000000000 + i}:role/r",
                    "externalId": "external-id",
                    "regions": ["us-east-1"],
                },
            ),
        }
        for name, call in cases.items():
            samples = []
            for i in range(CALLS):
                started = time.perf_counter()
                response = call(i)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status < 300, response.text
            print(
                f"{name}: p50 {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms ({CALLS} calls)"
            )


if __name__ == "__main__":
    main()
