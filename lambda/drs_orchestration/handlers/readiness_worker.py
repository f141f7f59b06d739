"""The readiness worker: invoked asynchronously by the API with a check's id, it checks the plan
outside the API request and stores the report on the check."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.composition.readiness import worker_services
from drs_orchestration.domain.readiness_checks import ReadinessWorkerEvent
from drs_orchestration.domain.services.readiness_checks import run_readiness_check
from drs_orchestration.handlers.observability import event_function

__all__ = ["handle", "lambda_handler"]

cold_start(worker_services)


@event_function("readiness_worker")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    request = ReadinessWorkerEvent.model_validate(event)
    run_readiness_check(worker_services(product), request.check_id, product.clock)
    return {"checkId": request.check_id}


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
