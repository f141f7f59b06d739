"""Fixtures for the DRS simulator conformance suite: a simulator on a free port, driven by boto3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from drs_simulator.events import CallbackSink, Event
from drs_simulator.testing import SimulatorHandle, simulator_server

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient

DAY = 86400


@pytest.fixture(autouse=True)
def _fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def received() -> list[Event]:
    """Events delivered to the in-process callback sink of the ``sim`` fixture."""
    return []


@pytest.fixture
def sim(received: list[Event]) -> Iterator[SimulatorHandle]:
    with simulator_server(fleet="demo", sinks=[CallbackSink(received.append)]) as handle:
        yield handle


@pytest.fixture
def drs(sim: SimulatorHandle) -> DrsClient:
    """A drs client that surfaces raw errors (no retries)."""
    return sim.drs_client(max_attempts=1)


def server_ids(drs: DrsClient, state: str = "CONTINUOUS") -> list[str]:
    """Source servers of the client's Region whose replication is in ``state``."""
    items = drs.describe_source_servers()["items"]
    return [s["sourceServerID"] for s in items if s["dataReplicationInfo"]["dataReplicationState"] == state]


def hostname_ids(drs: DrsClient) -> dict[str, str]:
    return {
        s["sourceProperties"]["identificationHints"]["hostname"]: s["sourceServerID"]
        for s in drs.describe_source_servers()["items"]
    }


def drill(drs: DrsClient, *ids: str, is_drill: bool = True, **extra: Any) -> str:
    job = drs.start_recovery(sourceServers=[{"sourceServerID": i} for i in ids], isDrill=is_drill, **extra)
    return job["job"]["jobID"]


def job(drs: DrsClient, job_id: str) -> Any:
    return drs.describe_jobs(filters={"jobIDs": [job_id]})["items"][0]


def log_events(drs: DrsClient, job_id: str, server_id: str | None = None) -> list[str]:
    """The job's log events in order; with ``server_id``, the job-level ones plus that server's."""
    items = drs.describe_job_log_items(jobID=job_id)["items"]
    return [
        item["event"]
        for item in items
        if server_id is None or item.get("eventData", {}).get("sourceServerID") in (None, server_id)
    ]


def finish(sim: SimulatorHandle, seconds: float = DAY / 24) -> None:
    """Advance simulated time far enough for a job to finish (an hour by default)."""
    sim.simulator.clock.advance(seconds)


def sim_events(sim: SimulatorHandle, detail_type: str) -> list[dict[str, Any]]:
    events = sim.control("GET", "events?since=0")["events"]
    return [e for e in events if e["detail-type"] == detail_type]
