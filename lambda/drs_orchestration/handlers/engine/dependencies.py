"""The engine's ports, built once per container from its validated environment."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import AnyHttpUrl, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.notify.sns_eventbridge_notifier import SnsEventBridgeNotifier
from drs_orchestration.adapters.target_gateways import BotoTargetGateways, TargetAccounts
from drs_orchestration.domain.engine.context import EngineConfig, EnginePorts
from drs_orchestration.handlers.engine import store

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sns import SNSClient

__all__ = ["EngineSettings", "engine_config", "engine_ports", "reset"]


class EngineSettings(BaseSettings):
    """Environment of the engine functions (names as the template sets them)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    aws_region: str = Field(min_length=1, validation_alias="AWS_REGION")
    protection_groups_table: str = Field(min_length=3, validation_alias="PROTECTION_GROUPS_TABLE")
    accounts_table: str = Field(min_length=3, validation_alias="ACCOUNTS_TABLE")
    home_account_id: str = Field(pattern=r"^\d{12}$", validation_alias="HOME_ACCOUNT_ID")
    notifications_topic_arn: str | None = Field(default=None, validation_alias="NOTIFICATIONS_TOPIC_ARN")
    event_bus_name: str | None = Field(default=None, validation_alias="EVENT_BUS_NAME")
    console_url: str | None = Field(default=None, validation_alias="CONSOLE_URL")
    health_check_document: str | None = Field(default=None, validation_alias="HEALTH_CHECK_DOCUMENT")
    drs_endpoint_url: AnyHttpUrl | None = Field(default=None, validation_alias="DRS_ENDPOINT_URL")
    poll_seconds: int = Field(default=30, ge=1, le=300, validation_alias="ENGINE_POLL_SECONDS")
    gate_poll_seconds: int = Field(default=10, ge=1, le=300, validation_alias="ENGINE_GATE_POLL_SECONDS")
    max_wait_seconds: int = Field(default=300, ge=5, le=3600, validation_alias="ENGINE_MAX_WAIT_SECONDS")
    role_session_name: str = Field(
        default="drs-orchestration", min_length=2, validation_alias="ROLE_SESSION_NAME"
    )


@lru_cache(maxsize=1)
def engine_settings() -> EngineSettings:
    return EngineSettings()


def _sns(region: str, endpoint: str | None) -> SNSClient:
    sns: SNSClient = aws_clients.client("sns", region, endpoint_url=endpoint)
    return sns


def _events(region: str, endpoint: str | None) -> EventBridgeClient:
    events: EventBridgeClient = aws_clients.client("events", region, endpoint_url=endpoint)
    return events


@lru_cache(maxsize=1)
def target_accounts() -> TargetAccounts:
    """Every target account as the engine reaches it: home directly, others through their role."""
    settings = engine_settings()
    endpoint = store.store_settings().endpoint
    accounts = DynamoDBAccountRepository(
        aws_clients.dynamodb_client(settings.aws_region, endpoint), settings.accounts_table
    )
    return TargetAccounts(
        accounts,
        home_account_id=settings.home_account_id,
        sts_endpoint_url=endpoint,
        session_name=settings.role_session_name,
    )


@lru_cache(maxsize=1)
def drs_gateways() -> BotoDrsGatewayFactory:
    settings = engine_settings()
    access = target_accounts()
    return BotoDrsGatewayFactory(
        access.accounts,
        home_account_id=access.home_account_id,
        endpoint_url=str(settings.drs_endpoint_url) if settings.drs_endpoint_url else None,
        sts_endpoint_url=access.sts_endpoint_url,
        session_name=access.session_name,
    )


@lru_cache(maxsize=1)
def engine_ports() -> EnginePorts:
    settings = engine_settings()
    endpoint = store.store_settings().endpoint
    region = settings.aws_region
    return EnginePorts(
        executions=store.executions(),
        groups=DynamoDBProtectionGroupRepository(
            aws_clients.dynamodb_client(region, endpoint), settings.protection_groups_table
        ),
        drs=drs_gateways(),
        targets=BotoTargetGateways(
            target_accounts(),
            endpoint_url=endpoint,
            health_check_document=settings.health_check_document,
            home_region=region,
        ),
        notifier=SnsEventBridgeNotifier(
            _sns(region, endpoint) if settings.notifications_topic_arn else None,
            settings.notifications_topic_arn,
            _events(region, endpoint) if settings.event_bus_name else None,
            settings.event_bus_name,
        ),
    )


def engine_config() -> EngineConfig:
    settings = engine_settings()
    return EngineConfig(
        poll_seconds=settings.poll_seconds,
        gate_poll_seconds=settings.gate_poll_seconds,
        max_wait_seconds=settings.max_wait_seconds,
        console_url=settings.console_url,
        health_check_document=settings.health_check_document,
    )


def reset() -> None:
    """Forget built ports and settings (tests switch environments)."""
    for cached in (engine_settings, target_accounts, drs_gateways, engine_ports):
        cached.cache_clear()
    store.reset()
