"""A small in-process WSGI front over the Lambda handler, for schemathesis: HTTP in, proxy event out.

The front answers with the handler a test gives it (``front.handler = api.handler``)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any

from drs_orchestration.composition.product import Handler
from drs_orchestration.handlers.api.openapi import DOCUMENT_PATH
from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event
from tests.integration.api.client import LambdaContext, claims_for

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class WsgiFront:
    def __init__(self) -> None:
        self.handler: Handler | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (environ.get("PATH_INFO") or "/") == "/openapi.json":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [DOCUMENT_PATH.read_bytes()]
        if self.handler is None:
            raise RuntimeError("the front has no handler: give it the test's API handler first")
        return _serve(self.handler, environ, start_response)


def _serve(handler: Handler, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO") or "/"
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else None
    headers = {
        key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    text: str | bytes | None = body
    if body is not None:
        try:
            text = body.decode()
        except UnicodeDecodeError:
            text = body
    event = rest_proxy_event(
        environ["REQUEST_METHOD"],
        path,
        body=text,
        headers=headers,
        query=environ.get("QUERY_STRING") or None,
        claims=claims_for("Admin"),
    )
    result = handler(event, LambdaContext())
    payload = result.get("body") or ""
    raw = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
    response_headers = [(key, str(value)) for key, value in (result.get("headers") or {}).items()]
    response_headers += [
        (key, str(value))
        for key, values in (result.get("multiValueHeaders") or {}).items()
        for value in values
    ]
    start_response(f"{result['statusCode']} STATUS", response_headers)
    return [raw]
