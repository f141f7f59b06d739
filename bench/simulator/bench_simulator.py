"""Benchmarks of the DRS simulator, each against a standalone ``python -m drs_simulator`` process.

1. A full DescribeSourceServers pagination of 4,000 servers through boto3 (target: under 1 s).
2. A 100-server drill at ``--time-scale 1000`` until every server is LAUNCHED (target: under 5 s wall).

Run: ``.venv/bin/python bench/simulator/bench_simulator.py`` (results go in RESULTS.md next to it).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3

RUNS = 5


@contextmanager
def standalone(*args: str) -> Iterator[Any]:
    process = subprocess.Popen(
        [sys.executable, "-m", "drs_simulator", "--port", "0", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        endpoint = json.loads(process.stdout.readline())["drs"]
        yield boto3.client(
            "drs",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="111122223333",
            aws_secret_access_key="testing",
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_pagination() -> list[float]:
    with standalone("--fleet", "4000", "--clock", "manual") as drs:
        drs.describe_source_servers(maxResults=1)  # connection and model warm-up
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            pages = drs.get_paginator("describe_source_servers").paginate()
            count = sum(len(page["items"]) for page in pages)
            times.append(time.perf_counter() - start)
            assert count == 4000, count
        return times


def bench_drill() -> list[float]:
    times = []
    for run in range(RUNS):
        with standalone("--fleet", "300", "--time-scale", "1000", "--seed", str(run)) as drs:
            items = drs.describe_source_servers()["items"]
            ids = [
                s["sourceServerID"]
                for s in items
                if s["dataReplicationInfo"]["dataReplicationState"] == "CONTINUOUS"
            ]
            start = time.perf_counter()
            job_id = drs.start_recovery(
                sourceServers=[{"sourceServerID": i} for i in ids[:100]], isDrill=True
            )["job"]["jobID"]
            while True:
                job = drs.describe_jobs(filters={"jobIDs": [job_id]})["items"][0]
                statuses = [p["launchStatus"] for p in job["participatingServers"]]
                if statuses.count("LAUNCHED") == 100:
                    break
                assert "FAILED" not in statuses, statuses
                time.sleep(0.05)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    for name, bench in [
        ("pagination_4000_servers_s", bench_pagination),
        ("drill_100_servers_x1000_s", bench_drill),
    ]:
        times = bench()
        print(
            f"{name}: min {min(times):.3f}  median {statistics.median(times):.3f}  max {max(times):.3f}  "
            f"(runs: {', '.join(f'{t:.3f}' for t in times)})"
        )


if __name__ == "__main__":
    main()
