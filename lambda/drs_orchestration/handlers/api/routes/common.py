"""What the routers share: paging parameters, documented error responses, created/accepted responses."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE
from drs_orchestration.handlers.api.errors import ERROR_RESPONSES

__all__ = ["Limit", "NextToken", "Version", "json_response", "responses"]

Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
NextToken = Annotated[
    str | None,
    Query(alias="nextToken", min_length=1, max_length=2048, description="Token from the previous page"),
]
Version = Annotated[int | None, Query(ge=1, description="The version last read (optimistic locking)")]
PAGE_SIZE = DEFAULT_PAGE_SIZE


def responses(*statuses: int, **success: Any) -> dict[int, OpenAPIResponse]:
    """Documented errors ``statuses`` (401, 413, 415, 500, 502 always), plus ``{code: model}`` successes."""
    documented: dict[int, OpenAPIResponse] = {
        status: ERROR_RESPONSES[status] for status in sorted({401, 413, 415, 500, 502, *statuses})
    }
    for code, model in success.items():
        status = int(code.lstrip("_"))
        if model is None:
            documented[status] = {"description": "Done"}
        else:
            documented[status] = {"description": "Success", "content": {"application/json": {"model": model}}}
    return documented


def json_response(status: int, model: BaseModel) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump_json(by_alias=True),
    )
