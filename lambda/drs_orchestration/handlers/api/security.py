"""Who is calling and what they may do: Cognito claims in, a principal with permissions out.

A REST API Cognito authorizer hands the Lambda the token's claims under
``requestContext.authorizer.claims`` with every value a string, so ``cognito:groups`` arrives as one
string ("[Admin Operator]", "Admin,Operator", '["Admin"]' or "Admin"). It is parsed here and nowhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "ROLE_PERMISSIONS",
    "Permission",
    "Principal",
    "Role",
    "Unauthenticated",
    "parse_groups",
    "principal_from_claims",
]


class Role(StrEnum):
    VIEWER = "Viewer"
    OPERATOR = "Operator"
    ADMIN = "Admin"


class Permission(StrEnum):
    READ = "read"
    RUN_DRILL = "run-drill"
    STEER_EXECUTION = "steer-execution"
    TERMINATE_DRILL_INSTANCES = "terminate-drill-instances"
    RUN_RECOVERY = "run-recovery"
    EDIT_CONFIGURATION = "edit-configuration"
    MANAGE_ACCOUNTS = "manage-accounts"
    READ_SECRETS = "read-secrets"


_VIEWER = frozenset({Permission.READ})
_OPERATOR = _VIEWER | {Permission.RUN_DRILL, Permission.STEER_EXECUTION, Permission.TERMINATE_DRILL_INSTANCES}
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.OPERATOR: _OPERATOR,
    Role.ADMIN: frozenset(Permission),
}


class Unauthenticated(Exception):
    """The request carries no usable identity (mapped to 401)."""


_SEPARATORS = re.compile(r"[\s,]+")


def parse_groups(raw: Any) -> frozenset[str]:
    """Every group named by a ``cognito:groups`` claim, whatever shape the authorizer gave it."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple):
        return frozenset(str(item).strip() for item in raw if str(item).strip())
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            decoded = json.loads(text)
        except ValueError:
            text = text[1:-1]
        else:
            if isinstance(decoded, list):
                return parse_groups(decoded)
            text = text[1:-1]
    return frozenset(part.strip("\"'") for part in _SEPARATORS.split(text) if part.strip("\"'"))


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    subject: str
    username: str
    email: str | None
    groups: frozenset[str]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role in Role if role.value in self.groups)

    @property
    def permissions(self) -> frozenset[Permission]:
        granted: set[Permission] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return frozenset(granted)

    @property
    def actor(self) -> str:
        """The name recorded as who did something: the e-mail when the token carries one (a pool that
        signs in by e-mail names its users by UUID), else the username."""
        return self.email or self.username

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    """The caller named by the authorizer's claims; ``Unauthenticated`` when there is none."""
    if not claims:
        raise Unauthenticated("no identity in the request")
    subject = str(claims.get("sub") or "").strip()
    username = str(claims.get("cognito:username") or claims.get("username") or subject).strip()
    if not subject or not username:
        raise Unauthenticated("the identity carries no subject")
    email = claims.get("email")
    return Principal(
        subject=subject,
        username=username,
        email=str(email) if email else None,
        groups=parse_groups(claims.get("cognito:groups")),
    )
