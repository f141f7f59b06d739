"""The parts every engine function shares: the executions table and Step Functions task tokens."""

from __future__ import annotations

from drs_orchestration.adapters.aws_clients import dynamodb_client, stepfunctions_client
from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.stepfunctions.step_functions_waker import StepFunctionsWaker
from drs_orchestration.composition.product import Product, part

__all__ = ["executions", "waker"]


@part("executions_table")
def executions(product: Product) -> DynamoDBExecutionRepository:
    settings = product.settings
    return DynamoDBExecutionRepository(
        dynamodb_client(settings.aws_region, settings.aws_endpoint),
        settings.required("executions_table", "the executions store"),
        clock=product.clock.now,
    )


@part()
def waker(product: Product) -> StepFunctionsWaker:
    settings = product.settings
    return StepFunctionsWaker(stepfunctions_client(settings.aws_region, settings.aws_endpoint))
