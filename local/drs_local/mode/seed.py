"""Demo users and demo data, the same on every start (local mode reseeds; it keeps no data between
starts, only the demo passwords).

Users: an admin, an operator and a viewer in the user pool's groups, with passwords generated once per
state directory (kept in ``demo-users.json`` there, readable by the owner only) and reused afterwards.

Data, written through the real API handler as the admin (so every record passes the API's validation
and lands in the audit trail): protection groups selected by tags over the simulator's demo fleet and
a demo plan whose waves form a diamond - databases first, then the application tier and the CRM front
end in parallel, then the shop's web tier - with a pre-action, a post-action and the product's own
post-launch health check on every wave: named with tuned parameters on most, and on the CRM front end
(the application tier over a generated fleet) left out of the plan, so the health check that applies
by default runs. Over a generated fleet (``--fleet N``) the groups are the three tiers and the plan
runs them in order.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event

from .private_files import write_private_json

__all__ = ["DEMO_PLAN_NAME", "DemoUser", "SeedError", "create_users", "demo_users", "seed_demo_data"]

DEMO_PLAN_NAME = "shop-and-crm-drill"
_ROLES = (("admin", "Admin"), ("operator", "Operator"), ("viewer", "Viewer"))
ApiCall = Callable[[dict[str, Any]], dict[str, Any]]


class SeedError(RuntimeError):
    """The API refused a piece of demo data."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    group: str


def _password() -> str:
    # Meets the pool's policy: 14+ characters with lower and upper case, a digit and a symbol.
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"Dr{core}7!"


def demo_users(state_dir: Path) -> list[DemoUser]:
    """The demo logins of this state directory, generated on first use."""
    path = state_dir / "demo-users.json"
    if path.is_file():
        return [DemoUser(**entry) for entry in json.loads(path.read_text())]
    users = [DemoUser(f"{name}@example.com", _password(), group) for name, group in _ROLES]
    write_private_json(path, [asdict(user) for user in users])
    return users


def create_users(cognito: Any, user_pool_id: str, users: list[DemoUser]) -> None:
    for user in users:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=user.username,
            UserAttributes=[
                {"Name": "email", "Value": user.username},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=user.username, Password=user.password, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=user.username, GroupName=user.group)


Selector = dict[str, list[str]]
_SMOKE_TEST = {
    "type": "SSM_RUN_COMMAND",
    "name": "Smoke-test the web tier",
    "documentName": "AWS-RunShellScript",
    "parameters": {"commands": ["curl -fsS http://localhost/health"]},
    "timeoutSeconds": 300,
}
_QUIESCE = {"type": "WAIT", "name": "Let the last writes replicate", "seconds": 60}


@dataclass(frozen=True)
class _Layout:
    """Protection groups (name, description, tag selector) and the plan's waves over them."""

    groups: tuple[tuple[str, str, Selector], ...]
    description: str
    waves: tuple[dict[str, Any], ...]


_DEMO = _Layout(
    groups=(
        ("databases", "Shop and CRM databases", {"Application": ["shop", "crm"], "Tier": ["db"]}),
        ("shop-app", "Shop application servers", {"Application": ["shop"], "Tier": ["app"]}),
        ("crm-web", "CRM front end", {"Application": ["crm"], "Tier": ["web"]}),
        ("shop-web", "Shop web servers", {"Application": ["shop"], "Tier": ["web"]}),
        (
            "crm-app",
            "CRM application server (replication stalled)",
            {"Application": ["crm"], "Tier": ["app"]},
        ),
        ("payroll", "Payroll (its database is still in initial sync)", {"Application": ["payroll"]}),
    ),
    description=(
        "Databases, then the shop's application tier and the CRM front end together, "
        "then the shop's web tier."
    ),
    waves=(
        {"id": "databases", "name": "Databases", "group": "databases", "preActions": [_QUIESCE]},
        {
            "id": "shop-app",
            "name": "Shop application tier",
            "group": "shop-app",
            "after": [("databases", "HEALTHY")],
        },
        {
            "id": "crm-web",
            "name": "CRM front end",
            "group": "crm-web",
            "after": [("databases", "HEALTHY")],
            "defaultHealthCheck": True,
        },
        {
            "id": "shop-web",
            "name": "Shop web tier",
            "group": "shop-web",
            "after": [("shop-app", "HEALTHY"), ("crm-web", "LAUNCHED")],
            "postActions": [_SMOKE_TEST],
        },
    ),
)
_GENERATED = _Layout(
    groups=(
        ("databases", "Every database server", {"Tier": ["db"]}),
        ("app-tier", "Every application server", {"Tier": ["app"]}),
        ("web-tier", "Every web server", {"Tier": ["web"]}),
    ),
    description="Every database, then every application server, then every web server.",
    waves=(
        {"id": "databases", "name": "Databases", "group": "databases", "preActions": [_QUIESCE]},
        {
            "id": "app-tier",
            "name": "Application tier",
            "group": "app-tier",
            "after": [("databases", "HEALTHY")],
            "defaultHealthCheck": True,
        },
        {
            "id": "web-tier",
            "name": "Web tier",
            "group": "web-tier",
            "after": [("app-tier", "HEALTHY")],
            "postActions": [_SMOKE_TEST],
        },
    ),
)


def _plan(layout: _Layout, group_ids: dict[str, list[str]], health_document: str) -> dict[str, Any]:
    health = {
        "documentName": health_document,
        "parameters": {"minFreeDiskPercent": ["10"]},
        "timeoutSeconds": 600,
    }
    waves = [
        {
            "id": spec["id"],
            "name": spec["name"],
            "protectionGroupIds": group_ids[spec["group"]],
            "dependsOn": [{"waveId": on, "condition": condition} for on, condition in spec.get("after", [])],
            "preActions": spec.get("preActions", []),
            "postActions": spec.get("postActions", []),
            # no "healthCheck": the product's health check with its defaults
            **({} if spec.get("defaultHealthCheck") else {"healthCheck": health}),
        }
        for spec in layout.waves
    ]
    return {
        "name": DEMO_PLAN_NAME,
        "description": layout.description,
        "rtoTargetMinutes": 120,
        "drillTtlHours": 8,
        "waves": waves,
    }


def seed_demo_data(
    call: ApiCall,
    claims: dict[str, Any],
    *,
    account: str,
    region: str,
    health_document: str,
    demo_fleet: bool = True,
    targets: Sequence[tuple[str, str]] = (),
    recovery_accounts: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Create the demo groups and plan through the API handler ``call``; returns the plan. Over a
    generated fleet (``demo_fleet=False``) the groups are the three tiers and the waves a chain; with
    several ``targets`` (account, Region), each tier has a group in each, after ``recovery_accounts``
    (``POST /accounts`` bodies) are registered."""

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        event = rest_proxy_event(
            "POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"}, claims=claims
        )
        response = call(event)
        if response.get("statusCode") != 201:
            raise SeedError(f"POST {path} answered {response.get('statusCode')}: {response.get('body')}")
        created: dict[str, Any] = json.loads(response["body"])
        return created

    layout = _DEMO if demo_fleet else _GENERATED
    for body in recovery_accounts:
        post("/accounts", body)
    places = list(targets) or [(account, region)]
    ids = {
        name: [
            post(
                "/protection-groups",
                {
                    "name": name if len(places) == 1 else f"{name}-{place_account}-{place_region}",
                    "description": text,
                    "accountId": place_account,
                    "region": place_region,
                    "tagSelector": selector,
                },
            )["id"]
            for place_account, place_region in places
        ]
        for name, text, selector in layout.groups
    }
    return post("/recovery-plans", _plan(layout, ids, health_document))
