"""ID tokens signed with a test key, shaped like the ones Cognito issues, and the JWKS that verifies them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from drs_local.mode.tokens import TokenVerifier

POOL = "us-east-1_pool"
CLIENT = "client-1"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwks() -> dict[str, Any]:
    numbers = KEY.public_key().public_numbers()
    size = (numbers.n.bit_length() + 7) // 8
    return {
        "keys": [
            {
                "kty": "RSA",
                "kid": "k1",
                "alg": "RS256",
                "e": b64(numbers.e.to_bytes(3, "big")),
                "n": b64(numbers.n.to_bytes(size, "big")),
            }
        ]
    }


def token(key: rsa.RSAPrivateKey = KEY, kid: str = "k1", **overrides: Any) -> str:
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "sub": "user-1",
        "exp": NOW.timestamp() + 600,
        "cognito:groups": ["Admin"],
        **overrides,
    }
    head = b64(json.dumps({"alg": "RS256", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64(signature)}"


def verifier() -> TokenVerifier:
    return TokenVerifier(
        region="us-east-1", user_pool_id=POOL, client_ids=[CLIENT], jwks=jwks, now=lambda: NOW
    )
