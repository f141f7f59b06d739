"""The engine's parts: target accounts, DRS, EC2/SSM, notifications and the tuning, from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory
from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.notify.sns_eventbridge_notifier import SnsEventBridgeNotifier
from drs_orchestration.adapters.target_gateways import BotoTargetGateways, TargetAccounts
from drs_orchestration.composition import store
from drs_orchestration.composition.product import Product, part
from drs_orchestration.domain.engine.context import EngineConfig, EnginePorts

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sns import SNSClient

__all__ = ["drs_gateways", "engine_config", "engine_ports", "target_accounts"]


@part("accounts_table", "home_account_id")
def target_accounts(product: Product) -> TargetAccounts:
    """Every target account as the engine reaches it: home directly, others through their role."""
    settings = product.settings
    accounts = DynamoDBAccountRepository(
        aws_clients.dynamodb_client(settings.aws_region, settings.aws_endpoint),
        settings.required("accounts_table", "the target accounts"),
    )
    return TargetAccounts(
        accounts,
        home_account_id=settings.required("home_account_id", "the target accounts"),
        sts_endpoint_url=settings.aws_endpoint,
        session_name=settings.role_session_name,
    )


@part(uses=(target_accounts,))
def drs_gateways(product: Product) -> BotoDrsGatewayFactory:
    access = target_accounts(product)
    return BotoDrsGatewayFactory(
        access.accounts,
        home_account_id=access.home_account_id,
        endpoint_url=product.settings.drs_endpoint,
        sts_endpoint_url=access.sts_endpoint_url,
        session_name=access.session_name,
    )


def _sns(region: str, endpoint: str | None) -> SNSClient:
    sns: SNSClient = aws_clients.client("sns", region, endpoint_url=endpoint)
    return sns


def _events(region: str, endpoint: str | None) -> EventBridgeClient:
    events: EventBridgeClient = aws_clients.client("events", region, endpoint_url=endpoint)
    return events


@part()
def notifier(product: Product) -> SnsEventBridgeNotifier:
    settings = product.settings
    region, endpoint = settings.aws_region, settings.aws_endpoint
    return SnsEventBridgeNotifier(
        _sns(region, endpoint) if settings.notifications_topic_arn else None,
        settings.notifications_topic_arn,
        _events(region, endpoint) if settings.event_bus_name else None,
        settings.event_bus_name,
    )


@part("protection_groups_table", uses=(store.executions, target_accounts, drs_gateways))
def engine_ports(product: Product) -> EnginePorts:
    settings = product.settings
    region, endpoint = settings.aws_region, settings.aws_endpoint
    return EnginePorts(
        executions=store.executions(product),
        groups=DynamoDBProtectionGroupRepository(
            aws_clients.dynamodb_client(region, endpoint),
            settings.required("protection_groups_table", "the engine"),
        ),
        drs=drs_gateways(product),
        targets=BotoTargetGateways(
            target_accounts(product),
            endpoint_url=endpoint,
            health_check_document=settings.health_check_document,
            home_region=region,
        ),
        notifier=notifier(product),
    )


@part()
def engine_config(product: Product) -> EngineConfig:
    settings = product.settings
    return EngineConfig(
        poll_seconds=settings.poll_seconds,
        gate_poll_seconds=settings.gate_poll_seconds,
        max_wait_seconds=settings.max_wait_seconds,
        console_url=settings.console_url,
        health_check_document=settings.health_check_document,
        handover_ticks=settings.handover_ticks,
    )
