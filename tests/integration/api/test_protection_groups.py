"""Protection groups through the real handler: CRUD, optimistic locking, membership rule, paging."""

from __future__ import annotations

import threading

import pytest

from drs_orchestration.composition.product import Product
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id


def group_body(name: str = "shop-web", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": name,
        "accountId": HOME_ACCOUNT,
        "region": REGION,
        "tagSelector": {"Application": ["shop"], "Tier": ["web"]},
    }
    body.update(overrides)
    return body


def test_group_is_created_read_and_listed_when_the_body_is_valid(api: Api) -> None:
    # Given / When
    created = api.post("/protection-groups", group_body())
    # Then
    assert created.status == 201, created.text
    group = created.json
    assert group["id"].startswith("pg-")
    assert group["version"] == 1
    assert group["createdBy"] == "alice@example.com"
    assert api.get(f"/protection-groups/{group['id']}", as_="Viewer").json == group
    assert [g["id"] for g in api.get("/protection-groups", as_="Viewer").json["items"]] == [group["id"]]


def test_group_servers_show_replication_and_readiness_when_resolved_by_tags(api: Api) -> None:
    group = api.post("/protection-groups", group_body()).json
    servers = api.get(f"/protection-groups/{group['id']}/servers").json["items"]
    # web tier is n % 3 == 0: 0, 3, 6, 9
    assert [s["sourceServerId"] for s in servers] == [server_id(n) for n in (0, 3, 6, 9)]
    assert {s["replicationState"] for s in servers} == {"CONTINUOUS"}
    assert all(s["inInventory"] and s["verdict"] in {"READY", "WARNINGS"} for s in servers)
    first = api.get(f"/protection-groups/{group['id']}/servers", query={"limit": "3"}).json
    rest = api.get(
        f"/protection-groups/{group['id']}/servers", query={"limit": "3", "nextToken": first["nextToken"]}
    ).json
    assert [s["sourceServerId"] for s in first["items"] + rest["items"]] == [
        server_id(n) for n in (0, 3, 6, 9)
    ]
    assert "nextToken" not in rest


def test_update_returns_409_with_current_version_when_the_version_is_stale(api: Api) -> None:
    group = api.post("/protection-groups", group_body()).json
    first = api.put(f"/protection-groups/{group['id']}", {**group_body(description="one"), "version": 1})
    assert first.status == 200
    assert first.json["version"] == 2
    stale = api.put(f"/protection-groups/{group['id']}", {**group_body(description="two"), "version": 1})
    assert stale.status == 409
    assert stale.error_code == "STALE_VERSION"
    assert stale.json["error"]["currentVersion"] == 2
    assert api.get(f"/protection-groups/{group['id']}").json["description"] == "one"


@pytest.mark.usefixtures("atomic_conditional_writes")
def test_exactly_one_concurrent_update_wins_when_all_use_the_same_version(api: Api) -> None:
    group = api.post("/protection-groups", group_body()).json
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def update(n: int) -> None:
        barrier.wait()
        response = api.put(
            f"/protection-groups/{group['id']}", {**group_body(description=f"d{n}"), "version": 1}
        )
        statuses.append(response.status)

    threads = [threading.Thread(target=update, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 5
    assert api.get(f"/protection-groups/{group['id']}").json["version"] == 2


def test_group_is_refused_with_409_when_its_tags_select_a_server_of_another_group(api: Api) -> None:
    api.post("/protection-groups", group_body("by-tag"))
    clash = api.post(
        "/protection-groups", group_body("explicit", tagSelector=None, sourceServerIds=[server_id(3)])
    )
    assert clash.status == 409
    assert server_id(3) in clash.json["error"]["message"]
    disjoint = api.post("/protection-groups", group_body("db", tagSelector={"Tier": ["db"]}))
    assert disjoint.status == 201


def test_listing_filters_by_account_and_region_and_pages_with_a_token(api: Api) -> None:
    for n, tier in enumerate(("web", "app", "db")):
        assert api.post("/protection-groups", group_body(f"g{n}", tagSelector={"Tier": [tier]})).status == 201
    first = api.get("/protection-groups", query={"limit": "2", "accountId": HOME_ACCOUNT, "region": REGION})
    assert [g["name"] for g in first.json["items"]] == ["g0", "g1"]
    second = api.get(
        "/protection-groups",
        query={
            "limit": "2",
            "accountId": HOME_ACCOUNT,
            "region": REGION,
            "nextToken": first.json["nextToken"],
        },
    )
    assert [g["name"] for g in second.json["items"]] == ["g2"]
    assert "nextToken" not in second.json
    assert api.get("/protection-groups", query={"region": "eu-west-1"}).json["items"] == []


def test_garbage_token_is_400_naming_next_token_when_it_was_not_issued(api: Api) -> None:
    response = api.get("/protection-groups", query={"nextToken": "bm90LWEtdG9rZW4"})
    assert response.status == 400
    assert response.field_names == ["nextToken"]


def test_invalid_body_is_400_naming_each_field_when_fields_are_wrong_or_unknown(api: Api) -> None:
    response = api.post("/protection-groups", group_body(accountId="12", colour="red"))
    assert response.status == 400
    assert response.error_code == "VALIDATION_FAILED"
    assert {"accountId", "colour"} <= set(response.field_names)
    assert api.get("/protection-groups").json["items"] == []


def test_malformed_json_is_400_when_the_body_does_not_parse(api: Api) -> None:
    response = api.post("/protection-groups", raw_body="{not json")
    assert response.status == 400
    assert response.error_code == "VALIDATION_FAILED"


def test_oversize_body_is_413_when_it_exceeds_the_limit(api: Api) -> None:
    response = api.post("/protection-groups", raw_body="x" * (300 * 1024))
    assert response.status == 413
    assert response.error_code == "PAYLOAD_TOO_LARGE"


def test_unknown_group_is_404_and_unknown_route_is_404(api: Api) -> None:
    assert api.get("/protection-groups/pg-missing").status == 404
    assert api.get("/nowhere").error_code == "NOT_FOUND"


def test_delete_is_409_while_a_plan_uses_the_group_and_204_after(api: Api) -> None:
    group = api.post("/protection-groups", group_body()).json
    plan = api.post(
        "/recovery-plans",
        {
            "name": "shop-dr",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "web", "name": "Web", "protectionGroupIds": [group["id"]]}],
        },
    ).json
    refused = api.delete(f"/protection-groups/{group['id']}")
    assert refused.status == 409
    assert "shop-dr" in refused.json["error"]["message"]
    assert api.delete(f"/recovery-plans/{plan['id']}").status == 204
    assert api.delete(f"/protection-groups/{group['id']}", query={"version": "1"}).status == 204
    assert api.get(f"/protection-groups/{group['id']}").status == 404


def test_every_answer_names_the_console_origin_when_one_is_configured(product: Product) -> None:
    settings = product.settings.model_copy(update={"allowed_origin": "https://console.example.com"})
    api = Api(Product(settings, product.clock, runner=product.runner).handler(API_HANDLER))
    for response in (api.get("/protection-groups"), api.get("/me", anonymous=True), api.get("/nowhere")):
        assert response.headers["access-control-allow-origin"] == "https://console.example.com"
