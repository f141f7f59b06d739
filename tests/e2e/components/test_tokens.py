"""The local authorizer accepts exactly the ID tokens a Cognito user-pool authorizer accepts."""

from __future__ import annotations

import json

import pytest

from drs_local.mode.tokens import InvalidToken, TokenVerifier
from tests.e2e.components import signing
from tests.e2e.components.signing import ISSUER, NOW, OTHER_KEY, b64
from tests.e2e.components.signing import token as _token


@pytest.fixture
def verifier() -> TokenVerifier:
    return signing.verifier()


def test_claims_are_returned_when_the_id_token_is_valid(verifier: TokenVerifier) -> None:
    claims = verifier.claims(_token())
    assert (claims["sub"], claims["cognito:groups"]) == ("user-1", ["Admin"])


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "no token"),
        ("", "no token"),
        ("not-a-token", "not a JSON web token"),
        ("a.b.c", "not a JSON web token"),
        (_token(key=OTHER_KEY), "bad signature"),
        (_token(kid="unknown"), "does not publish"),
        (_token(iss="https://cognito-idp.us-east-1.amazonaws.com/other"), "another user pool"),
        (_token(token_use="access"), "an ID token is required"),
        (_token(aud="client-2"), "another app client"),
        (_token(exp=NOW.timestamp() - 1), "expired"),
    ],
    ids=[
        "none",
        "empty",
        "garbage",
        "undecodable",
        "forged",
        "unknown-key",
        "issuer",
        "access",
        "audience",
        "expired",
    ],
)
def test_token_is_refused_when_the_authorizer_would_refuse_it(
    verifier: TokenVerifier, token: str | None, reason: str
) -> None:
    with pytest.raises(InvalidToken, match=reason):
        verifier.claims(token)


def test_token_is_refused_when_its_payload_was_altered(verifier: TokenVerifier) -> None:
    head, _, signature = _token().split(".")
    altered = b64(json.dumps({"iss": ISSUER, "aud": "client-1", "token_use": "id", "exp": 9e9}).encode())
    with pytest.raises(InvalidToken, match="bad signature"):
        verifier.claims(f"{head}.{altered}.{signature}")
