"""State per (account, Region) from the SigV4 scope; concurrent requests keep it consistent."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from drs_simulator.config import SimConfig
from drs_simulator.fleet import generate_fleet
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def test_accounts_and_regions_are_separate_partitions() -> None:
    fleet = generate_fleet(12, accounts=("111122223333", "444455556666"), regions=("us-east-1", "us-west-2"))
    config = SimConfig(accounts={"AKIAEXAMPLEPROD": "444455556666"})
    with simulator_server(fleet=fleet, config=config) as sim:
        counts = {}
        for key, region in [("111122223333", "us-east-1"), ("AKIAEXAMPLEPROD", "us-west-2")]:
            client = boto3.client(
                "drs",
                endpoint_url=sim.endpoint_url,
                region_name=region,
                aws_access_key_id=key,
                aws_secret_access_key="testing",
            )
            items = client.describe_source_servers()["items"]
            counts[(key, region)] = {s["arn"].split(":")[3] + ":" + s["arn"].split(":")[4] for s in items}
        assert counts == {
            ("111122223333", "us-east-1"): {"us-east-1:111122223333"},
            ("AKIAEXAMPLEPROD", "us-west-2"): {"us-west-2:444455556666"},
        }


def test_a_job_in_one_region_is_invisible_in_another(sim: SimulatorHandle, drs: DrsClient) -> None:
    drill(drs, server_ids(drs)[0])
    west = sim.drs_client(region="us-west-2", max_attempts=1)
    west.initialize_service()
    assert west.describe_jobs()["items"] == []


def test_concurrent_starts_of_the_same_server_let_exactly_one_through(sim: SimulatorHandle) -> None:
    server = server_ids(sim.drs_client())[0]
    clients = [sim.drs_client(max_attempts=1) for _ in range(8)]

    def start(client: DrsClient) -> str:
        try:
            return drill(client, server)
        except ClientError as error:
            return error.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(start, clients))
    assert sorted(o for o in outcomes if not o.startswith("drsjob-")) == ["ConflictException"] * 7
    assert len(sim.drs_client().describe_jobs()["items"]) == 1


def test_concurrent_jobs_never_exceed_the_concurrent_job_quota() -> None:
    with simulator_server(fleet=generate_fleet(30, stalled=0, initial_sync=0)) as sim:
        ids = [s["sourceServerID"] for s in sim.drs_client().describe_source_servers()["items"]]
        clients = [sim.drs_client(max_attempts=1) for _ in ids]

        def start(pair: tuple[DrsClient, str]) -> str:
            client, server = pair
            try:
                drill(client, server)
                client.describe_jobs()
                return "started"
            except ClientError as error:
                return error.response["Error"]["Code"]

        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(start, zip(clients, ids, strict=True)))
        assert outcomes.count("started") == 20
        assert outcomes.count("ServiceQuotaExceededException") == 10
        jobs = sim.drs_client().describe_jobs()["items"]
        assert len({j["jobID"] for j in jobs}) == 20


def test_the_standalone_server_prints_its_endpoint_and_serves_boto3() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "drs_simulator", "--port", "0", "--fleet", "demo", "--clock", "manual"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        import json

        started = json.loads(process.stdout.readline())
        assert started["mode"] == "manual"
        client = boto3.client(
            "drs",
            endpoint_url=started["drs"],
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        assert len(client.describe_source_servers()["items"]) == 11
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
