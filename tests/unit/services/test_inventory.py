"""The API's view of the DRS inventory: pages by id with filters, and recent reads kept per target."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest

from drs_orchestration.adapters.drs.inventory_cache import INVENTORY_TTL, CachedInventory
from drs_orchestration.domain.errors import ValidationFailed
from drs_orchestration.domain.inventory import InventorySnapshot, ServerFilter, page_servers
from drs_orchestration.domain.models.drs import DrsTarget, SourceServer
from drs_orchestration.domain.ports import Page
from drs_simulator.clock import SimClock

HOME = DrsTarget(account_id="111122223333", region="us-east-1")
OTHER = DrsTarget(account_id="444455556666", region="eu-west-1")


def server(n: int, **fields: object) -> SourceServer:
    return SourceServer.model_validate(
        {"sourceServerId": f"s-{n:017d}", "hostname": f"shop-{('web', 'db')[n % 2]}-{n:04d}", **fields}
    )


class FakeDrs:
    """Each target's servers, in creation order; counts every listing and launch configuration read."""

    def __init__(self) -> None:
        self.servers: dict[tuple[str, str], list[SourceServer]] = {}
        self.calls: Counter[str] = Counter()

    def for_target(self, target: DrsTarget) -> FakeGateway:
        return FakeGateway(self, (target.account_id, target.region))


class FakeGateway:
    def __init__(self, drs: FakeDrs, key: tuple[str, str]) -> None:
        self.drs = drs
        self.key = key

    def list_source_servers(self) -> list[SourceServer]:
        self.drs.calls[f"list {self.key[0]}"] += 1
        return list(self.drs.servers.get(self.key, []))

    def launch_configuration_present(self, source_server_ids: Sequence[str]) -> dict[str, bool]:
        self.drs.calls["launch configuration"] += len(source_server_ids)
        return {server_id: not server_id.endswith("7") for server_id in source_server_ids}


def every_page(snapshot: InventorySnapshot, wanted: ServerFilter, limit: int) -> list[Page[SourceServer]]:
    pages = [page_servers(snapshot, wanted, limit=limit, next_token=None)]
    while pages[-1].next_token is not None:
        pages.append(page_servers(snapshot, wanted, limit=limit, next_token=pages[-1].next_token))
    return pages


def test_pages_hold_every_server_once_by_id_when_the_inventory_is_listed_in_creation_order() -> None:
    # Given servers DRS lists in creation order, not by id
    snapshot = InventorySnapshot.of([server(n) for n in (5, 3, 9, 1, 7, 2, 8, 4, 6, 0)])
    # When
    pages = every_page(snapshot, ServerFilter(), limit=3)
    # Then
    assert [len(page.items) for page in pages] == [3, 3, 3, 1]
    assert [s.source_server_id for page in pages for s in page.items] == [
        server(n).source_server_id for n in range(10)
    ]
    assert pages[-1].next_token is None


def test_last_page_carries_no_token_when_it_ends_exactly_on_the_limit() -> None:
    pages = every_page(InventorySnapshot.of([server(n) for n in range(6)]), ServerFilter(), limit=3)
    assert [len(page.items) for page in pages] == [3, 3]


def test_filters_keep_exact_tags_and_a_case_blind_hostname_or_id_piece_when_both_are_given() -> None:
    servers = [server(n, tags={"Tier": ("web", "db")[n % 2], "App": "shop"}) for n in range(40)]
    snapshot = InventorySnapshot.of(servers)
    # When
    web = every_page(snapshot, ServerFilter(tags={"Tier": "web", "App": "shop"}), limit=7)
    searched = every_page(snapshot, ServerFilter(tags={"Tier": "db"}, search="DB-001"), limit=7)
    by_id = every_page(snapshot, ServerFilter(search="0000000000000003"), limit=7)
    # Then
    assert [s.hostname for page in web for s in page.items] == [f"shop-web-{n:04d}" for n in range(0, 40, 2)]
    assert [s.hostname for page in searched for s in page.items] == [
        f"shop-db-{n:04d}" for n in (11, 13, 15, 17, 19)
    ]
    assert [s.source_server_id for page in by_id for s in page.items] == [
        server(n).source_server_id for n in (3, *range(30, 40))
    ]


