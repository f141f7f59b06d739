"""The ports the API's routes use, built once per container from the validated settings.

``execution_runner_factory`` builds the engine's runner: Step Functions when ``STATE_MACHINE_ARN`` is
set; without it, starting or steering a run answers 503 instead of pretending. Tests put their own
factory in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from drs_orchestration.adapters.aws_clients import dynamodb_client, stepfunctions_client
from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository
from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.adapters.stepfunctions.step_functions_runner import StepFunctionsExecutionRunner
from drs_orchestration.domain.ports import ExecutionRepository, ExecutionRunner
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.handlers.api.security import Principal

if TYPE_CHECKING:
    from drs_orchestration.config.settings import ApiSettings

__all__ = ["execution_runner_factory", "get_services", "reset", "service_request"]


def get_api_settings() -> ApiSettings:
    # imported on first use: pydantic-settings is a large share of the function's cold import
    from drs_orchestration.config.settings import get_api_settings as validated

    return validated()


RunnerFactory = Callable[[ExecutionRepository], ExecutionRunner | None]


def _configured_runner(executions: ExecutionRepository) -> ExecutionRunner | None:
    settings = get_api_settings()
    if settings.state_machine_arn is None:
        return None
    endpoint = str(settings.aws_endpoint_url) if settings.aws_endpoint_url else None
    return StepFunctionsExecutionRunner(
        executions, stepfunctions_client(settings.aws_region, endpoint), settings.state_machine_arn
    )


execution_runner_factory: RunnerFactory = _configured_runner


@lru_cache(maxsize=1)
def get_services() -> Services:
    settings = get_api_settings()
    endpoint = str(settings.aws_endpoint_url) if settings.aws_endpoint_url else None
    client = dynamodb_client(settings.aws_region, endpoint)
    accounts = DynamoDBAccountRepository(client, settings.accounts_table, settings.audit_table)
    executions = DynamoDBExecutionRepository(client, settings.executions_table)
    return Services(
        groups=DynamoDBProtectionGroupRepository(
            client, settings.protection_groups_table, settings.audit_table
        ),
        plans=DynamoDBRecoveryPlanRepository(
            client, settings.recovery_plans_table, settings.protection_groups_table, settings.audit_table
        ),
        executions=executions,
        accounts=accounts,
        audit=DynamoDBAuditRepository(client, settings.audit_table),
        drs=BotoDrsGatewayFactory(
            accounts,
            home_account_id=settings.home_account_id,
            endpoint_url=str(settings.drs_endpoint_url) if settings.drs_endpoint_url else None,
            sts_endpoint_url=endpoint,
            session_name=settings.role_session_name,
        ),
        runner=execution_runner_factory(executions),
        home_account_id=settings.home_account_id,
    )


def service_request(principal: Principal) -> Request:
    return Request(actor=principal.actor, now=datetime.now(UTC))


def reset() -> None:
    """Forget the built ports and settings (tests switch environments)."""
    get_services.cache_clear()
    from drs_orchestration.config.settings import get_api_settings as validated

    validated.cache_clear()
