"""The CLI's SRP client agrees with an SRP server on the session key, and formats what Cognito expects."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from drs_orchestration.cli.srp import G, K, N, SrpSession, padded_hex, timestamp

POOL = "us-east-1_AbCdEf123"


def _hash_hex(text: str) -> int:
    return int(hashlib.sha256(bytes.fromhex(text)).hexdigest(), 16)


def _server_key(user_id: str, password: str, salt: int, small_b: int, large_a: int) -> tuple[int, bytes]:
    """What Cognito computes: the verifier from the password, B, then the shared secret from A."""
    identity = hashlib.sha256(f"{POOL.split('_')[1]}{user_id}:{password}".encode()).hexdigest()
    x = _hash_hex(padded_hex(salt) + identity)
    verifier = pow(G, x, N)
    large_b = (K * verifier + pow(G, small_b, N)) % N
    u = _hash_hex(padded_hex(large_a) + padded_hex(large_b))
    shared = pow(large_a * pow(verifier, u, N), small_b, N)
    prk = hmac.new(bytes.fromhex(padded_hex(u)), bytes.fromhex(padded_hex(shared)), hashlib.sha256).digest()
    return large_b, hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


@settings(max_examples=10)
@given(password=st.text(min_size=1, max_size=40), salt=st.integers(min_value=1, max_value=2**128))
def test_client_and_server_derive_the_same_key_when_the_password_matches(password: str, salt: int) -> None:
    # Given a client session and a server that knows the password's verifier
    session = SrpSession(POOL, password)
    large_b, server_key = _server_key("user-1", password, salt, secrets.randbits(256), session.large_a)
    # When the client derives its key from B and the salt
    client_key = session.authentication_key("user-1", large_b, salt)
    # Then both hold the same key
    assert client_key == server_key


def test_keys_differ_when_the_password_is_wrong() -> None:
    session = SrpSession(POOL, "wrong password")
    large_b, server_key = _server_key(
        "user-1", "right password", 12345, secrets.randbits(256), session.large_a
    )
    assert session.authentication_key("user-1", large_b, 12345) != server_key


def test_challenge_answer_is_signed_with_the_derived_key_when_answered() -> None:
    # Given a challenge as Cognito sends it
    session = SrpSession(POOL, "a password")
    large_b, key = _server_key("user-1", "a password", 99, secrets.randbits(256), session.large_a)
    block = base64.b64encode(b"secret block").decode()
    parameters = {"USER_ID_FOR_SRP": "user-1", "SRP_B": format(large_b, "x"), "SALT": format(99, "x")}
    now = datetime(2026, 3, 5, 7, 8, 9, tzinfo=UTC)
    # When the client answers it
    answer = session.challenge_responses({**parameters, "SECRET_BLOCK": block}, now)
    # Then the signature is the HMAC the server expects over pool, user, block and time
    message = b"AbCdEf123" + b"user-1" + b"secret block" + b"Thu Mar 5 07:08:09 UTC 2026"
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    assert answer == {
        "TIMESTAMP": "Thu Mar 5 07:08:09 UTC 2026",
        "USERNAME": "user-1",
        "PASSWORD_CLAIM_SECRET_BLOCK": block,
        "PASSWORD_CLAIM_SIGNATURE": expected,
    }


def test_padded_hex_marks_a_set_top_bit_when_formatting() -> None:
    assert padded_hex(0x0F) == "0f"
    assert padded_hex(0x80) == "0080"
    assert padded_hex(0x123) == "0123"
    assert timestamp(datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)) == "Thu Nov 26 12:00:00 UTC 2026"
