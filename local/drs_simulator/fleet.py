"""Fleet fixtures: source servers to load into the simulator (``Simulator.load_fleet``).

* :func:`generate_fleet` - N servers across accounts and regions with an OS mix, Application / Tier /
  Environment tags, a few servers stalled or still in initial sync. Beyond ``max_local`` servers in one
  (account, region) the rest are *extended* source servers replicating in staging accounts, as DRS
  needs past 300 replicating servers per account and Region.
* :func:`demo_fleet` - the small named "demo" fleet: three applications across web/app/db tiers.
"""

from __future__ import annotations

import random
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .config import DEFAULT_ACCOUNT
from .records import OsFamily

OS_STRINGS = {
    "LINUX": ["Amazon Linux 2023", "Red Hat Enterprise Linux 9.4", "Ubuntu 22.04.4 LTS"],
    "WINDOWS": ["Microsoft Windows Server 2022 Datacenter", "Microsoft Windows Server 2019 Standard"],
}
TIER_INSTANCE = {"web": "t3.medium", "app": "m5.large", "db": "r5.xlarge"}


class ServerFixture(BaseModel):
    """One source server to load. ``source_server_id`` is generated when omitted."""

    model_config = ConfigDict(extra="forbid")

    hostname: str
    account_id: str = DEFAULT_ACCOUNT
    region: str = "us-east-1"
    source_server_id: str | None = Field(default=None, pattern=r"^s-[0-9a-zA-Z]{17}$")
    os_family: OsFamily = "LINUX"
    os_string: str | None = None
    origin: Literal["ON_PREMISES", "AWS"] = "ON_PREMISES"
    origin_region: str | None = None
    origin_account: str | None = Field(default=None, pattern=r"^[0-9]{12}$")
    origin_instance_id: str | None = Field(default=None, pattern=r"^i-[0-9a-f]{8,17}$")
    disks_gib: list[int] = Field(default_factory=lambda: [50])
    instance_type: str = "t3.medium"
    tags: dict[str, str] = Field(default_factory=dict)
    replication_state: Literal[
        "CONTINUOUS", "BACKLOG", "RESCAN", "PAUSED", "STALLED", "INITIATING", "INITIAL_SYNC", "STOPPED"
    ] = "CONTINUOUS"
    replication_error: str | None = None
    initial_sync_remaining_seconds: float | None = None
    snapshot_history: int = 6
    staging_account: str | None = None


def _server(
    rng: random.Random,
    app: str,
    tier: str,
    index: int,
    account: str,
    region: str,
    os_family: OsFamily,
) -> ServerFixture:
    return ServerFixture(
        hostname=f"{app}-{tier}-{index:02d}",
        account_id=account,
        region=region,
        os_family=os_family,
        os_string=rng.choice(OS_STRINGS[os_family]),
        disks_gib=[rng.choice([30, 50, 80])] + ([rng.choice([100, 250, 500])] if tier == "db" else []),
        instance_type=TIER_INSTANCE[tier],
        tags={"Application": app, "Tier": tier, "Environment": "production"},
    )


def generate_fleet(
    count: int,
    *,
    accounts: tuple[str, ...] = (DEFAULT_ACCOUNT,),
    regions: tuple[str, ...] = ("us-east-1",),
    seed: int = 42,
    windows_fraction: float = 0.3,
    applications: int | None = None,
    stalled: int = 2,
    initial_sync: int = 2,
    max_local: int = 300,
) -> list[ServerFixture]:
    """``count`` servers spread round-robin over ``accounts`` x ``regions``; deterministic per ``seed``."""
    rng = random.Random(seed)
    apps = applications or max(1, count // 12)
    partitions = [(a, r) for a in accounts for r in regions]
    local: dict[tuple[str, str], int] = {}
    fleet = []
    for i in range(count):
        account, region = partitions[i % len(partitions)]
        os_family: OsFamily = "WINDOWS" if rng.random() < windows_fraction else "LINUX"
        server = _server(
            rng, f"app{i % apps:03d}", ("web", "app", "db")[i % 3], i, account, region, os_family
        )
        server.hostname = f"{server.tags['Application']}-{server.tags['Tier']}-{i:05d}"
        if local.get((account, region), 0) >= max_local:
            server.staging_account = str(int(account) + 1 + local[(account, region)] // max_local).zfill(12)
        local[(account, region)] = local.get((account, region), 0) + 1
        fleet.append(server)
    eligible = [s for s in fleet if s.staging_account is None]
    for server in rng.sample(eligible, min(len(eligible), stalled + initial_sync))[: stalled + initial_sync]:
        if stalled > 0:
            server.replication_state, server.replication_error = "STALLED", "AGENT_NOT_SEEN"
            stalled -= 1
        else:
            server.replication_state, server.snapshot_history = "INITIAL_SYNC", 0
            server.initial_sync_remaining_seconds = 7200
    return fleet


def demo_fleet() -> list[ServerFixture]:
    """Three applications (shop, crm, payroll) across web/app/db tiers in 111122223333 / us-east-1.

    ``crm-app-01`` is stalled (AGENT_NOT_SEEN), ``payroll-db-01`` is still in initial sync and
    ``shop-web-02`` is an EC2-origin server (from us-west-2) so cross-Region failback can be shown.
    """
    rng = random.Random(7)
    layout = {"shop": {"web": 2, "app": 2, "db": 1}, "crm": {"web": 1, "app": 1, "db": 1}}
    layout["payroll"] = {"web": 1, "app": 1, "db": 1}
    fleet = []
    for app, tiers in layout.items():
        for tier, n in tiers.items():
            for index in range(1, n + 1):
                os_family: OsFamily = "WINDOWS" if app == "payroll" and tier != "db" else "LINUX"
                fleet.append(_server(rng, app, tier, index, DEFAULT_ACCOUNT, "us-east-1", os_family))
    by_name = {server.hostname: server for server in fleet}
    by_name["crm-app-01"].replication_state = "STALLED"
    by_name["crm-app-01"].replication_error = "AGENT_NOT_SEEN"
    by_name["payroll-db-01"].replication_state = "INITIAL_SYNC"
    by_name["payroll-db-01"].initial_sync_remaining_seconds = 5400
    by_name["payroll-db-01"].snapshot_history = 0
    by_name["shop-web-02"].origin = "AWS"
    by_name["shop-web-02"].origin_region = "us-west-2"
    return fleet
