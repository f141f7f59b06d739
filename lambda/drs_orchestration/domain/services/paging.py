"""Opaque pagination tokens: base64url JSON of where the last page ended, validated on the way back.

A token that does not decode to exactly the shape a listing issued is invalid input on ``nextToken``
(a 400 naming the field), never a server error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from drs_orchestration.domain.errors import FieldError, ValidationFailed
from drs_orchestration.domain.ports import Page

__all__ = [
    "decode_cursor",
    "encode_cursor",
    "invalid_token",
    "page_after",
    "value_cursor",
    "value_from_cursor",
]

T = TypeVar("T")
MAX_TOKEN_LENGTH = 2048


def invalid_token() -> ValidationFailed:
    return ValidationFailed(
        [FieldError(name="nextToken", message="not a pagination token issued by this listing")]
    )


def encode_cursor(key: Mapping[str, Any]) -> str:
    raw = json.dumps(dict(key), sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _is_attribute_value(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)) in ("S", "N")
        and isinstance(next(iter(value.values())), str)
    )


def decode_cursor(token: str, key_names: frozenset[str]) -> dict[str, Any]:
    """The key (``{"name": {"S": "..."}}``) encoded in ``token``; ``ValidationFailed`` otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise invalid_token()
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError) as error:
        raise invalid_token() from error
    if not isinstance(decoded, dict) or frozenset(decoded) != key_names:
        raise invalid_token()
    if not all(_is_attribute_value(value) for value in decoded.values()):
        raise invalid_token()
    return decoded


def value_cursor(name: str, value: str) -> str:
    return encode_cursor({name: {"S": value}})


def value_from_cursor(token: str, name: str) -> str:
    value: str = decode_cursor(token, frozenset({name}))[name]["S"]
    return value


def page_after(
    items: Sequence[T], sort_key: Callable[[T], str], *, name: str, limit: int, next_token: str | None
) -> Page[T]:
    """A page of an in-memory list sorted by ``sort_key`` (unique), resumed after the token's key."""
    ordered = sorted(items, key=sort_key)
    start = 0
    if next_token is not None:
        after = value_from_cursor(next_token, name)
        start = next((i for i, item in enumerate(ordered) if sort_key(item) > after), len(ordered))
    chunk = list(ordered[start : start + limit])
    more = start + limit < len(ordered)
    token = value_cursor(name, sort_key(chunk[-1])) if more and chunk else None
    return Page[T](items=chunk, next_token=token)
