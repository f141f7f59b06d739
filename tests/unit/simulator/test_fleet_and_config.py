"""Fleet fixtures and quota profiles."""

from __future__ import annotations

from collections import Counter

import pytest

from drs_simulator.config import Quotas, SimConfig
from drs_simulator.fleet import demo_fleet, generate_fleet


def test_generate_fleet_is_deterministic_per_seed() -> None:
    assert generate_fleet(50, seed=3) == generate_fleet(50, seed=3)
    assert generate_fleet(50, seed=3) != generate_fleet(50, seed=4)


def test_generate_fleet_spreads_servers_over_accounts_and_regions_with_tags() -> None:
    fleet = generate_fleet(40, accounts=("111122223333", "444455556666"), regions=("us-east-1", "eu-west-1"))
    assert Counter((s.account_id, s.region) for s in fleet) == {
        ("111122223333", "us-east-1"): 10,
        ("111122223333", "eu-west-1"): 10,
        ("444455556666", "us-east-1"): 10,
        ("444455556666", "eu-west-1"): 10,
    }
    assert {s.tags["Tier"] for s in fleet} == {"web", "app", "db"}
    assert {s.os_family for s in fleet} == {"LINUX", "WINDOWS"}


def test_generate_fleet_marks_a_few_servers_stalled_or_syncing() -> None:
    states = Counter(s.replication_state for s in generate_fleet(100, stalled=3, initial_sync=2))
    assert (states["STALLED"], states["INITIAL_SYNC"], states["CONTINUOUS"]) == (3, 2, 95)


def test_generate_fleet_extends_servers_beyond_the_replicating_limit() -> None:
    fleet = generate_fleet(700)
    local = [s for s in fleet if s.staging_account is None]
    assert len(local) == 300
    assert {len(s.staging_account or "") for s in fleet if s not in local} == {12}


def test_the_demo_fleet_has_three_applications_with_a_stalled_and_a_syncing_server() -> None:
    fleet = demo_fleet()
    assert {s.tags["Application"] for s in fleet} == {"shop", "crm", "payroll"}
    assert Counter(s.replication_state for s in fleet) == {"CONTINUOUS": 9, "STALLED": 1, "INITIAL_SYNC": 1}
    assert [s.hostname for s in fleet if s.origin == "AWS"] == ["shop-web-02"]


def test_the_legacy_quota_profile_has_the_older_values() -> None:
    legacy = Quotas.profile("legacy")
    assert (legacy.max_servers_per_job, legacy.max_servers_in_active_jobs, legacy.max_source_servers) == (
        200,
        200,
        3000,
    )
    assert Quotas.profile("current", max_concurrent_jobs=2).max_concurrent_jobs == 2
    with pytest.raises(ValueError, match="unknown quota profile"):
        Quotas.profile("future")


def test_configuration_refuses_unknown_keys() -> None:
    with pytest.raises(ValueError, match="quotas"):
        SimConfig.model_validate({"quotas": {"max_servers_per_jobs": 1}})
