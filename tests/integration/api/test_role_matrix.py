"""Every endpoint x every group: who may call what (Viewer reads, Operator drills and steers, Admin all)."""

from __future__ import annotations

import pytest

from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION

GROUPS = ("Viewer", "Operator", "Admin")
RANK = {"Viewer": 0, "Operator": 1, "Admin": 2}
PG = "pg-matrix"
RP = "rp-matrix"
EX = "ex-matrix"
GROUP = {"name": "m", "accountId": HOME_ACCOUNT, "region": REGION, "sourceServerIds": ["s-00000000000000099"]}
PLAN = {"name": "m", "rtoTargetMinutes": 5, "waves": [{"id": "w", "name": "W", "protectionGroupIds": [PG]}]}
PLAN_FILE = {
    "formatVersion": 1,
    "name": "m",
    "rtoTargetMinutes": 5,
    "waves": [{"id": "w", "name": "W", "protectionGroups": ["m"]}],
}
ACCOUNT = {
    "accountId": "444455556666",
    "name": "dr",
    "roleArn": "arn:aws:iam::444455556666:role/r",
    "externalId": "external-id",
    "regions": ["us-west-2"],
}

# (method, path, body, query, least group allowed)
ENDPOINTS = [
    ("GET", "/protection-groups", None, None, "Viewer"),
    ("POST", "/protection-groups", GROUP, None, "Admin"),
    ("GET", f"/protection-groups/{PG}", None, None, "Viewer"),
    ("PUT", f"/protection-groups/{PG}", {**GROUP, "version": 1}, None, "Admin"),
    ("DELETE", f"/protection-groups/{PG}", None, None, "Admin"),
    ("GET", f"/protection-groups/{PG}/servers", None, None, "Viewer"),
    ("GET", "/recovery-plans", None, None, "Viewer"),
    ("POST", "/recovery-plans", PLAN, None, "Admin"),
    ("GET", f"/recovery-plans/{RP}", None, None, "Viewer"),
    ("PUT", f"/recovery-plans/{RP}", {**PLAN, "version": 1}, None, "Admin"),
    ("DELETE", f"/recovery-plans/{RP}", None, None, "Admin"),
    ("POST", f"/recovery-plans/{RP}/validate", None, None, "Viewer"),
    ("GET", f"/recovery-plans/{RP}/export", None, None, "Viewer"),
    ("POST", "/recovery-plans/import", PLAN_FILE, {"dryRun": "true"}, "Admin"),
    ("GET", "/schemas/recovery-plan-file.json", None, None, "Viewer"),
    ("POST", f"/recovery-plans/{RP}/readiness-checks", None, None, "Viewer"),
    ("GET", f"/recovery-plans/{RP}/readiness-checks/rc-00000000000000000", None, None, "Viewer"),
    ("POST", "/executions", {"planId": RP, "mode": "DRILL"}, None, "Operator"),
    ("POST", "/executions", {"planId": RP, "mode": "RECOVERY", "confirmPlanName": "m"}, None, "Admin"),
    ("GET", "/executions", None, None, "Viewer"),
    ("GET", f"/executions/{EX}", None, None, "Viewer"),
    ("POST", f"/executions/{EX}/cancel", None, None, "Operator"),
    ("POST", f"/executions/{EX}/pause", None, None, "Operator"),
    ("POST", f"/executions/{EX}/resume", None, None, "Operator"),
    ("POST", f"/executions/{EX}/waves/w/retry", None, None, "Operator"),
    ("POST", f"/executions/{EX}/waves/w/skip", None, None, "Operator"),
    ("POST", f"/executions/{EX}/waves/w/approve", None, None, "Operator"),
    ("POST", f"/executions/{EX}/terminate-instances", None, None, "Operator"),
    ("GET", f"/executions/{EX}/events", None, None, "Viewer"),
    ("GET", f"/executions/{EX}/report", None, None, "Viewer"),
    ("GET", f"/executions/{EX}/evidence", None, None, "Viewer"),
    ("GET", "/drs/source-servers", None, {"accountId": HOME_ACCOUNT, "region": REGION}, "Viewer"),
    ("GET", "/accounts", None, None, "Viewer"),
    ("POST", "/accounts", ACCOUNT, None, "Admin"),
    ("GET", "/accounts/444455556666", None, None, "Viewer"),
    ("PUT", "/accounts/444455556666", ACCOUNT, {"version": "1"}, "Admin"),
    ("DELETE", "/accounts/444455556666", None, None, "Admin"),
    ("GET", "/audit", None, None, "Viewer"),
    ("GET", "/me", None, None, "Viewer"),
    ("GET", "/readiness", None, None, "Viewer"),
    ("POST", "/readiness/scans", None, None, "Operator"),
]


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize(("method", "path", "body", "query", "least"), ENDPOINTS)
def test_group_is_allowed_only_when_its_role_is_high_enough(
    api: Api, group: str, method: str, path: str, body: object, query: object, least: str
) -> None:
    response = api.call(method, path, body, as_=group, query=query)
    if RANK[group] < RANK[least]:
        assert response.status == 403, response.text
        assert response.error_code == "FORBIDDEN"
    else:
        # allowed: whatever the resource state says (404 for the missing ids), never a denial
        assert response.status not in (401, 403, 500), response.text


