"""What never reaches a log line: tokens, passwords, ExternalIds, AWS credentials and signatures.

``redact`` masks the value of every key that names a secret (``Authorization``, ``taskToken``,
``externalId``, ``password``, ``SecretAccessKey``, ``X-Amz-Signature``, ...) at any depth, parses
strings that hold a JSON document (an API Gateway ``body``) and masks inside them, and masks secrets
written into free text: JWTs, bearer tokens, AWS access key ids and ``key=value`` / ``"key": "value"``
pairs naming a secret (a pre-signed URL's signature, for one). The log formatter applies it to every
record, whatever logged it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

__all__ = ["MASK", "RedactingFormatter", "is_secret_key", "redact", "redact_text"]

MASK = "***"

# Keys compared lower-cased with "-" and "_" removed.
_SECRET_KEYS = frozenset(
    {
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
        "password",
        "newpassword",
        "previouspassword",
        "proposedpassword",
        "temporarypassword",
        "secret",
        "clientsecret",
        "secretaccesskey",
        "awssecretaccesskey",
        "accesskeyid",
        "awsaccesskeyid",
        "credentials",
        "apikey",
        "xapikey",
        "externalid",
        "xamzcredential",
        "xamzsignature",
        "xamzsecuritytoken",
        "signature",
    }
)
_SECRET_SUFFIXES = ("token", "password", "secret", "externalid", "secretaccesskey")

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b")
# "key": "value", key=value, key: value (also inside escaped JSON) for any key naming a secret.
_KEY_VALUE = re.compile(
    r"""(?ix)
    (?P<key>[A-Za-z0-9_-]*
        (?:authorization|password|secret|token|external[_-]?id|signature|credential|api[_-]?key|cookie)
    )
    (?P<sep>\\?["']?\s*[:=]\s*\\?["']?)
    (?P<value>[^\s"'\\,&;}\]]+)
    """
)


def _normalize(key: str) -> str:
    return key.lower().replace("-", "").replace("_", "")


def is_secret_key(key: object) -> bool:
    """Whether a mapping key names a value that must not be logged."""
    if not isinstance(key, str):
        return False
    normalized = _normalize(key)
    return normalized in _SECRET_KEYS or normalized.endswith(_SECRET_SUFFIXES)


def _mask_pair(match: re.Match[str]) -> str:
    return f"{match['key']}{match['sep']}{MASK}"


def redact_text(text: str) -> str:
    """``text`` with every secret it carries masked (a JSON document inside it is parsed first)."""
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and len(stripped) > 1:
        try:
            document = json.loads(stripped)
        except ValueError:
            pass
        else:
            return json.dumps(redact(document), separators=(",", ":"))
    text = _JWT.sub(MASK, text)
    text = _BEARER.sub(lambda match: f"{match[1]} {MASK}", text)
    text = _ACCESS_KEY_ID.sub(MASK, text)
    return _KEY_VALUE.sub(_mask_pair, text)


def redact(value: Any) -> Any:
    """A copy of ``value`` (mappings, sequences and strings at any depth) with every secret masked."""
    if isinstance(value, Mapping):
        return {
            key: (MASK if is_secret_key(key) and item not in (None, "") else redact(item))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON log format, with every secret masked before the line is written."""

    def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]  # powertools types it as LogRecord
        return super().serialize(redact(log))
