"""The /_sim/ control API: reset, fixtures, clock, faults, state."""

from __future__ import annotations

import urllib.error
from typing import TYPE_CHECKING

import pytest

from drs_simulator.testing import SimulatorHandle

from .conftest import drill, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def test_reset_forgets_everything_and_fixtures_load_new_servers(sim: SimulatorHandle, drs: DrsClient) -> None:
    drill(drs, server_ids(drs)[0])
    sim.control("POST", "reset")
    with pytest.raises(drs.exceptions.UninitializedAccountException):
        drs.describe_source_servers()
    loaded = sim.control(
        "POST",
        "fixtures",
        {"servers": [{"hostname": "erp-db-01", "os_family": "WINDOWS", "tags": {"Application": "erp"}}]},
    )
    items = drs.describe_source_servers()["items"]
    assert [s["sourceServerID"] for s in items] == loaded["sourceServerIDs"]
    assert items[0]["tags"] == {"Application": "erp"}
    assert drs.describe_jobs()["items"] == []


def test_reset_can_reload_a_named_fleet(sim: SimulatorHandle, drs: DrsClient) -> None:
    assert len(sim.control("POST", "reset", {"fleet": 5})["sourceServerIDs"]) == 5
    assert len(drs.describe_source_servers()["items"]) == 5


def test_the_clock_advances_through_the_control_api(sim: SimulatorHandle) -> None:
    before = sim.control("GET", "clock")
    after = sim.control("POST", "clock/advance", {"seconds": 120})
    assert (before["mode"], before["now"], after["now"]) == (
        "manual",
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:02:00.000Z",
    )


def test_faults_are_merged_read_back_and_cleared(sim: SimulatorHandle) -> None:
    sim.control("POST", "faults", {"launch_failure_rate": 0.5})
    sim.control("POST", "faults", {"boot_failure_rate": 0.25})
    faults = sim.control("GET", "faults")
    assert (faults["launch_failure_rate"], faults["boot_failure_rate"]) == (0.5, 0.25)
    assert sim.control("DELETE", "faults")["launch_failure_rate"] == 0.0


def test_the_state_dump_lists_partitions_with_jobs(sim: SimulatorHandle, drs: DrsClient) -> None:
    job_id = drill(drs, server_ids(drs)[0])
    state = sim.control("GET", "state")
    partition = state["partitions"][0]
    assert (partition["accountId"], partition["region"], partition["initialized"]) == (
        "111122223333",
        "us-east-1",
        True,
    )
    assert [j["jobID"] for j in partition["jobs"]] == [job_id]


def test_a_failback_client_cannot_connect_to_an_unknown_instance(sim: SimulatorHandle) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        sim.control("POST", "failback-client/connect", {"recoveryInstanceID": "i-0123456789abcdef0"})
    assert raised.value.code == 404


def test_an_unknown_control_route_is_a_404(sim: SimulatorHandle) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        sim.control("POST", "teleport", {})
    assert raised.value.code == 404
