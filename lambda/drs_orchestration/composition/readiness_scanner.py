"""The API's handle on the readiness scan function (kept apart so the scan function never reaches it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.runner.lambda_readiness_scanner import LambdaReadinessScanner
from drs_orchestration.composition.product import Product, part

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

__all__ = ["readiness_scanner"]


@part()
def readiness_scanner(product: Product) -> LambdaReadinessScanner | None:
    """The scan function, invoked asynchronously, when the function is given its name."""
    settings = product.settings
    if settings.readiness_scan_function is None:
        return None
    functions: LambdaClient = aws_clients.client(
        "lambda", settings.aws_region, endpoint_url=settings.aws_endpoint
    )
    return LambdaReadinessScanner(functions, settings.readiness_scan_function)
