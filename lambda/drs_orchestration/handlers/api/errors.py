"""Every error the API returns has one JSON shape; each error type is mapped to HTTP here, once.

``{"error": {"code": "...", "message": "...", "fields": [{"name": "...", "message": "..."}]}}``
(a stale version also carries ``currentVersion``). Bad input is a 4xx naming the field, never a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import Field

from drs_orchestration.domain.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    ValidationFailed,
    format_field_path,
)
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.handlers.api.security import Unauthenticated

__all__ = [
    "ERROR_RESPONSES",
    "ErrorBody",
    "ErrorResponse",
    "error_proxy_response",
    "error_response",
    "register_error_handlers",
]

logger = logging.getLogger(__name__)


class ErrorBody(CamelModel):
    code: str
    message: str
    fields: list[FieldError] = Field(default_factory=list)
    current_version: int | None = None


class ErrorResponse(CamelModel):
    error: ErrorBody


def _model_response(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": ErrorResponse}}}


ERROR_RESPONSES: dict[int, OpenAPIResponse] = {
    400: _model_response("Malformed or invalid request; `fields` names each problem"),
    401: _model_response("No identity"),
    403: _model_response("The caller's groups do not allow this"),
    404: _model_response("No such resource"),
    409: _model_response("Conflict with the current state, or a stale version"),
    413: _model_response("Request body too large"),
    415: _model_response("The body is not application/json"),
    500: _model_response("Unexpected server error"),
    502: _model_response("An AWS service (DRS, or the role that reaches it) refused or failed the call"),
    503: _model_response("A backing service is unavailable"),
}


def _body(
    code: str, message: str, fields: Sequence[FieldError] = (), current_version: int | None = None
) -> str:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "fields": [field.to_json() for field in fields],
    }
    if current_version is not None:
        error["currentVersion"] = current_version
    return json.dumps({"error": error}, separators=(",", ":"))


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Sequence[FieldError] = (),
    current_version: int | None = None,
) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=_body(code, message, fields, current_version),
    )


def error_proxy_response(status: int, code: str, message: str) -> dict[str, Any]:
    """An error answered before routing (oversize body, no identity), as a proxy integration response."""
    headers = {"Content-Type": content_types.APPLICATION_JSON}
    return {
        "statusCode": status,
        "headers": headers,
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "body": _body(code, message),
        "isBase64Encoded": False,
    }


_REQUEST_PARTS = frozenset({"body", "query", "path", "header", "cookie"})


def _request_field_errors(error: RequestValidationError) -> list[FieldError]:
    fields: list[FieldError] = []
    for item in error.errors():
        loc = list(item.get("loc", ()))
        if loc and loc[0] in _REQUEST_PARTS:
            loc = loc[1:]
        message = str(item.get("msg") or item.get("type") or "invalid value")
        if item.get("type") == "json_invalid":
            message = "the body is not valid JSON"
        fields.append(FieldError(name=format_field_path(loc), message=message))
    return fields


_STATUS_OF: tuple[tuple[type[DomainError], HTTPStatus], ...] = (
    (ValidationFailed, HTTPStatus.BAD_REQUEST),
    (NotFound, HTTPStatus.NOT_FOUND),
    (Conflict, HTTPStatus.CONFLICT),
    (Forbidden, HTTPStatus.FORBIDDEN),
    (EngineUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
)


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    """Map every error type to its status and the one error shape."""

    @app.exception_handler(DomainError)  # type: ignore[untyped-decorator]
    def _domain_error(error: DomainError) -> Response[str]:
        status = next(
            (status for kind, status in _STATUS_OF if isinstance(error, kind)),
            HTTPStatus.INTERNAL_SERVER_ERROR,
        )
        fields = error.fields if isinstance(error, ValidationFailed) else ()
        version = error.current_version if isinstance(error, Conflict) else None
        if status is HTTPStatus.INTERNAL_SERVER_ERROR:
            logger.exception("unmapped domain error")
        return error_response(status, error.code, error.message, fields, version)

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        fields = _request_field_errors(error)
        return error_response(
            HTTPStatus.BAD_REQUEST,
            ValidationFailed.code,
            "invalid request: " + "; ".join(f"{f.name}: {f.message}" for f in fields[:3]),
            fields,
        )

    @app.exception_handler(RequestUnsupportedContentType)  # type: ignore[untyped-decorator]
    def _unsupported_media(_: RequestUnsupportedContentType) -> Response[str]:
        return error_response(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json"
        )

    @app.exception_handler(Unauthenticated)  # type: ignore[untyped-decorator]
    def _unauthenticated(error: Unauthenticated) -> Response[str]:
        return error_response(HTTPStatus.UNAUTHORIZED, "UNAUTHENTICATED", str(error))

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[str]:
        return error_response(HTTPStatus.NOT_FOUND, NotFound.code, "no such resource or method")

    @app.exception_handler(ClientError)  # type: ignore[untyped-decorator]
    def _aws_refused(error: ClientError) -> Response[str]:
        code = str(error.response.get("Error", {}).get("Code") or "Unknown")
        logger.warning("AWS call failed", extra={"operation": error.operation_name, "code": code})
        message = (
            f"{error.operation_name} failed: {code}: {error.response.get('Error', {}).get('Message', '')}"
        )
        return error_response(HTTPStatus.BAD_GATEWAY, "UPSTREAM_ERROR", message.strip())

    @app.exception_handler(BotoCoreError)  # type: ignore[untyped-decorator]
    def _aws_unreachable(error: BotoCoreError) -> Response[str]:
        logger.warning("AWS unreachable", extra={"error": type(error).__name__})
        return error_response(
            HTTPStatus.BAD_GATEWAY, "UPSTREAM_ERROR", f"an AWS service is unreachable: {error}"
        )

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(_: Exception) -> Response[str]:
        logger.exception("unexpected error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "unexpected error")
