"""API benchmark, DRS inventory: p50/p95 of the inventory endpoints at thousands of servers per target.

Run from the repository root::

    PYTHONPATH=lambda:local .venv/bin/python bench/api/inventory_latency.py --servers 4000

The real API handler, called in-process with REST proxy events, over moto's DynamoDB (tables from the
template) and the DRS simulator (HTTP, the real boto3 ``drs`` client) loaded with ``--servers`` source
servers in one account and Region. One protection group selects a third of them by tag.

Cases (``--calls`` each; the "read DRS" ones ``--miss-calls``):

- ``GET /drs/source-servers``: the first page of 50; every page of 50 in turn (the console paging);
  a hostname search; the first page with the inventory read again (the product's clock moved past the
  API's cache between calls).
- ``GET /protection-groups/{id}/servers``: the first page of 50; the same with the inventory read again.

Every case runs on whatever code ``PYTHONPATH`` names, so the same script measures an older commit
(``git worktree add /tmp/before <commit>`` and ``PYTHONPATH=/tmp/before/lambda:local``): code without
the cache reads DRS on every call, whatever the clock does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

ACCOUNT = "111122223333"
REGION = "us-east-1"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) > 1 else samples[0]


def timed(name: str, calls: int, call: Callable[[int], object]) -> None:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    print(f"{name}: p50 {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms ({calls} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=4000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--miss-calls", type=int, default=30)
    args = parser.parse_args()

    from moto import mock_aws

    from drs_simulator.clock import SimClock
    from drs_simulator.fleet import generate_fleet
    from drs_simulator.testing import simulator_server

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "HOME_ACCOUNT_ID": ACCOUNT,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }.items():
        os.environ[key] = value
    fleet = generate_fleet(args.servers, accounts=(ACCOUNT,), regions=(REGION,))
    with simulator_server(fleet=fleet) as drs, mock_aws():
        import boto3
        from tests.integration.api.aws_tables import create_tables
        from tests.integration.api.client import API_HANDLER, Api

        from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
        from drs_orchestration.composition.api import api_parts
        from drs_orchestration.composition.product import Product
        from drs_orchestration.config.settings import Settings
        from drs_orchestration.domain.models.protection_group import ProtectionGroup

        os.environ["DRS_ENDPOINT_URL"] = drs.endpoint_url
        os.environ.update(create_tables(boto3.client("dynamodb", region_name=REGION)))
        clock = SimClock("manual")
        product = Product(Settings(), clock, runner=InMemoryExecutionRunner)
        now = clock.now()
        api_parts(product).services.groups.create(
            ProtectionGroup(
                id="pg-bench",
                name="bench",
                account_id=ACCOUNT,
                region=REGION,
                tag_selector={"Tier": ["web"]},
                created_at=now,
                created_by="bench",
                updated_at=now,
                updated_by="bench",
            )
        )
        api = Api(product.handler(API_HANDLER))
        where = {"accountId": ACCOUNT, "region": REGION}
        pages: list[str | None] = [None]

        def next_page(_: int) -> None:
            query = where if pages[-1] is None else {**where, "nextToken": pages[-1]}
            body = checked(api.get("/drs/source-servers", query=query))
            pages.append(body.get("nextToken"))

        def miss(path: str, query: dict[str, str] | None = None) -> Callable[[int], object]:
            def call(_: int) -> object:
                clock.advance(60)
                return checked(api.get(path, query=query))

            return call

        print(f"{args.servers} servers in {ACCOUNT}/{REGION}; group pg-bench selects Tier=web")
        checked(api.get("/drs/source-servers", query=where))  # the first read, not timed
        timed(
            "GET /drs/source-servers (first page of 50)",
            args.calls,
            lambda i: checked(api.get("/drs/source-servers", query=where)),
        )
        timed("GET /drs/source-servers (every page of 50 in turn)", args.calls, next_page)
        timed(
            "GET /drs/source-servers?search= (hostname search)",
            args.calls,
            lambda i: checked(api.get("/drs/source-servers", query={**where, "search": f"-{i:05d}"})),
        )
        timed(
            "GET /drs/source-servers (first page, DRS read again)",
            args.miss_calls,
            miss("/drs/source-servers", where),
        )
        checked(api.get("/protection-groups/pg-bench/servers"))
        timed(
            "GET /protection-groups/{id}/servers (first page of 50)",
            args.calls,
            lambda i: checked(api.get("/protection-groups/pg-bench/servers")),
        )
        timed(
            "GET /protection-groups/{id}/servers (DRS read again)",
            args.miss_calls,
            miss("/protection-groups/pg-bench/servers"),
        )


def checked(response: Any) -> dict[str, Any]:
    if response.status >= 300:
        raise SystemExit(f"unexpected answer {response.status}: {response.text}")
    body: dict[str, Any] = response.json
    return body


if __name__ == "__main__":
    main()
