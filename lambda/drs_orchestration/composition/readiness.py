"""The readiness checks' parts: their store, and what the worker function runs with (the plans,
groups and past drills it reads, DRS, the store). The API's handle on the worker is in :mod:`.api`."""

from __future__ import annotations

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.drs.boto_failback_gateway import BotoFailbackGatewayFactory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_readiness_check_repository import (
    DynamoDBReadinessCheckRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.composition import store
from drs_orchestration.composition.drs import drs_gateway_factory
from drs_orchestration.composition.product import Product, part
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page
from drs_orchestration.domain.services.context import Services

__all__ = ["readiness_checks", "worker_services"]

_WORKER = "the readiness worker"


@part()
def readiness_checks(product: Product) -> DynamoDBReadinessCheckRepository | None:
    """The checks' store, when the function is given its table."""
    settings = product.settings
    if settings.readiness_checks_table is None:
        return None
    client = aws_clients.dynamodb_client(settings.aws_region, settings.aws_endpoint)
    return DynamoDBReadinessCheckRepository(client, settings.readiness_checks_table)


class _NoAudit:
    """The worker changes no configuration, so it has no audit trail to write or read."""

    def append(self, record: AuditRecord) -> None:
        raise RuntimeError(f"{_WORKER} writes no audit records")

    def list(
        self, *, resource_id: str | None = None, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None
    ) -> Page[AuditRecord]:
        raise RuntimeError(f"{_WORKER} reads no audit records")


@part(
    "readiness_checks_table",
    "protection_groups_table",
    "recovery_plans_table",
    "accounts_table",
    "home_account_id",
    uses=(store.executions, readiness_checks),
)
def worker_services(product: Product) -> Services:
    """The use cases' ports as the worker reads them: plans, groups, past drills, DRS; the checks' store."""
    settings = product.settings
    client = aws_clients.dynamodb_client(settings.aws_region, settings.aws_endpoint)
    groups_table = settings.required("protection_groups_table", _WORKER)
    home_account_id = settings.required("home_account_id", _WORKER)
    accounts = DynamoDBAccountRepository(client, settings.required("accounts_table", _WORKER))
    drs = drs_gateway_factory(settings, accounts, home_account_id)
    return Services(
        groups=DynamoDBProtectionGroupRepository(client, groups_table),
        plans=DynamoDBRecoveryPlanRepository(
            client, settings.required("recovery_plans_table", _WORKER), groups_table
        ),
        executions=store.executions(product),
        accounts=accounts,
        audit=_NoAudit(),
        drs=drs,
        runner=None,
        home_account_id=home_account_id,
        readiness_checks=readiness_checks(product),
        failback=BotoFailbackGatewayFactory(drs),
    )
