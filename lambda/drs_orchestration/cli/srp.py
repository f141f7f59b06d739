"""Cognito's Secure Remote Password sign-in (``USER_SRP_AUTH``), the flow the console's app client
allows on AWS: the password never leaves this machine. The group, padding and key derivation follow
Cognito's published client libraries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

__all__ = ["SrpSession"]

_N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(_N_HEX, 16)
G = 2
_INFO = b"Caldera Derived Key\x01"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def padded_hex(value: int) -> str:
    """Even-length hex, with ``00`` in front when the top bit is set (a positive two's complement)."""
    text = format(value, "x")
    if len(text) % 2:
        text = "0" + text
    return "00" + text if text[0] in "89abcdef" else text


def _hash_hex(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(_hash_hex(padded_hex(N) + padded_hex(G)), 16)


def timestamp(moment: datetime) -> str:
    """``Tue Nov 3 09:05:01 UTC 2026``: the day of the month without padding, as Cognito expects."""
    return (
        f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


class SrpSession:
    """One sign-in: send :attr:`srp_a`, then answer the ``PASSWORD_VERIFIER`` challenge."""

    def __init__(self, user_pool_id: str, password: str, small_a: int | None = None) -> None:
        self.pool_name = user_pool_id.split("_", 1)[1]
        self.password = password
        self.small_a = small_a if small_a is not None else secrets.randbits(1024) % N
        self.large_a = pow(G, self.small_a, N)
        if self.large_a % N == 0:
            raise ValueError("A mod N cannot be 0")

    @property
    def srp_a(self) -> str:
        return format(self.large_a, "x")

    def authentication_key(self, user_id: str, server_b: int, salt: int) -> bytes:
        if server_b % N == 0:
            raise ValueError("B mod N cannot be 0")
        u = int(_hash_hex(padded_hex(self.large_a) + padded_hex(server_b)), 16)
        if u == 0:
            raise ValueError("u cannot be 0")
        identity = hashlib.sha256(f"{self.pool_name}{user_id}:{self.password}".encode()).hexdigest()
        x = int(_hash_hex(padded_hex(salt) + identity), 16)
        s = pow(server_b - K * pow(G, x, N), self.small_a + u * x, N)
        prk = hmac.new(bytes.fromhex(padded_hex(u)), bytes.fromhex(padded_hex(s)), hashlib.sha256).digest()
        return hmac.new(prk, _INFO, hashlib.sha256).digest()[:16]

    def challenge_responses(self, parameters: dict[str, str], now: datetime) -> dict[str, str]:
        """The ``PASSWORD_VERIFIER`` answer to the challenge ``parameters`` Cognito sent."""
        user_id = parameters["USER_ID_FOR_SRP"]
        key = self.authentication_key(user_id, int(parameters["SRP_B"], 16), int(parameters["SALT"], 16))
        block = parameters["SECRET_BLOCK"]
        stamp = timestamp(now)
        message = (
            self.pool_name.encode()
            + user_id.encode()
            + base64.b64decode(block + "=" * (-len(block) % 4))
            + stamp.encode()
        )
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        return {
            "TIMESTAMP": stamp,
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": signature,
        }
