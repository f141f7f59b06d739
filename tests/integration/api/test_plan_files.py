"""Plans as code through the real handler: export (JSON, YAML), import (dry run, create, update), the
plan API's checks named by their path in the file, roles and the version check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.api.client import Api, ApiResponse
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

STAMPS = ("id", "version", "createdAt", "createdBy", "updatedAt", "updatedBy")
YAML = {"Content-Type": "application/yaml"}
SCHEMA_FILE = "cfn/schemas/recovery-plan-file.schema.json"


def group(api: Api, name: str, tier: str) -> str:
    body = {"name": name, "accountId": HOME_ACCOUNT, "region": REGION, "tagSelector": {"Tier": [tier]}}
    created = api.post("/protection-groups", body)
    assert created.status == 201, created.text
    return str(created.json["id"])


def shop_plan(api: Api, name: str = "shop-dr") -> dict[str, Any]:
    """A plan using most of what a plan can say: three groups, a diamond-free chain, every kind of
    action, a wave without a health gate, an optional server, a drill TTL."""
    db, app, web = group(api, "shop-db", "db"), group(api, "shop-app", "app"), group(api, "shop-web", "web")
    body = {
        "name": name,
        "description": "The shop, tier by tier",
        "rtoTargetMinutes": 90,
        "drillTtlHours": 6,
        "waves": [
            {
                "id": "db",
                "name": "Databases",
                "protectionGroupIds": [db],
                "preActions": [{"type": "WAIT", "name": "settle", "seconds": 30}],
                "healthCheck": {"documentName": "Custom-Db-Check", "parameters": {"Port": "5432"}},
                "timeoutMinutes": 45,
            },
            {
                "id": "app",
                "name": "Application",
                "protectionGroupIds": [app],
                "dependsOn": [{"waveId": "db", "condition": "LAUNCHED"}],
                "postActions": [
                    {
                        "type": "LAMBDA",
                        "name": "warm caches",
                        "functionArn": "arn:aws:lambda:us-east-1:111122223333:function:warm",
                        "payload": {"level": 2},
                        "onFailure": "CONTINUE",
                    }
                ],
                "healthCheck": None,
                "pauseBefore": True,
            },
            {
                "id": "web",
                "name": "Web",
                "protectionGroupIds": [web],
                "dependsOn": [{"waveId": "app"}],
                "preActions": [{"type": "APPROVAL", "name": "go", "message": "Open the shop?"}],
                "postActions": [{"type": "SSM_AUTOMATION", "name": "dns", "documentName": "Shop-Dns-Flip"}],
                "optionalServerIds": [server_id(0)],
            },
        ],
    }
    created = api.post("/recovery-plans", body)
    assert created.status == 201, created.text
    return dict(created.json)


def export_json(api: Api, plan_id: str, **kwargs: Any) -> dict[str, Any]:
    exported = api.get(f"/recovery-plans/{plan_id}/export", **kwargs)
    assert exported.status == 200, exported.text
    return dict(exported.json)


def import_file(
    api: Api, document: Any, *, dry_run: bool = False, as_yaml: bool = False, **kw: Any
) -> ApiResponse:
    query = {"dryRun": "true"} if dry_run else {}
    query |= kw.pop("query", {})
    if as_yaml:
        return api.post(
            "/recovery-plans/import", raw_body=yaml.safe_dump(document), headers=YAML, query=query, **kw
        )
    return api.post("/recovery-plans/import", document, query=query, **kw)


def test_export_names_groups_and_carries_no_ids_versions_times_or_owners(api: Api) -> None:
    plan = shop_plan(api)

    document = export_json(api, plan["id"])

    assert next(iter(document)) == "formatVersion"
    assert document["formatVersion"] == 1
    assert [wave["protectionGroups"] for wave in document["waves"]] == [
        ["shop-db"],
        ["shop-app"],
        ["shop-web"],
    ]
    text = json.dumps(document)
    for stamp in (plan["id"], "pg-", "createdAt", "updatedBy", "alice", '"version"'):
        assert stamp not in text
    assert "protectionGroupIds" not in text


def test_export_is_yaml_when_asked_and_says_the_same_as_json(api: Api) -> None:
    plan = shop_plan(api)

    exported = api.get(f"/recovery-plans/{plan['id']}/export", headers={"Accept": "application/yaml"})

    assert exported.status == 200
    assert exported.headers["content-type"] == "application/yaml"
    assert exported.text.startswith("formatVersion: 1\n")
    assert yaml.safe_load(exported.text) == export_json(api, plan["id"])


def test_export_then_import_under_a_new_name_gives_the_same_plan_field_by_field(api: Api) -> None:
    plan = shop_plan(api)
    exported = api.get(f"/recovery-plans/{plan['id']}/export", headers={"Accept": "application/yaml"})
    document = yaml.safe_load(exported.text)
    document["name"] = "shop-dr-copy"

    imported = api.post("/recovery-plans/import", raw_body=yaml.safe_dump(document), headers=YAML)

    assert imported.status == 201, imported.text
    assert imported.json["dryRun"] is False
    assert imported.json["changes"][0]["action"] == "CREATE"
    copy = api.get(f"/recovery-plans/{imported.json['plan']['id']}").json
    assert copy["id"] != plan["id"]
    assert copy["name"] == "shop-dr-copy"
    assert copy["version"] == 1
    for field in set(plan) - set(STAMPS) - {"name"}:
        if field != "waves":
            assert copy[field] == plan[field], field
    assert len(copy["waves"]) == len(plan["waves"])
    for original, copied in zip(plan["waves"], copy["waves"], strict=True):
        assert set(copied) == set(original)
        for field in original:
            assert copied[field] == original[field], (original["id"], field)


def test_dry_run_lists_field_changes_and_changes_nothing(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"])
    document["rtoTargetMinutes"] = 120
    document["waves"][2]["timeoutMinutes"] = 30
    document["waves"][1]["protectionGroups"] = ["shop-app"]

    answer = import_file(api, document, dry_run=True, as_yaml=True)

    assert answer.status == 200, answer.text
    assert answer.json["dryRun"] is True
    assert answer.json.get("plan") is None
    [change] = answer.json["changes"]
    assert change["action"] == "UPDATE"
    assert (change["planId"], change["version"]) == (plan["id"], 1)
    assert change["fields"] == [
        {"path": "rtoTargetMinutes", "before": 90, "after": 120},
        {"path": "waves[2].timeoutMinutes", "before": 60, "after": 30},
    ]
    assert api.get(f"/recovery-plans/{plan['id']}").json == plan


def test_dry_run_of_a_new_name_is_a_create_and_creates_nothing(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"]) | {"name": "brand-new"}

    answer = import_file(api, document, dry_run=True)

    assert answer.status == 200
    assert answer.json["changes"] == [
        {"action": "CREATE", "planName": "brand-new", "planId": None, "version": None, "fields": []}
    ]
    assert [p["name"] for p in api.get("/recovery-plans").json["items"]] == ["shop-dr"]


def test_import_updates_the_plan_of_its_name_under_the_version_it_compared(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"])
    document["waves"][0]["pauseBefore"] = True
    document["waves"][0]["preActions"] = []

    answer = import_file(api, document)

    assert answer.status == 200, answer.text
    assert answer.json["changes"][0]["action"] == "UPDATE"
    stored = api.get(f"/recovery-plans/{plan['id']}").json
    assert stored["version"] == 2
    assert answer.json["plan"] == stored
    assert stored["waves"][0]["pauseBefore"] is True
    assert stored["waves"][0]["preActions"] == []
    assert stored["waves"][1:] == plan["waves"][1:]


def test_import_of_an_unchanged_file_writes_nothing(api: Api) -> None:
    plan = shop_plan(api)

    answer = import_file(api, export_json(api, plan["id"]), as_yaml=True)

    assert answer.status == 200
    assert answer.json["changes"][0]["action"] == "UNCHANGED"
    assert answer.json["changes"][0]["fields"] == []
    assert api.get(f"/recovery-plans/{plan['id']}").json["version"] == 1


def test_import_is_409_when_the_plan_is_not_at_the_version_given(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"])
    body = {key: plan[key] for key in ("name", "rtoTargetMinutes", "waves")} | {"version": 1}
    assert api.put(f"/recovery-plans/{plan['id']}", body | {"rtoTargetMinutes": 5}).status == 200
    document["description"] = "mine"

    answer = import_file(api, document, query={"version": "1"})

    assert answer.status == 409
    assert answer.error_code == "STALE_VERSION"
    assert answer.json["error"]["currentVersion"] == 2
    assert api.get(f"/recovery-plans/{plan['id']}").json["rtoTargetMinutes"] == 5


def test_import_with_a_version_of_a_plan_that_does_not_exist_is_409(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"]) | {"name": "other"}

    answer = import_file(api, document, query={"version": "1"})

    assert answer.status == 409
    assert "other" in answer.json["error"]["message"]


def test_unknown_group_names_are_400_naming_their_path_in_the_file(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"])
    document["waves"][2]["protectionGroups"] = ["shop-web", "nope"]
    document["waves"][0]["protectionGroups"] = ["gone"]

    for as_yaml in (False, True):
        answer = import_file(api, document, dry_run=True, as_yaml=as_yaml)

        assert answer.status == 400
        assert answer.json["error"]["fields"] == [
            {"name": "waves[0].protectionGroups[0]", "message": "unknown protection group 'gone'"},
            {"name": "waves[2].protectionGroups[1]", "message": "unknown protection group 'nope'"},
        ]


@pytest.mark.parametrize(
    ("top", "wave_changes", "expected"),
    [
        ({"rtoTargetMinutes": 0}, {}, {"rtoTargetMinutes"}),
        ({"drillTtlHours": 9999}, {1: {"timeoutMinutes": 0}}, {"drillTtlHours", "waves[1].timeoutMinutes"}),
        (
            {},
            {0: {"dependsOn": [{"waveId": "web"}]}, 1: {"optionalServerIds": [server_id(0)]}},
            {"waves[0].dependsOn", "waves[1].optionalServerIds[0]"},
        ),
    ],
    ids=["bounds", "nested-bounds", "graph-and-servers"],
)
def test_import_applies_the_plan_apis_checks_with_the_same_messages(
    api: Api, top: dict[str, Any], wave_changes: dict[int, dict[str, Any]], expected: set[str]
) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"]) | {"name": "broken"} | top
    plan_body = {key: plan[key] for key in ("name", "rtoTargetMinutes", "drillTtlHours", "waves")} | top
    for index, change in wave_changes.items():
        document["waves"][index] |= change
        plan_body["waves"][index] |= change

    imported = import_file(api, document, dry_run=True)
    direct = api.post("/recovery-plans", plan_body)

    assert (imported.status, direct.status) == (400, 400)
    assert imported.json["error"]["fields"] == direct.json["error"]["fields"]
    assert set(imported.field_names) == expected


def test_a_group_already_in_another_wave_is_named_by_its_path_in_the_file(api: Api) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"])
    document["waves"][2] |= {"protectionGroups": ["shop-db"], "optionalServerIds": []}

    answer = import_file(api, document)

    assert answer.status == 400
    assert answer.field_names == ["waves[2].protectionGroups[0]"]
    assert "already in wave 'db'" in answer.json["error"]["fields"][0]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"formatVersion": 2}, "formatVersion"),
        ({"formatVersion": None}, "formatVersion"),
        ({"surprise": True}, "surprise"),
        ({"waves": [{"id": "x", "name": "X", "protectionGroups": []}]}, "waves[0].protectionGroups"),
    ],
)
def test_a_malformed_file_is_400_naming_the_field(api: Api, change: dict[str, Any], field: str) -> None:
    plan = shop_plan(api)
    document = {
        key: value for key, value in (export_json(api, plan["id"]) | change).items() if value is not None
    }

    answer = import_file(api, document, as_yaml=True)

    assert answer.status == 400, answer.text
    assert field in answer.field_names


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("name: [unclosed", "application/yaml", "not valid YAML"),
        ("base: &b {a: 1}\nother: *b\n", "application/yaml", "aliases"),
        ("- a list\n", "application/yaml", "must be an object"),
        ("{not json", "application/json", "not valid JSON"),
        ("  ", "application/yaml", "give the plan file"),
    ],
)
def test_an_unreadable_body_is_400_naming_the_body(
    api: Api, body: str, content_type: str, message: str
) -> None:
    answer = api.post("/recovery-plans/import", raw_body=body, headers={"Content-Type": content_type})

    assert answer.status == 400, answer.text
    assert answer.field_names == ["body"]
    assert message in answer.json["error"]["fields"][0]["message"]


def test_a_body_neither_yaml_nor_json_is_415(api: Api) -> None:
    answer = api.post("/recovery-plans/import", raw_body="name: x", headers={"Content-Type": "text/plain"})

    assert answer.status == 415


@pytest.mark.parametrize(("role", "status"), [("Viewer", 403), ("Operator", 403), ("Admin", 200)])
def test_only_who_may_edit_plans_may_import_even_a_dry_run(api: Api, role: str, status: int) -> None:
    plan = shop_plan(api)
    document = export_json(api, plan["id"], as_="Viewer")

    assert import_file(api, document, dry_run=True, as_=role).status == status
    assert import_file(api, {"not": "read"}, as_=role).status == (403 if status == 403 else 400)


def test_two_plans_of_the_file_name_are_a_conflict(api: Api) -> None:
    plan = shop_plan(api)
    body = {key: plan[key] for key in ("name", "rtoTargetMinutes", "waves")}
    body["waves"] = [body["waves"][0] | {"dependsOn": []}]
    # the first plan holds the db group; the same name can still be given to a second plan
    assert api.delete(f"/recovery-plans/{plan['id']}").status == 204
    assert api.post("/recovery-plans", body).status == 201
    assert api.post("/recovery-plans", body).status == 201

    answer = import_file(
        api,
        {
            "formatVersion": 1,
            **{k: v for k, v in body.items() if k != "waves"},
            "waves": [{"id": "db", "name": "Databases", "protectionGroups": ["shop-db"]}],
        },
    )

    assert answer.status == 409
    assert "2 recovery plans are named 'shop-dr'" in answer.json["error"]["message"]


def test_groups_that_share_a_name_cannot_be_told_apart_by_export_or_import(api: Api) -> None:
    plan = shop_plan(api)
    body = {
        "name": "shop-db",
        "accountId": HOME_ACCOUNT,
        "region": REGION,
        "tagSelector": {"Tier": ["none-yet"]},
    }
    assert api.post("/protection-groups", body).status == 201

    exported = api.get(f"/recovery-plans/{plan['id']}/export")
    document = {
        "formatVersion": 1,
        "name": "x",
        "rtoTargetMinutes": 5,
        "waves": [{"id": "db", "name": "Databases", "protectionGroups": ["shop-db"]}],
    }
    imported = import_file(api, document, dry_run=True)

    assert exported.status == 409
    assert "2 protection groups are named 'shop-db'" in exported.json["error"]["message"]
    assert imported.status == 400
    assert imported.field_names == ["waves[0].protectionGroups[0]"]


def test_export_of_an_unknown_plan_is_404(api: Api) -> None:
    assert api.get("/recovery-plans/rp-missing/export").status == 404


def test_the_file_schema_is_published_with_the_api_as_committed(api: Api) -> None:
    committed = json.loads((Path(__file__).resolve().parents[3] / SCHEMA_FILE).read_text())

    answer = api.get("/schemas/recovery-plan-file.json", as_="Viewer")

    assert answer.status == 200
    assert answer.headers["content-type"] == "application/schema+json"
    assert answer.json == committed
    assert answer.json["properties"]["formatVersion"]["const"] == 1


def test_names_that_are_not_names_are_400_never_a_lookup(api: Api) -> None:
    shop_plan(api)
    document = {
        "formatVersion": 1,
        "name": "odd",
        "rtoTargetMinutes": 5,
        "waves": [{"id": "a", "name": "A", "protectionGroups": ["", 0, "x" * 200, "shop-db"]}],
    }

    answer = import_file(api, document, dry_run=True, as_yaml=True)

    assert answer.status == 400, answer.text
    assert set(answer.field_names) == {
        "waves[0].protectionGroups[0]",
        "waves[0].protectionGroups[1]",
        "waves[0].protectionGroups[2]",
    }
