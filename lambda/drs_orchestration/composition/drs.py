"""DRS in every target account, as the API and the functions outside the engine reach it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory

if TYPE_CHECKING:
    from drs_orchestration.config.settings import Settings
    from drs_orchestration.domain.ports import AccountRepository

__all__ = ["drs_gateway_factory"]


def drs_gateway_factory(
    settings: Settings, accounts: AccountRepository, home_account_id: str
) -> BotoDrsGatewayFactory:
    """A DRS gateway per target: the home account directly, the others through their registered role."""
    return BotoDrsGatewayFactory(
        accounts,
        home_account_id=home_account_id,
        endpoint_url=settings.drs_endpoint,
        sts_endpoint_url=settings.aws_endpoint,
        session_name=settings.role_session_name,
    )
