"""The REST API function: decorators and a call into the composition root; the routes live in one
Router per resource."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.handlers.api.errors import register_error_handlers
from drs_orchestration.handlers.api.resolver import DrsApiResolver
from drs_orchestration.handlers.api.routes import (
    accounts,
    evidence,
    executions,
    failback_operations,
    inventory,
    plan_files,
    protection_groups,
    readiness,
    readiness_checks,
    recovery_plans,
    schedules,
)
from drs_orchestration.handlers.observability import api_function, record_route

__all__ = ["app", "handle", "lambda_handler"]

app = DrsApiResolver(
    enable_validation=True,
    response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
)
register_error_handlers(app)
app.use([record_route])
cold_start(api_parts)

for module in (
    protection_groups,
    recovery_plans,
    plan_files,
    readiness_checks,
    executions,
    evidence,
    failback_operations,
    inventory,
    accounts,
    readiness,
    schedules,
):
    app.include_router(module.router)


@api_function
def handle(product: Product, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve_with(api_parts(product), event, context)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(default_product(), event, context)