@pytest.mark.parametrize(("method", "path", "body", "query", "least"), ENDPOINTS[:3])
def test_request_is_401_when_it_carries_no_identity(
    api: Api, method: str, path: str, body: object, query: object, least: str
) -> None:
    assert api.call(method, path, body, anonymous=True, query=query).status == 401


def test_groups_claim_is_understood_in_every_shape_the_authorizer_sends(api: Api) -> None:
    for raw in ("[Admin Operator]", "Admin,Operator", '["Admin"]', "Admin"):
        claims = {"sub": "s", "cognito:username": "u", "cognito:groups": raw}
        assert "Admin" in api.get("/me", claims=claims).json["groups"]


# Every endpoint that takes a body, once (the first entry names the least group the route itself needs).
WRITES = list(
    {(m, p): (m, p, least) for m, p, _, _, least in reversed(ENDPOINTS) if m in ("POST", "PUT")}.values()
)
BAD_BODIES = ("{not json", "[]", '{"unexpected": true}', "")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("raw_body", BAD_BODIES)
@pytest.mark.parametrize(("method", "path", "least"), WRITES)
def test_denied_group_gets_403_before_the_body_is_parsed_when_the_body_is_malformed(
    api: Api, method: str, path: str, least: str, raw_body: str, content_type: str
) -> None:
    for group in GROUPS:
        response = api.call(
            method,
            path,
            as_=group,
            raw_body=raw_body,
            query={"version": "1"},
            headers={"Content-Type": content_type},
        )
        if RANK[group] < RANK[least]:
            # Given a caller the route refuses, when they send any body, then they are told 403
            assert response.status == 403, f"{group} {method} {path}: {response.text}"
            assert response.error_code == "FORBIDDEN"
        else:
            # the body is judged only for a caller the route admits: never a denial, never a 500
            assert response.status not in (401, 403, 500), f"{group} {method} {path}: {response.text}"


def test_every_route_declares_who_may_call_it_when_the_api_is_assembled() -> None:
    from drs_orchestration.handlers.api.app import app
    from drs_orchestration.handlers.api.resolver import required_permissions

    undeclared = [
        f"{route.method} {route.path}"
        for route in app._static_routes + app._dynamic_routes
        if required_permissions(route.func) is None
    ]

    assert undeclared == []


def test_admitted_caller_gets_415_and_a_refused_one_403_when_the_body_is_not_json(api: Api) -> None:
    text = {"raw_body": "name=m", "headers": {"Content-Type": "text/plain"}}

    assert api.post("/protection-groups", as_="Admin", **text).status == 415  # type: ignore[arg-type]
    assert api.post("/protection-groups", as_="Viewer", **text).status == 403  # type: ignore[arg-type]
