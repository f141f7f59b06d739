"""Verify a Cognito ID token as an API Gateway REST Cognito user-pool authorizer does.

The signature (RS256) is checked against the user pool's JWKS, fetched from the local Cognito
endpoint; then the issuer (the pool), the audience (an app client of the pool), ``token_use`` = ``id``
and the expiry. Anything else is refused, exactly like the authorizer answers 401 before the function
runs. The ``Authorization`` header carries the bare token, as the authorizer expects it.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

__all__ = ["InvalidToken", "TokenVerifier", "fetch_jwks"]


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or not for this pool and client."""


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _integer(segment: str) -> int:
    return int.from_bytes(_b64(segment), "big")


def fetch_jwks(cognito_endpoint: str, region: str, user_pool_id: str) -> dict[str, Any]:
    """The pool's ``/.well-known/jwks.json`` from a local Cognito endpoint (moto dispatches by host)."""
    request = urllib.request.Request(  # noqa: S310 - the local Cognito endpoint (http://127.0.0.1)
        f"{cognito_endpoint}/{user_pool_id}/.well-known/jwks.json",
        headers={"Host": f"cognito-idp.{region}.amazonaws.com"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        document: dict[str, Any] = json.loads(response.read())
    return document


class TokenVerifier:
    """``claims(token)`` gives the verified claims of an ID token, or raises :class:`InvalidToken`."""

    def __init__(
        self,
        *,
        region: str,
        user_pool_id: str,
        client_ids: Collection[str],
        jwks: Callable[[], dict[str, Any]],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.client_ids = frozenset(client_ids)
        self._jwks = jwks
        self._now = now
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> rsa.RSAPublicKey:
        with self._lock:
            if kid not in self._keys:
                for key in self._jwks().get("keys", []):
                    if key.get("kty") == "RSA":
                        numbers = rsa.RSAPublicNumbers(_integer(key["e"]), _integer(key["n"]))
                        self._keys[key["kid"]] = numbers.public_key()
            if kid not in self._keys:
                raise InvalidToken("the token is signed with a key the user pool does not publish")
            return self._keys[kid]

    def claims(self, token: str | None) -> dict[str, Any]:
        if not token:
            raise InvalidToken("no token")
        parts = token.split(".")
        if len(parts) != 3:
            raise InvalidToken("not a JSON web token")
        try:
            header = json.loads(_b64(parts[0]))
            claims: dict[str, Any] = json.loads(_b64(parts[1]))
            signature = _b64(parts[2])
        except ValueError as error:
            raise InvalidToken("not a JSON web token") from error
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            raise InvalidToken("the token is not signed with RS256")
        try:
            self._key(str(header.get("kid"))).verify(
                signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature as error:
            raise InvalidToken("bad signature") from error
        if claims.get("iss") != self.issuer:
            raise InvalidToken("the token was issued by another user pool")
        if claims.get("token_use") != "id":
            raise InvalidToken("an ID token is required")
        if claims.get("aud") not in self.client_ids:
            raise InvalidToken("the token was issued to another app client")
        expiry = claims.get("exp")
        if not isinstance(expiry, int | float) or expiry <= self._now().timestamp():
            raise InvalidToken("the token has expired")
        return claims
