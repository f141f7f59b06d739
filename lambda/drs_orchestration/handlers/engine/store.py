"""What the small engine functions need: the executions table and Step Functions."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AnyHttpUrl, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from drs_orchestration.adapters.aws_clients import dynamodb_client, stepfunctions_client
from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.stepfunctions.step_functions_waker import StepFunctionsWaker

__all__ = ["StoreSettings", "executions", "reset", "store_settings", "waker"]


class StoreSettings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    aws_region: str = Field(min_length=1, validation_alias="AWS_REGION")
    executions_table: str = Field(min_length=3, validation_alias="EXECUTIONS_TABLE")
    aws_endpoint_url: AnyHttpUrl | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")

    @property
    def endpoint(self) -> str | None:
        return str(self.aws_endpoint_url) if self.aws_endpoint_url else None


@lru_cache(maxsize=1)
def store_settings() -> StoreSettings:
    return StoreSettings()


@lru_cache(maxsize=1)
def executions() -> DynamoDBExecutionRepository:
    settings = store_settings()
    return DynamoDBExecutionRepository(
        dynamodb_client(settings.aws_region, settings.endpoint), settings.executions_table
    )


def waker() -> StepFunctionsWaker:
    settings = store_settings()
    return StepFunctionsWaker(stepfunctions_client(settings.aws_region, settings.endpoint))


def reset() -> None:
    for cached in (store_settings, executions):
        cached.cache_clear()
