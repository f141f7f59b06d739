"""What the scheduled-drill function runs with: the stores and DRS a drill's start reads, the engine
that runs it, the schedules, and the notification topic. The last two are optional: without the engine
a firing records that none is configured; without the topic it publishes nothing. Built apart from the
API's parts: the function reaches only what starting a drill needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.aws_clients import dynamodb_client, stepfunctions_client
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository
from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_schedule_repository import DynamoDBScheduleRepository
from drs_orchestration.adapters.notify.sns_eventbridge_notifier import SnsEventBridgeNotifier
from drs_orchestration.adapters.stepfunctions.step_functions_runner import StepFunctionsExecutionRunner
from drs_orchestration.composition.drs import drs_gateway_factory
from drs_orchestration.composition.product import Product, part
from drs_orchestration.domain.services.context import Services

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

__all__ = ["ScheduledDrillParts", "scheduled_drill_parts"]

_FUNCTION = "the scheduled-drill function"


@dataclass(frozen=True)
class ScheduledDrillParts:
    services: Services
    schedules: DynamoDBScheduleRepository
    notifier: SnsEventBridgeNotifier


@part(
    "protection_groups_table",
    "recovery_plans_table",
    "executions_table",
    "accounts_table",
    "audit_table",
    "home_account_id",
)
def scheduled_drill_parts(product: Product) -> ScheduledDrillParts:
    settings = product.settings
    client = dynamodb_client(settings.aws_region, settings.aws_endpoint)
    groups_table = settings.required("protection_groups_table", _FUNCTION)
    plans_table = settings.required("recovery_plans_table", _FUNCTION)
    audit_table = settings.required("audit_table", _FUNCTION)
    home_account_id = settings.required("home_account_id", _FUNCTION)
    accounts = DynamoDBAccountRepository(client, settings.required("accounts_table", _FUNCTION), audit_table)
    executions = DynamoDBExecutionRepository(
        client, settings.required("executions_table", _FUNCTION), clock=product.clock.now
    )
    if product.runner:
        runner = product.runner(executions)
    elif settings.state_machine_arn:  # without it a firing records that no engine is configured
        client_sfn = stepfunctions_client(settings.aws_region, settings.aws_endpoint)
        runner = StepFunctionsExecutionRunner(executions, client_sfn, settings.state_machine_arn)
    else:
        runner = None
    schedules = DynamoDBScheduleRepository(client, plans_table, audit_table)
    services = Services(
        groups=DynamoDBProtectionGroupRepository(client, groups_table, audit_table),
        plans=DynamoDBRecoveryPlanRepository(client, plans_table, groups_table, audit_table),
        executions=executions,
        accounts=accounts,
        audit=DynamoDBAuditRepository(client, audit_table),
        drs=drs_gateway_factory(settings, accounts, home_account_id),
        runner=runner,
        home_account_id=home_account_id,
        schedules=schedules,
    )
    sns: SNSClient = aws_clients.client("sns", settings.aws_region, endpoint_url=settings.aws_endpoint)
    notifier = SnsEventBridgeNotifier(
        sns, settings.required("notifications_topic_arn", _FUNCTION), None, None
    )
    return ScheduledDrillParts(services, schedules, notifier)
