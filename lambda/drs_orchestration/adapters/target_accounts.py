"""Clients of any service in a target's account and Region: one rule, used by every target-side gateway.

The home account is reached with the function's own credentials, every other account through its
registered role and ExternalId (an unregistered account is ``NotFound``). Clients and assumed-role
sessions are cached by the client factory.
"""

from __future__ import annotations

from typing import Any

from drs_orchestration.adapters import aws_clients
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.ports import AccountRepository

__all__ = ["TargetAccounts"]


class TargetAccounts:
    """A client of any service in a target's account and Region."""

    def __init__(
        self,
        accounts: AccountRepository,
        *,
        home_account_id: str,
        sts_endpoint_url: str | None = None,
        session_name: str = aws_clients.DEFAULT_SESSION_NAME,
    ) -> None:
        self.accounts = accounts
        self.home_account_id = home_account_id
        self.sts_endpoint_url = sts_endpoint_url
        self.session_name = session_name

    def client(self, service: str, target: DrsTarget, endpoint_url: str | None = None) -> Any:
        """The caller names the client's type (``ssm: SSMClient = accounts.client("ssm", ...)``)."""
        if target.account_id == self.home_account_id:
            return aws_clients.client(service, target.region, endpoint_url=endpoint_url)
        account = self.accounts.get(target.account_id)
        return aws_clients.client(
            service,
            target.region,
            endpoint_url=endpoint_url,
            role_arn=account.role_arn,
            external_id=account.external_id,
            session_name=self.session_name,
            sts_endpoint_url=self.sts_endpoint_url,
        )
