"""Call the real Lambda handler with API Gateway REST proxy events, as a signed-in user of a group."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from drs_orchestration.composition.product import Handler
from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event

API_HANDLER = "drs_orchestration.handlers.api.app.lambda_handler"


@dataclass
class LambdaContext:
    function_name: str = "api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:111122223333:function:api"
    aws_request_id: str = "request"


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def error_code(self) -> str:
        return str(self.json["error"]["code"])

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.json["error"]["fields"]]


def claims_for(*groups: str, user: str = "alice") -> dict[str, Any]:
    return {
        "sub": f"sub-{user}",
        "cognito:username": user,
        "email": f"{user}@example.com",
        "cognito:groups": list(groups),
        "token_use": "id",
        "auth_time": 1700000000,
    }


class Api:
    """``api.get("/protection-groups", as_="Viewer")``: the response of the real handler, on the product
    whose entry point ``handler`` is (``product.handler(API_HANDLER)``)."""

    def __init__(self, handler: Handler, default_group: str = "Admin") -> None:
        self.handler = handler
        self.default_group = default_group

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        as_: str | None = None,
        claims: dict[str, Any] | None = None,
        anonymous: bool = False,
        raw_body: str | None = None,
        query: Any = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        if anonymous:
            identity = None
        else:
            identity = claims if claims is not None else claims_for(as_ or self.default_group)
        text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
        event = rest_proxy_event(
            method,
            path,
            body=text,
            query=query,
            claims=identity,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        result = self.handler(event, LambdaContext())
        response_headers = {key.lower(): value for key, value in (result.get("headers") or {}).items()}
        for key, values in (result.get("multiValueHeaders") or {}).items():
            response_headers.setdefault(key.lower(), values[-1])
        return ApiResponse(result["statusCode"], response_headers, result.get("body") or "")

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> ApiResponse:
        return self.call("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> ApiResponse:
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.call("DELETE", path, **kwargs)
