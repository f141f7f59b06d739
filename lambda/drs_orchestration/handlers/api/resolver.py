"""The REST resolver: checks body size and identity before anything parses the request.

Powertools validates the request before any route or middleware runs, so what must come first
(413 for an oversize body, 415 for a body that is not JSON,
401 without an identity) happens here; the caller's principal is put in
the request context for the routes' permission checks.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from drs_orchestration.domain.errors import Forbidden
from drs_orchestration.handlers.api.errors import error_proxy_response
from drs_orchestration.handlers.api.security import (
    Permission,
    Principal,
    Unauthenticated,
    principal_from_claims,
)

__all__ = ["DrsApiResolver", "current_principal", "require"]

_PRINCIPAL = "principal"


def _body_size(event: Mapping[str, Any]) -> int:
    body = event.get("body") or ""
    size = len(body.encode()) if isinstance(body, str) else len(body)
    return size * 3 // 4 if event.get("isBase64Encoded") else size


def _is_text(event: Mapping[str, Any]) -> bool:
    if not event.get("isBase64Encoded") or not event.get("body"):
        return True
    try:
        base64.b64decode(event["body"]).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _content_type(event: Mapping[str, Any]) -> str:
    headers = event.get("headers") or {}
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
    return str(value).lower()


def _with_origin(response: dict[str, Any], origin: str | None) -> dict[str, Any]:
    """The console's origin on every answer: with a proxy integration the function sets CORS headers."""
    if origin:
        headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if response.get("multiValueHeaders") is not None:
            response["multiValueHeaders"].update({key: [value] for key, value in headers.items()})
        else:
            response.setdefault("headers", {}).update(headers)
    return response


class DrsApiResolver(APIGatewayRestResolver):
    def __init__(
        self, max_body_bytes: Callable[[], int], allowed_origin: Callable[[], str | None], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._max_body_bytes = max_body_bytes
        self._allowed_origin = allowed_origin

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        return _with_origin(self._checked_resolve(event, context), self._allowed_origin())

    def _checked_resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        limit = self._max_body_bytes()
        if _body_size(event) > limit:
            return error_proxy_response(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "PAYLOAD_TOO_LARGE", f"the body exceeds {limit} bytes"
            )
        if event.get("body") and "json" not in _content_type(event):
            return error_proxy_response(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "send the body as application/json",
            )
        if not _is_text(event):
            return error_proxy_response(
                HTTPStatus.BAD_REQUEST, "VALIDATION_FAILED", "the body is not UTF-8 JSON"
            )
        authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
        try:
            principal = principal_from_claims(authorizer.get("claims"))
        except Unauthenticated as error:
            return error_proxy_response(HTTPStatus.UNAUTHORIZED, "UNAUTHENTICATED", str(error))
        self.append_context(**{_PRINCIPAL: principal})  # type: ignore[no-untyped-call]
        return super().resolve(event, context)


def current_principal(router: Router | APIGatewayRestResolver) -> Principal:
    principal: Principal = router.context[_PRINCIPAL]
    return principal


def require(router: Router | APIGatewayRestResolver, permission: Permission) -> Principal:
    """The caller, if their groups grant ``permission``; ``Forbidden`` otherwise."""
    principal = current_principal(router)
    if not principal.can(permission):
        raise Forbidden(f"this needs the {permission.value} permission, which your groups do not grant")
    return principal
