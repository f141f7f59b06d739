"""The API's parts: the repositories, DRS, the execution runner, and the limits of the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.aws_clients import dynamodb_client, s3_client, stepfunctions_client
from drs_orchestration.adapters.drs.boto_failback_gateway import BotoFailbackGatewayFactory
from drs_orchestration.adapters.drs.inventory_cache import CachedInventory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_schedule_repository import DynamoDBScheduleRepository
from drs_orchestration.adapters.runner.lambda_readiness_worker import LambdaReadinessWorker
from drs_orchestration.adapters.s3.s3_evidence_store import S3EvidenceStore
from drs_orchestration.adapters.s3.s3_report_store import S3ReportStore
from drs_orchestration.adapters.stepfunctions.step_functions_runner import StepFunctionsExecutionRunner
from drs_orchestration.composition import readiness, readiness_scan, readiness_scanner, store
from drs_orchestration.composition.drs import drs_gateway_factory
from drs_orchestration.composition.product import Product, part
from drs_orchestration.composition.schedules import schedule_trigger
from drs_orchestration.domain.clock import Clock
from drs_orchestration.domain.ports import ExecutionRepository, ExecutionRunner, ReportStore
from drs_orchestration.domain.services.context import Services

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

__all__ = ["ApiParts", "api_parts", "readiness_worker"]

_API = "the API"


@dataclass(frozen=True)
class ApiParts:
    """What a request is served with: the use cases' ports, the clock, and the request limits."""

    services: Services
    clock: Clock
    max_body_bytes: int
    allowed_origin: str | None


def _step_functions_runner(product: Product, executions: ExecutionRepository) -> ExecutionRunner | None:
    settings = product.settings
    if settings.state_machine_arn is None:
        return None
    client = stepfunctions_client(settings.aws_region, settings.aws_endpoint)
    return StepFunctionsExecutionRunner(executions, client, settings.state_machine_arn)


def _report_store(product: Product) -> ReportStore | None:
    settings = product.settings
    if settings.reports_bucket is None:
        return None
    return S3ReportStore(s3_client(settings.aws_region, settings.aws_endpoint), settings.reports_bucket)


def _evidence_store(product: Product) -> S3EvidenceStore | None:
    settings = product.settings
    if settings.evidence_bucket is None:
        return None
    return S3EvidenceStore(s3_client(settings.aws_region, settings.aws_endpoint), settings.evidence_bucket)


@part()
def readiness_worker(product: Product) -> LambdaReadinessWorker | None:
    """The worker function, invoked asynchronously, when the function is given its name."""
    settings = product.settings
    if settings.readiness_worker_function is None:
        return None
    functions: LambdaClient = aws_clients.client(
        "lambda", settings.aws_region, endpoint_url=settings.aws_endpoint
    )
    return LambdaReadinessWorker(functions, settings.readiness_worker_function)


@part(
    "protection_groups_table",
    "recovery_plans_table",
    "accounts_table",
    "audit_table",
    "home_account_id",
    uses=(
        store.executions,
        readiness.readiness_checks,
        readiness_worker,
        readiness_scan.readiness_scans,
        readiness_scanner.readiness_scanner,
        schedule_trigger,
    ),
)
def api_parts(product: Product) -> ApiParts:
    settings = product.settings
    client = dynamodb_client(settings.aws_region, settings.aws_endpoint)
    groups_table = settings.required("protection_groups_table", _API)
    audit_table = settings.required("audit_table", _API)
    home_account_id = settings.required("home_account_id", _API)
    accounts = DynamoDBAccountRepository(client, settings.required("accounts_table", _API), audit_table)
    executions = store.executions(product)
    runner = product.runner(executions) if product.runner else _step_functions_runner(product, executions)
    drs = drs_gateway_factory(settings, accounts, home_account_id)
    services = Services(
        groups=DynamoDBProtectionGroupRepository(client, groups_table, audit_table),
        plans=DynamoDBRecoveryPlanRepository(
            client, settings.required("recovery_plans_table", _API), groups_table, audit_table
        ),
        executions=executions,
        accounts=accounts,
        audit=DynamoDBAuditRepository(client, audit_table),
        drs=drs,
        runner=runner,
        home_account_id=home_account_id,
        reports=_report_store(product),
        inventory=CachedInventory(drs, product.clock),
        readiness_checks=readiness.readiness_checks(product),
        readiness_worker=readiness_worker(product),
        evidence=_evidence_store(product),
        failback=BotoFailbackGatewayFactory(drs),
        readiness_scans=readiness_scan.readiness_scans(product),
        readiness_scanner=readiness_scanner.readiness_scanner(product),
        schedules=DynamoDBScheduleRepository(
            client, settings.required("recovery_plans_table", _API), audit_table
        ),
        scheduler=schedule_trigger(product),
    )
    return ApiParts(services, product.clock, settings.max_body_bytes, settings.allowed_origin)
