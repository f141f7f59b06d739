"""The REST API function: decorators and a call into the composition root; the routes live in one
Router per resource."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.handlers.api.errors import register_error_handlers
from drs_orchestration.handlers.api.resolver import DrsApiResolver
from drs_orchestration.handlers.api.routes import (
    accounts,
    executions,
    inventory,
    protection_groups,
    recovery_plans,
)

__all__ = ["app", "handle", "lambda_handler"]

logger = Logger(service="drs-orchestration-api")
tracer = Tracer(service="drs-orchestration-api")

app = DrsApiResolver(
    enable_validation=True,
    response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
)
register_error_handlers(app)
cold_start(api_parts)

for module in (protection_groups, recovery_plans, executions, inventory, accounts):
    app.include_router(module.router)


def handle(product: Product, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve_with(api_parts(product), event, context)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(default_product(), event, context)
