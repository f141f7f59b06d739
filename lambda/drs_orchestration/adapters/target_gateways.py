"""EC2 and SSM where a target's recovered instances live: its own account and Region, reached as DRS is
(``TargetAccounts``: home with the function's own credentials, any other account through its role).

The product's health-check document exists only in the home account and Region. For any other target
the SSM gateway handed out runs a copy of it there instead, named by its content and created on first
use (``document_copies``); the engine keeps naming the original and never sees the difference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.adapters.ec2.boto_ec2_gateway import BotoEc2Gateway
from drs_orchestration.adapters.ssm.boto_ssm_gateway import BotoSsmGateway
from drs_orchestration.adapters.ssm.document_copies import DocumentCopies
from drs_orchestration.adapters.target_accounts import TargetAccounts
from drs_orchestration.domain.models.drs import DrsTarget

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ssm import SSMClient

__all__ = ["BotoTargetGateways", "TargetAccounts"]


class BotoTargetGateways:
    """EC2 status checks and SSM commands and automations in each target's own account and Region.

    ``health_check_document`` (the product's document, installed in ``home_region`` of the home
    account) is run as a content-named copy in every other account and Region.
    """

    def __init__(
        self,
        accounts: TargetAccounts,
        *,
        endpoint_url: str | None = None,
        health_check_document: str | None = None,
        home_region: str | None = None,
    ) -> None:
        self.accounts = accounts
        self.endpoint_url = endpoint_url
        self.home: DrsTarget | None = None
        self.copies: DocumentCopies | None = None
        if health_check_document:
            if not home_region:
                raise ValueError("home_region is needed to read the health-check document")
            home = self.home = DrsTarget(account_id=accounts.home_account_id, region=home_region)

            def home_ssm() -> SSMClient:
                ssm: SSMClient = accounts.client("ssm", home, endpoint_url)
                return ssm

            self.copies = DocumentCopies(health_check_document, home_ssm)

    def ec2(self, target: DrsTarget) -> BotoEc2Gateway:
        ec2: EC2Client = self.accounts.client("ec2", target, self.endpoint_url)
        return BotoEc2Gateway(ec2)

    def ssm(self, target: DrsTarget) -> BotoSsmGateway:
        ssm: SSMClient = self.accounts.client("ssm", target, self.endpoint_url)
        if self.copies is None or target == self.home:
            return BotoSsmGateway(ssm)
        return BotoSsmGateway(ssm, copy=self.copies.for_target(target))
