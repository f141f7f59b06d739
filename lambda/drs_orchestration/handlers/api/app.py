"""The REST API function: decorators and ``app.resolve``; the routes live in one Router per resource."""

from __future__ import annotations

import os
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from drs_orchestration.handlers.api.dependencies import get_api_settings
from drs_orchestration.handlers.api.errors import register_error_handlers
from drs_orchestration.handlers.api.resolver import DrsApiResolver
from drs_orchestration.handlers.api.routes import (
    accounts,
    executions,
    inventory,
    protection_groups,
    recovery_plans,
)
from drs_orchestration.handlers.observability import api_function, record_route

app = DrsApiResolver(
    max_body_bytes=lambda: get_api_settings().max_body_bytes,
    allowed_origin=lambda: get_api_settings().allowed_origin,
    enable_validation=True,
    response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
)
register_error_handlers(app)
app.use([record_route])
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    get_api_settings()  # on Lambda, validate the environment at cold start: a bad variable fails the init

for module in (protection_groups, recovery_plans, executions, inventory, accounts):
    app.include_router(module.router)


@api_function
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
