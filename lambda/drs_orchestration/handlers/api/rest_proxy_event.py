"""Build the event API Gateway (REST API, Lambda proxy integration, Cognito authorizer) sends.

The local API front and the tests use this one builder so that what runs locally is what runs on
AWS: claims sit under ``requestContext.authorizer.claims`` and every claim value is a string, lists
formatted the way the authorizer formats them ("[Admin Operator]").
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["claims_as_authorizer_sends_them", "rest_proxy_event"]


def _claim_string(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + " ".join(str(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def claims_as_authorizer_sends_them(claims: Mapping[str, Any]) -> dict[str, str]:
    """Token claims as the REST API Cognito authorizer forwards them: every value a string."""
    return {key: _claim_string(value) for key, value in claims.items()}


def rest_proxy_event(
    method: str,
    path: str,
    *,
    body: str | bytes | None = None,
    headers: Mapping[str, str] | None = None,
    query: str | Mapping[str, str | Sequence[str]] | None = None,
    claims: Mapping[str, Any] | None = None,
    stage: str = "prod",
    source_ip: str = "127.0.0.1",
    now: datetime | None = None,
) -> dict[str, Any]:
    """One REST API proxy event for ``method`` ``path`` (``query`` as a string or a mapping)."""
    moment = now or datetime.now(UTC)
    pairs: list[tuple[str, str]]
    if query is None:
        pairs = []
    elif isinstance(query, str):
        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    else:
        pairs = [
            (key, item)
            for key, value in query.items()
            for item in ([value] if isinstance(value, str) else list(value))
        ]
    multi_query: dict[str, list[str]] = {}
    for key, value in pairs:
        multi_query.setdefault(key, []).append(value)
    header_map = {"Host": "api.example.com", "X-Forwarded-Proto": "https", **(headers or {})}
    is_binary = isinstance(body, bytes)
    encoded_body: str | None
    if body is None:
        encoded_body = None
    elif isinstance(body, bytes):
        encoded_body = base64.b64encode(body).decode()
    else:
        encoded_body = body
    authorizer: dict[str, Any] = {}
    if claims is not None:
        authorizer["claims"] = claims_as_authorizer_sends_them(claims)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method.upper(),
        "headers": header_map,
        "multiValueHeaders": {key: [value] for key, value in header_map.items()},
        "queryStringParameters": {key: values[-1] for key, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "proxy",
            "resourcePath": "/{proxy+}",
            "httpMethod": method.upper(),
            "extendedRequestId": uuid.uuid4().hex[:16],
            "requestTime": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{stage}{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": "api",
            "requestTimeEpoch": int(moment.timestamp() * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip, "userAgent": header_map.get("User-Agent", "")},
            "domainName": header_map["Host"],
            "apiId": "api",
            "authorizer": authorizer,
        },
        "body": encoded_body,
        "isBase64Encoded": is_binary,
    }
