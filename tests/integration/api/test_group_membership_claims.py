"""One group per server holds under concurrency: claims written with the group, released with it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api, ApiResponse
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, fleet, server_id

ESTATE = range(1000, 1288)
"""288 more servers (300 in all, DRS's replicating quota): an estate tier of 250 and 38 spares."""


@pytest.fixture(scope="module")
def drs() -> Iterator[SimulatorHandle]:
    """The shop fleet plus a large estate, for writes that claim hundreds of servers."""
    estate = [
        ServerFixture(
            hostname=f"estate-{n}",
            source_server_id=server_id(n),
            account_id=HOME_ACCOUNT,
            region=REGION,
            tags={"Application": "estate", "Tier": "estate" if n < 1250 else "spare"},
        )
        for n in ESTATE
    ]
    with simulator_server(fleet=[*fleet(), *estate]) as handle:
        yield handle


def body(name: str, *servers: int, **overrides: object) -> dict[str, object]:
    return {
        "name": name,
        "accountId": HOME_ACCOUNT,
        "region": REGION,
        "sourceServerIds": [server_id(n) for n in servers],
        **overrides,
    }


def race(monkeypatch: pytest.MonkeyPatch, *calls: Any) -> list[ApiResponse]:
    """Run the calls in threads, each held just before its write until all have passed the read-time
    membership check: the window two racing requests share. The requests enter the handler one at a
    time (the in-process handler keeps the current event in one shared resolver) and race from the
    repository write on."""
    barrier = threading.Barrier(len(calls))
    entry = threading.Lock()
    original = DynamoDBProtectionGroupRepository.create

    def held(self: DynamoDBProtectionGroupRepository, *args: Any, **kwargs: Any) -> Any:
        entry.release()
        barrier.wait(timeout=30)
        return original(self, *args, **kwargs)

    def enter(call: Any) -> None:
        assert entry.acquire(timeout=30)
        responses.append(call())

    monkeypatch.setattr(DynamoDBProtectionGroupRepository, "create", held)
    responses: list[ApiResponse] = []
    threads = [threading.Thread(target=enter, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    return responses


@pytest.mark.usefixtures("atomic_conditional_writes")
def test_exactly_one_of_two_racing_creates_wins_when_they_share_a_server(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # When two creates that both want server 4 pass the read-time check together
    responses = race(
        monkeypatch,
        lambda: api.post("/protection-groups", body("left", 1, 4)),
        lambda: api.post("/protection-groups", body("right", 4, 7)),
    )
    # Then one is created and the other gets 409 naming the server and the winner
    assert sorted(r.status for r in responses) == [201, 409]
    winner = next(r for r in responses if r.status == 201).json
    loser = next(r for r in responses if r.status == 409)
    assert loser.error_code == "CONFLICT"
    assert f"{server_id(4)} ({winner['name']})" in loser.json["error"]["message"]
    assert [g["name"] for g in api.get("/protection-groups").json["items"]] == [winner["name"]]
    # And only the winner's creation is audited
    actions = [a["action"] for a in api.get("/audit").json["items"]]
    assert actions == ["CreateProtectionGroup"]


def test_servers_are_free_again_when_their_group_drops_them_or_is_deleted(api: Api) -> None:
    # Given a group of servers 1 and 2
    group = api.post("/protection-groups", body("first", 1, 2)).json
    assert api.post("/protection-groups", body("second", 2)).status == 409
    # When it drops server 2, another group may take it
    updated = api.put(f"/protection-groups/{group['id']}", {**body("first", 1), "version": 1})
    assert updated.status == 200, updated.text
    assert api.post("/protection-groups", body("second", 2)).status == 201
    # When it is deleted, server 1 is free
    assert api.post("/protection-groups", body("third", 1)).status == 409
    assert api.delete(f"/protection-groups/{group['id']}", query={"version": "2"}).status == 204
    assert api.post("/protection-groups", body("third", 1)).status == 201


def test_tag_matched_servers_are_claimed_when_the_group_is_written(api: Api) -> None:
    # Given a group whose tags select the web tier (servers 0, 3, 6, 9)
    assert api.post("/protection-groups", body("web", tagSelector={"Tier": ["web"]})).status == 201
    # When another group names server 6 explicitly
    clash = api.post("/protection-groups", body("pick", 6))
    # Then it is refused naming the server and the group holding it
    assert clash.status == 409
    assert f"{server_id(6)} (web)" in clash.json["error"]["message"]


def test_stale_update_leaves_no_audit_record_when_its_version_condition_fails(api: Api) -> None:
    group = api.post("/protection-groups", body("first", 1)).json
    assert api.put(f"/protection-groups/{group['id']}", {**body("first", 1, 2), "version": 1}).status == 200
    stale = api.put(f"/protection-groups/{group['id']}", {**body("first", 3), "version": 1})
    assert stale.status == 409
    actions = sorted(a["action"] for a in api.get("/audit", query={"resourceId": group["id"]}).json["items"])
    assert actions == ["CreateProtectionGroup", "UpdateProtectionGroup"]
    # and server 3, wanted only by the stale update, was never claimed
    assert api.post("/protection-groups", body("other", 3)).status == 201


def test_a_tag_selected_group_of_250_servers_claims_and_frees_them_when_created_and_deleted(api: Api) -> None:
    # When a group selects the 250-server estate tier by tag
    created = api.post("/protection-groups", body("estate", tagSelector={"Tier": ["estate"]}))
    # Then it is created and holds every one of them
    assert created.status == 201, created.text
    clash = api.post("/protection-groups", body("pick", 1249))
    assert clash.status == 409
    assert f"{server_id(1249)} (estate)" in clash.json["error"]["message"]
    # When it is deleted, all 250 are free again
    deleted = api.delete(f"/protection-groups/{created.json['id']}", query={"version": "1"})
    assert deleted.status == 204
    assert api.post("/protection-groups", body("again", tagSelector={"Tier": ["estate"]})).status == 201


@pytest.mark.usefixtures("atomic_conditional_writes")
def test_exactly_one_of_two_racing_creates_of_150_servers_wins_when_they_share_one(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    left, right = list(range(1000, 1150)), [*range(1149, 1288), *range(11)]
    # When two creates of 150 servers each, sharing server 1149, pass the read-time check together
    responses = race(
        monkeypatch,
        lambda: api.post("/protection-groups", body("left", *left)),
        lambda: api.post("/protection-groups", body("right", *right)),
    )
    # Then one is created and the other gets 409 naming the shared server and the winner
    assert sorted(r.status for r in responses) == [201, 409]
    winner = next(r for r in responses if r.status == 201).json
    loser = next(r for r in responses if r.status == 409)
    assert f"{server_id(1149)} ({winner['name']})" in loser.json["error"]["message"]
    # And the loser left no claim behind: all its other servers can be grouped
    others = [n for n in (right if winner["name"] == "left" else left) if n != 1149]
    assert api.post("/protection-groups", body("rest", *others)).status == 201