def test_paging_resumes_after_the_last_server_when_the_inventory_changed_between_pages() -> None:
    # Given the first page of one read
    before = InventorySnapshot.of([server(n) for n in range(0, 20, 2)])
    first = page_servers(before, ServerFilter(), limit=4, next_token=None)
    # When the next page comes from a read where the page's last server is gone and others came
    after = InventorySnapshot.of([server(n) for n in range(20) if n != 6])
    second = page_servers(after, ServerFilter(), limit=4, next_token=first.next_token)
    # Then nothing repeats and nothing present on both reads is skipped
    assert [s.source_server_id for s in first.items] == [server(n).source_server_id for n in (0, 2, 4, 6)]
    assert [s.source_server_id for s in second.items] == [server(n).source_server_id for n in (7, 8, 9, 10)]


def test_foreign_token_is_invalid_input_on_next_token() -> None:
    with pytest.raises(ValidationFailed) as raised:
        page_servers(InventorySnapshot.of([server(1)]), ServerFilter(), limit=5, next_token="bm90LWEtdG9rZW4")
    assert [field.name for field in raised.value.fields] == ["nextToken"]


def test_cache_answers_from_the_last_read_until_the_ttl_has_passed_on_the_clock() -> None:
    # Given
    drs, clock = FakeDrs(), SimClock("manual")
    drs.servers[("111122223333", "us-east-1")] = [server(1)]
    cache = CachedInventory(drs, clock)
    assert len(cache.snapshot(HOME)) == 1
    drs.servers[("111122223333", "us-east-1")] = [server(1), server(2)]
    # When the TTL has not quite passed: the first read answers
    clock.advance(INVENTORY_TTL.total_seconds() - 1)
    assert len(cache.snapshot(HOME)) == 1
    # When it has: DRS is read again
    clock.advance(1)
    assert len(cache.snapshot(HOME)) == 2
    assert drs.calls["list 111122223333"] == 2 == cache.reads


def test_fresh_read_bypasses_the_cache_and_replaces_what_the_next_views_see() -> None:
    drs, clock = FakeDrs(), SimClock("manual")
    drs.servers[("111122223333", "us-east-1")] = [server(1)]
    cache = CachedInventory(drs, clock)
    cache.snapshot(HOME)
    drs.servers[("111122223333", "us-east-1")] = [server(1), server(2)]
    # When a writer reads fresh
    assert len(cache.snapshot(HOME, fresh=True)) == 2
    # Then a view right after sees what the writer saw, without another read
    assert len(cache.snapshot(HOME)) == 2
    assert drs.calls["list 111122223333"] == 2


def test_targets_are_kept_apart_and_the_oldest_read_is_dropped_when_too_many_are_kept() -> None:
    drs, clock = FakeDrs(), SimClock("manual")
    drs.servers[("111122223333", "us-east-1")] = [server(1)]
    drs.servers[("444455556666", "eu-west-1")] = [server(2), server(3)]
    cache = CachedInventory(drs, clock, max_targets=1)
    assert len(cache.snapshot(HOME)) == 1
    assert len(cache.snapshot(OTHER)) == 2
    # When HOME is asked again: it was dropped for OTHER, so DRS is read again
    assert len(cache.snapshot(HOME)) == 1
    assert drs.calls == Counter({"list 111122223333": 2, "list 444455556666": 1})


def test_launch_configurations_are_read_once_per_server_within_the_ttl() -> None:
    drs, clock = FakeDrs(), SimClock("manual")
    cache = CachedInventory(drs, clock)
    ids = [server(n).source_server_id for n in range(5, 9)]
    # When
    first = cache.launch_configured(HOME, ids[:2])
    second = cache.launch_configured(HOME, ids)
    clock.advance(INVENTORY_TTL.total_seconds())
    third = cache.launch_configured(HOME, ids[:1])
    # Then
    assert first == {ids[0]: True, ids[1]: True}
    assert second == {ids[0]: True, ids[1]: True, ids[2]: False, ids[3]: True}
    assert third == {ids[0]: True}
    assert drs.calls["launch configuration"] == 2 + 2 + 1
