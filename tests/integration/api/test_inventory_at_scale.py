"""The DRS inventory views at 3,000 servers: paged from DRS, kept 30 s on the product's clock, paged by id.

The real API handler over moto's DynamoDB and the DRS simulator (real boto3 ``drs`` client), with a
product clock the tests move by hand; the simulator counts the DRS calls the API makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from drs_simulator.clock import SimClock
from drs_simulator.fleet import ServerFixture, generate_fleet
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import API_HANDLER, Api, ApiResponse
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, product_over_moto

SERVERS = 3000
WHERE = {"accountId": HOME_ACCOUNT, "region": REGION}
DESCRIBE = "DescribeSourceServers"


@pytest.fixture
def drs() -> Iterator[SimulatorHandle]:
    """3,000 servers in the home account and Region (300 replicating there, the rest extended)."""
    with simulator_server(
        fleet=generate_fleet(SERVERS, accounts=(HOME_ACCOUNT,), regions=(REGION,))
    ) as handle:
        yield handle


@pytest.fixture
def clock() -> SimClock:
    return SimClock("manual")


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle, clock: SimClock) -> Iterator[Api]:
    with product_over_moto(monkeypatch, drs, clock, "scale") as product:
        yield Api(product.handler(API_HANDLER))


def ok(response: ApiResponse) -> Any:
    assert response.status == 200, response.text
    return response.json


def every_server(api: Api, query: dict[str, Any], *, limit: int = 100) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        paging = {"limit": str(limit)} if token is None else {"limit": str(limit), "nextToken": token}
        page = ok(api.get("/drs/source-servers", query={**query, **paging}))
        items += page["items"]
        token = page.get("nextToken")
        if token is None:
            return items


def inventory_ids(drs: SimulatorHandle) -> list[str]:
    paginator = drs.drs_client().get_paginator("describe_source_servers")
    return sorted(item["sourceServerID"] for page in paginator.paginate(filters={}) for item in page["items"])


def describe_calls(drs: SimulatorHandle) -> int:
    return drs.simulator.request_counts(DESCRIBE)[DESCRIBE]


def tag(drs: SimulatorHandle, server_ids: list[str], tags: dict[str, str]) -> None:
    client = drs.drs_client()
    for server_id in server_ids:
        arn = f"arn:aws:drs:{REGION}:{HOME_ACCOUNT}:source-server/{server_id}"
        client.tag_resource(resourceArn=arn, tags=tags)


def test_paging_lists_every_server_once_by_id_from_one_drs_read_when_the_inventory_holds_3000(
    api: Api, drs: SimulatorHandle
) -> None:
    # Given
    expected = inventory_ids(drs)
    before = describe_calls(drs)
    # When the console pages through the whole inventory, 100 at a time
    listed = [server["sourceServerId"] for server in every_server(api, WHERE)]
    # Then every server comes once, by id, from one read of DRS in pages of 1,000
    assert len(expected) == SERVERS
    assert listed == expected
    assert describe_calls(drs) - before == SERVERS // 1000


def test_paging_never_repeats_or_skips_a_server_when_drs_changes_and_the_cache_expires_mid_listing(
    api: Api, drs: SimulatorHandle, clock: SimClock
) -> None:
    # Given the first ten pages of a listing
    original = set(inventory_ids(drs))
    seen: list[str] = []
    page = ok(api.get("/drs/source-servers", query={**WHERE, "limit": "100"}))
    seen += [server["sourceServerId"] for server in page["items"]]
    for _ in range(9):
        page = ok(
            api.get("/drs/source-servers", query={**WHERE, "limit": "100", "nextToken": page["nextToken"]})
        )
        seen += [server["sourceServerId"] for server in page["items"]]
    token = page["nextToken"]
    # When servers arrive in DRS (ids before and after the listing's position) and the cache expires
    arrived = [f"s-{prefix}{n:016d}" for prefix in ("0", "z") for n in range(20)]
    drs.simulator.load_fleet(
        ServerFixture(
            hostname=f"late-{n:02d}",
            source_server_id=server_id,
            account_id=HOME_ACCOUNT,
            region=REGION,
            staging_account="999988887777",
        )
        for n, server_id in enumerate(arrived)
    )
    clock.advance(31)
    while token is not None:
        page = ok(api.get("/drs/source-servers", query={**WHERE, "limit": "100", "nextToken": token}))
        seen += [server["sourceServerId"] for server in page["items"]]
        token = page.get("nextToken")
    # Then no server came twice, every server of both reads came, and the new ones after the position
    assert len(seen) == len(set(seen))
    assert original <= set(seen)
    assert set(seen) - original == {server_id for server_id in arrived if server_id.startswith("s-z")}


def test_views_answer_from_one_read_for_30_s_on_the_product_clock_then_read_drs_again(
    api: Api, drs: SimulatorHandle, clock: SimClock
) -> None:
    # Given a read, then a tag set in DRS on two servers
    ok(api.get("/drs/source-servers", query=WHERE))
    renamed = inventory_ids(drs)[:2]
    tag(drs, renamed, {"Application": "payroll"})
    reads = describe_calls(drs)
    query = {**WHERE, "tag": ["Application=payroll"]}
    # When 29 s have passed: the earlier read answers, without DRS
    clock.advance(29)
    assert ok(api.get("/drs/source-servers", query=query))["items"] == []
    assert describe_calls(drs) == reads
    # When 30 s have passed: DRS is read again and the tags show
    clock.advance(1)
    assert [s["sourceServerId"] for s in ok(api.get("/drs/source-servers", query=query))["items"]] == renamed
    assert describe_calls(drs) == reads + SERVERS // 1000


def test_group_writer_sees_the_servers_it_claimed_when_the_view_holds_an_older_read(
    api: Api, drs: SimulatorHandle
) -> None:
    # Given a recent read, then three servers tagged for a new application in DRS
    ok(api.get("/drs/source-servers", query=WHERE))
    tagged = inventory_ids(drs)[100:103]
    tag(drs, tagged, {"Application": "billing"})
    selector = {"Application": ["billing"]}
    # When a group selecting them is created (no time passes on the product clock)
    created = api.post("/protection-groups", {"name": "billing", **WHERE, "tagSelector": selector})
    # Then it claimed them, its servers view lists them at once, and nobody else can claim them
    assert created.status == 201, created.text
    members = ok(api.get(f"/protection-groups/{created.json['id']}/servers"))["items"]
    assert [server["sourceServerId"] for server in members] == tagged
    assert all(server["inInventory"] and server["tags"]["Application"] == "billing" for server in members)
    rival = api.post("/protection-groups", {"name": "billing-2", **WHERE, "tagSelector": selector})
    assert rival.status == 409, rival.text


def test_group_servers_page_by_id_and_reuse_launch_configurations_within_30_s_when_selected_by_tags(
    api: Api, drs: SimulatorHandle
) -> None:
    # Given a group of the web servers of 25 applications (100 of the 3,000)
    apps = [f"app{n:03d}" for n in range(25)]
    selector = {"Tier": ["web"], "Application": apps}
    web = sorted(
        server["sourceServerId"]
        for server in every_server(api, {**WHERE, "tag": ["Tier=web"]})
        if server["tags"]["Application"] in apps
    )
    group = api.post("/protection-groups", {"name": "web", **WHERE, "tagSelector": selector})
    assert group.status == 201, group.text
    path = f"/protection-groups/{group.json['id']}/servers"
    # When its first two pages are read, then the first again
    first = ok(api.get(path, query={"limit": "25"}))
    second = ok(api.get(path, query={"limit": "25", "nextToken": first["nextToken"]}))
    configurations = drs.simulator.request_counts("GetLaunchConfiguration")["GetLaunchConfiguration"]
    again = ok(api.get(path, query={"limit": "25"}))
    # Then the pages follow each other by id, and the repeated page asked DRS for no launch configuration
    assert len(web) == 100
    assert [s["sourceServerId"] for s in first["items"] + second["items"]] == web[:50]
    assert again == first
    assert drs.simulator.request_counts("GetLaunchConfiguration")["GetLaunchConfiguration"] == configurations


def test_search_finds_a_server_by_a_piece_of_its_hostname_among_3000(api: Api, drs: SimulatorHandle) -> None:
    found = ok(api.get("/drs/source-servers", query={**WHERE, "search": "APP-01234"}))
    assert [server["hostname"] for server in found["items"]] == ["app234-app-01234"]
    assert "nextToken" not in found
    refused = api.get("/drs/source-servers", query={**WHERE, "search": ""})
    assert refused.status == 400
    assert refused.field_names == ["search"]
