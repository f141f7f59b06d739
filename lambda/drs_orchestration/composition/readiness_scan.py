"""The account-wide readiness scan's parts: its store (in the readiness checks table), what the scan
function runs with, and its settings. The API's handle on the scan function is in
:mod:`.readiness_scanner`."""

from __future__ import annotations

from dataclasses import replace

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.drs.inventory_cache import CachedInventory
from drs_orchestration.adapters.dynamodb.dynamodb_readiness_scan_repository import (
    DynamoDBReadinessScanRepository,
)
from drs_orchestration.composition.product import Product, part
from drs_orchestration.composition.readiness import worker_services
from drs_orchestration.domain.readiness_programme import ProgrammeThresholds
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.readiness_programme import ScanSettings

__all__ = ["readiness_scans", "scan_services", "scan_settings"]


@part()
def readiness_scans(product: Product) -> DynamoDBReadinessScanRepository | None:
    """The results' store, when the function is given the readiness checks table."""
    settings = product.settings
    if settings.readiness_checks_table is None:
        return None
    client = aws_clients.dynamodb_client(settings.aws_region, settings.aws_endpoint)
    return DynamoDBReadinessScanRepository(client, settings.readiness_checks_table)


@part(uses=(worker_services, readiness_scans))
def scan_services(product: Product) -> Services:
    """What the scan reads (plans, groups, past drills, accounts, DRS through an inventory cache) and
    the results' store."""
    services = worker_services(product)
    return replace(
        services,
        inventory=CachedInventory(services.drs, product.clock),
        readiness_scans=readiness_scans(product),
    )


@part()
def scan_settings(product: Product) -> ScanSettings:
    settings = product.settings
    thresholds = ProgrammeThresholds(
        stale_drill_days=settings.readiness_stale_drill_days,
        lag_threshold_seconds=settings.readiness_lag_threshold_seconds,
    )
    return ScanSettings(thresholds=thresholds, home_regions=(settings.aws_region,))
