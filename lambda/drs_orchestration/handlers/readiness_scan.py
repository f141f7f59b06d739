"""The readiness scan: run daily by its schedule and on demand (invoked asynchronously by the API),
it computes the account-wide readiness and keeps the result as the day's."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.composition.readiness_scan import scan_services, scan_settings
from drs_orchestration.domain.readiness_scans import ReadinessScanEvent
from drs_orchestration.domain.services.readiness_programme import scan_readiness
from drs_orchestration.handlers.observability import event_function

__all__ = ["handle", "lambda_handler"]

cold_start(scan_services)


@event_function("readiness_scan")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    requested_by = (
        "schedule"
        if event.get("detail-type") == "Scheduled Event"
        else ReadinessScanEvent.model_validate(event).requested_by
    )
    result = scan_readiness(scan_services(product), product.clock.now(), scan_settings(product))
    return {
        "requestedBy": requested_by,
        "score": result.score,
        "checkedAt": result.checked_at.isoformat(),
        "findings": len(result.findings),
    }


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
