"""The account-wide readiness scan: read every account and Region's DRS inventory (bounded
concurrency), the groups, the plans and their last drills; compute the findings and score
(:mod:`drs_orchestration.domain.readiness_programme`) and keep the result
(:mod:`drs_orchestration.domain.readiness_scans`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    TERMINAL_EXECUTION_STATUSES,
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
)
from drs_orchestration.domain.ports import iterate_pages
from drs_orchestration.domain.readiness_programme import (
    DEFAULT_PROGRAMME_QUOTAS,
    DEFAULT_PROGRAMME_THRESHOLDS,
    DrillFacts,
    ProgrammeQuotas,
    ProgrammeThresholds,
    ReadinessResult,
    TargetScan,
    assess_programme,
)
from drs_orchestration.domain.readiness_scans import (
    HISTORY_DAYS,
    ReadinessScanner,
    ReadinessScanRepository,
    ReadinessView,
    ScanAccepted,
)
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.domain.services.protection_groups import inventories

__all__ = [
    "DRILL_LOOKBACK",
    "TARGET_READS",
    "ReadinessScansUnavailable",
    "ScanSettings",
    "get_readiness",
    "request_readiness_scan",
    "scan_readiness",
]

logger = logging.getLogger(__name__)

TARGET_READS = 4
"""Accounts and Regions whose inventory is read at once: each read is a few paged
DescribeSourceServers calls against that target's own throttle, so targets go side by side, a few at
a time, to keep the scan's memory and connections bounded."""

DRILL_LOOKBACK = 50
"""How many of a plan's most recent runs are searched for its last drill and last successful drill."""

_SUCCESS = frozenset({ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL})


class ReadinessScansUnavailable(EngineUnavailable):
    """No store (or scan function) for readiness scans is configured (503)."""

    code = "READINESS_SCANS_UNAVAILABLE"


@dataclass(frozen=True)
class ScanSettings:
    thresholds: ProgrammeThresholds = DEFAULT_PROGRAMME_THRESHOLDS
    quotas: ProgrammeQuotas = DEFAULT_PROGRAMME_QUOTAS
    home_regions: tuple[str, ...] = ()
    """Regions of the home account scanned even when no group is there (the product's own)."""


def _store(services: Services) -> ReadinessScanRepository:
    if services.readiness_scans is None:
        raise ReadinessScansUnavailable("readiness scans are not configured (no store)")
    return services.readiness_scans


def _scanner(services: Services) -> ReadinessScanner:
    if services.readiness_scanner is None:
        raise ReadinessScansUnavailable("no scan function is configured to scan readiness")
    return services.readiness_scanner


def _targets(
    services: Services, groups_targets: Iterable[tuple[str, str]], home_regions: Iterable[str]
) -> list[DrsTarget]:
    """The home account's Regions (its groups' and ``home_regions``) and every registered account's."""
    keys = {(services.home_account_id, region) for region in home_regions}
    keys |= {key for key in groups_targets if key[0] == services.home_account_id}
    for account in iterate_pages(lambda token: services.accounts.list(next_token=token)):
        keys |= {(account.account_id, region) for region in account.regions}
    return [DrsTarget(account_id=account, region=region) for account, region in sorted(keys)]


def _read(services: Services, target: DrsTarget) -> TargetScan:
    try:
        snapshot = inventories(services).snapshot(target, fresh=True)  # a scan never reuses an old read
    except Exception as error:  # an account whose role cannot be assumed, DRS refusing: a finding
        logger.warning("DRS in %s/%s could not be read: %s", target.account_id, target.region, error)
        return TargetScan(target.account_id, target.region, error=str(error) or type(error).__name__)
    return TargetScan(target.account_id, target.region, snapshot.servers)


def _drill_facts(services: Services, plan_id: str) -> DrillFacts:
    headers = services.executions.list_headers(plan_id=plan_id, limit=DRILL_LOOKBACK).items
    drills = [h for h in headers if h.mode is ExecutionMode.DRILL and h.status in TERMINAL_EXECUTION_STATUSES]
    if not drills:
        return DrillFacts()
    last: ExecutionHeader = drills[0]
    success = next((h for h in drills if h.status in _SUCCESS), None)
    drilled = frozenset(server.source_server_id for server in services.executions.get_servers(last.id))
    return DrillFacts(
        last_drill=last,
        drilled_server_ids=drilled,
        last_success_at=(success.ended_at or success.started_at) if success else None,
    )


def scan_readiness(
    services: Services, now: datetime, settings: ScanSettings | None = None
) -> ReadinessResult:
    """Scan now and keep the result as the day's."""
    settings = settings or ScanSettings()
    groups = list(iterate_pages(lambda token: services.groups.list(next_token=token)))
    plans = list(iterate_pages(lambda token: services.plans.list(next_token=token)))
    targets = _targets(services, ((g.account_id, g.region) for g in groups), settings.home_regions)
    with ThreadPoolExecutor(max_workers=TARGET_READS, thread_name_prefix="readiness-scan") as pool:
        scans = list(pool.map(lambda target: _read(services, target), targets))
    result = assess_programme(
        scans=scans,
        groups=groups,
        plans=plans,
        drills={plan.id: _drill_facts(services, plan.id) for plan in plans},
        now=now,
        thresholds=settings.thresholds,
        quotas=settings.quotas,
    )
    _store(services).save(result)
    return result


def request_readiness_scan(services: Services, request: Request) -> ScanAccepted:
    """Hand a scan to the scan function; its result is read with ``get_readiness`` once stored."""
    _store(services)
    _scanner(services).start(request.actor)
    return ScanAccepted(requested_at=request.now, requested_by=request.actor)


def get_readiness(services: Services, now: datetime) -> ReadinessView:
    """The latest stored result and the last ``HISTORY_DAYS`` days' scores (a read, never a scan)."""
    store = _store(services)
    latest = store.latest()
    history = store.history(now.date() - timedelta(days=HISTORY_DAYS - 1))
    return ReadinessView(
        score=latest.score if latest else None,
        checked_at=latest.checked_at if latest else None,
        findings=latest.findings if latest else [],
        history=history,
    )
