"""EC2 and SSM where a target's recovered instances live: its own account, reached as DRS is.

The rule is the DRS factory's: the home account with the function's own credentials, every other
account through its registered role and ExternalId (an unregistered account is ``NotFound``, the
same error DRS calls give). ``TargetAccounts`` holds that rule once; clients and assumed-role
sessions are cached by the client factory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.ec2.boto_ec2_gateway import BotoEc2Gateway
from drs_orchestration.adapters.ssm.boto_ssm_gateway import BotoSsmGateway
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.ports import AccountRepository

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ssm import SSMClient

__all__ = ["BotoTargetGateways", "TargetAccounts"]


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


class BotoTargetGateways:
    """EC2 status checks and SSM commands and automations in each target's own account and Region."""

    def __init__(self, accounts: TargetAccounts, *, endpoint_url: str | None = None) -> None:
        self.accounts = accounts
        self.endpoint_url = endpoint_url

    def ec2(self, target: DrsTarget) -> BotoEc2Gateway:
        ec2: EC2Client = self.accounts.client("ec2", target, self.endpoint_url)
        return BotoEc2Gateway(ec2)

    def ssm(self, target: DrsTarget) -> BotoSsmGateway:
        ssm: SSMClient = self.accounts.client("ssm", target, self.endpoint_url)
        return BotoSsmGateway(ssm)
