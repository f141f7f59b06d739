"""Target accounts: where recovery happens, reached by assuming a role with an ExternalId."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from drs_orchestration.domain.models.base import AccountId, CamelModel, Name, Region, Stamped, matching

__all__ = ["RoleArn", "TargetAccount", "TargetAccountInput"]

RoleArn = Annotated[
    str, matching(r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", "an IAM role ARN")
]
ExternalId = Annotated[
    str, matching(r"^[A-Za-z0-9+=,.@:/_-]{2,1224}$", "2-1224 of A-Z a-z 0-9 + = , . @ : / _ -")
]


class TargetAccountInput(CamelModel):
    account_id: AccountId
    name: Name
    role_arn: RoleArn
    external_id: ExternalId
    regions: Annotated[list[Region], Field(min_length=1, max_length=40)]


class TargetAccount(TargetAccountInput, Stamped):
    """A target account where plans recover, with the role the product assumes there."""
