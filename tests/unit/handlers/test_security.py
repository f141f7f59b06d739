"""Claims parsing and the role matrix, in one place."""

from __future__ import annotations

import pytest

from drs_orchestration.handlers.api.security import (
    Permission,
    Role,
    Unauthenticated,
    parse_groups,
    principal_from_claims,
)


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("[Admin Operator]", {"Admin", "Operator"}),
        ("Admin,Operator", {"Admin", "Operator"}),
        ("Admin, Operator", {"Admin", "Operator"}),
        ('["Admin","Viewer"]', {"Admin", "Viewer"}),
        ("['Viewer']", {"Viewer"}),
        ("Viewer", {"Viewer"}),
        ("[]", set()),
        ("", set()),
        (None, set()),
        (["Operator"], {"Operator"}),
    ],
)
def test_groups_are_parsed_when_the_claim_has_any_shape_an_authorizer_sends(
    raw: object, groups: set[str]
) -> None:
    assert parse_groups(raw) == groups


def test_viewer_only_reads_when_it_is_the_only_group() -> None:
    principal = principal_from_claims({"sub": "s", "cognito:username": "v", "cognito:groups": "[Viewer]"})
    assert principal.roles == {Role.VIEWER}
    assert principal.permissions == {Permission.READ}


def test_operator_drills_and_steers_but_never_recovers_or_edits() -> None:
    principal = principal_from_claims({"sub": "s", "cognito:username": "o", "cognito:groups": "Operator"})
    assert principal.can(Permission.RUN_DRILL)
    assert principal.can(Permission.STEER_EXECUTION)
    assert principal.can(Permission.TERMINATE_DRILL_INSTANCES)
    assert not principal.can(Permission.RUN_RECOVERY)
    assert not principal.can(Permission.EDIT_CONFIGURATION)
    assert not principal.can(Permission.READ_SECRETS)


def test_admin_has_every_permission_and_unknown_groups_grant_nothing() -> None:
    admin = principal_from_claims({"sub": "s", "cognito:username": "a", "cognito:groups": "Admin,Auditors"})
    assert admin.permissions == set(Permission)
    nobody = principal_from_claims({"sub": "s", "cognito:username": "n", "cognito:groups": "Auditors"})
    assert nobody.permissions == frozenset()


@pytest.mark.parametrize("claims", [None, {}, {"email": "x@example.com"}, {"sub": " "}])
def test_identity_is_refused_when_the_claims_carry_no_subject(claims: dict[str, str] | None) -> None:
    with pytest.raises(Unauthenticated):
        principal_from_claims(claims)


def test_actor_is_the_email_when_the_token_carries_one() -> None:
    # Given a pool that signs in by e-mail, so its username is a UUID
    claims = {"sub": "s", "cognito:username": "0f1e2d3c-uuid", "email": "ops@example.com"}
    # When / Then what is recorded as the actor is the e-mail
    assert principal_from_claims(claims).actor == "ops@example.com"


def test_actor_is_the_username_when_the_token_has_no_email() -> None:
    assert principal_from_claims({"sub": "s", "cognito:username": "operator"}).actor == "operator"
