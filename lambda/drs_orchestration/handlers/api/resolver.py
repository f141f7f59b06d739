"""The REST resolver: checks body size, identity and permission before anything parses the request.

Powertools validates the request before any route or middleware runs, so what must come first
happens here, in this order: 413 for an oversize body, 401 without an identity, then, once the route
is matched, 403 when the caller's groups do not grant the permission it declares with
:func:`requires` (whatever the body), and only then 415 for a body that is not JSON and 400 for one
that is not UTF-8 text. The caller's principal and the parts the request is served with are put in the
request context for the routes; every response carries the server's time (``X-Server-Time``) from
the product's clock, so a client measures "how long ago" on the same clock as the records.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder, Route, Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType
from aws_lambda_powertools.utilities.typing import LambdaContext

from drs_orchestration.domain.errors import Forbidden, ValidationFailed
from drs_orchestration.handlers.api.errors import error_proxy_response
from drs_orchestration.handlers.api.security import (
    Permission,
    Principal,
    Unauthenticated,
    principal_from_claims,
)

if TYPE_CHECKING:
    from drs_orchestration.composition.api import ApiParts

__all__ = [
    "SERVER_TIME_HEADER",
    "DrsApiResolver",
    "accepts",
    "api_parts",
    "current_principal",
    "require",
    "required_permissions",
    "requires",
]

_PRINCIPAL = "principal"
_PARTS = "parts"
_PERMISSIONS = "__drs_permissions__"
_MEDIA_TYPES = "__drs_media_types__"
SERVER_TIME_HEADER = "X-Server-Time"
F = TypeVar("F", bound=Callable[..., Any])


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Declare what a route needs (none: any signed-in caller); checked before its request is parsed.

    Goes under ``@router.<method>(...)``, so the registered function carries the declaration.
    """

    def declare(route: F) -> F:
        setattr(route, _PERMISSIONS, frozenset(permissions))
        return route

    return declare


def accepts(*media_types: str) -> Callable[[F], F]:
    """Declare body media types a route reads itself besides JSON (e.g. ``application/yaml``)."""

    def declare(route: F) -> F:
        setattr(route, _MEDIA_TYPES, tuple(media_types))
        return route

    return declare


def required_permissions(route: Callable[..., Any]) -> frozenset[Permission] | None:
    """What ``route`` declared with :func:`requires`; ``None`` when it declared nothing."""
    declared: frozenset[Permission] | None = getattr(route, _PERMISSIONS, None)
    return declared


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


def _with_headers(response: dict[str, Any], parts: ApiParts) -> dict[str, Any]:
    """The server's time on every answer, and the console's origin: with a proxy integration the
    function sets CORS headers (exposing the time to the console's scripts)."""
    headers = {SERVER_TIME_HEADER: parts.clock.now().isoformat().replace("+00:00", "Z")}
    if parts.allowed_origin:
        headers |= {
            "Access-Control-Allow-Origin": parts.allowed_origin,
            "Access-Control-Expose-Headers": SERVER_TIME_HEADER,
            "Vary": "Origin",
        }
    if response.get("multiValueHeaders") is not None:
        response["multiValueHeaders"].update({key: [value] for key, value in headers.items()})
    else:
        response.setdefault("headers", {}).update(headers)
    return response


class DrsApiResolver(APIGatewayRestResolver):
    def resolve_with(
        self, parts: ApiParts, event: Mapping[str, Any], context: LambdaContext
    ) -> dict[str, Any]:
        """Answer ``event`` with ``parts`` (the routes read them from the request context)."""
        return _with_headers(self._checked_resolve(parts, event, context), parts)

    def _call_route(self, route: Route, route_arguments: dict[str, str]) -> ResponseBuilder[Any]:
        # Runs once the route is matched and before its middlewares, request validation included.
        needed = required_permissions(route.func)
        refusal = None if needed is None else self._permission_refusal(needed) or self._body_refusal(route)
        if refusal is not None:
            builder = self._call_exception_handler(refusal, route)
            if builder is not None:
                return builder
        return super()._call_route(route, route_arguments)

    def _permission_refusal(self, needed: frozenset[Permission]) -> Exception | None:
        missing = sorted(needed - current_principal(self).permissions)
        if not missing:
            return None
        return Forbidden(f"this needs the {missing[0].value} permission, which your groups do not grant")

    def _body_refusal(self, route: Route) -> Exception | None:
        event = self.current_event.raw_event
        media_types = ("json", *getattr(route.func, _MEDIA_TYPES, ()))
        if event.get("body") and not any(kind in _content_type(event) for kind in media_types):
            return RequestUnsupportedContentType("send the body as application/json", [])
        if not _is_text(event):
            return ValidationFailed([], "the body is not UTF-8 JSON")
        return None

    def _checked_resolve(
        self, parts: ApiParts, event: Mapping[str, Any], context: LambdaContext
    ) -> dict[str, Any]:
        limit = parts.max_body_bytes
        if _body_size(event) > limit:
            return error_proxy_response(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "PAYLOAD_TOO_LARGE", f"the body exceeds {limit} bytes"
            )
        authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
        try:
            principal = principal_from_claims(authorizer.get("claims"))
        except Unauthenticated as error:
            return error_proxy_response(HTTPStatus.UNAUTHORIZED, "UNAUTHENTICATED", str(error))
        self.append_context(**{_PRINCIPAL: principal, _PARTS: parts})  # type: ignore[no-untyped-call]
        return super().resolve(event, context)


def api_parts(router: Router | APIGatewayRestResolver) -> ApiParts:
    """The parts the current request is served with."""
    parts: ApiParts = router.context[_PARTS]
    return parts


def current_principal(router: Router | APIGatewayRestResolver) -> Principal:
    principal: Principal = router.context[_PRINCIPAL]
    return principal


def require(router: Router | APIGatewayRestResolver, permission: Permission) -> Principal:
    """The caller, if their groups grant ``permission``; ``Forbidden`` otherwise."""
    principal = current_principal(router)
    if not principal.can(permission):
        raise Forbidden(f"this needs the {permission.value} permission, which your groups do not grant")
    return principal
