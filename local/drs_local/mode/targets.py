"""Local mode over several recovery targets (``--targets 2x2``): accounts x Regions of the fleet.

The first account is the home account; every other one is registered as a recovery account (its target
role's ARN and an ExternalId) through the API. moto's STS issues the engine credentials of the role's
account; the simulator learns which account each such key belongs to, as DRS on AWS does.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.models import get_account_id_from

from drs_simulator.config import DEFAULT_ACCOUNT
from drs_simulator.fleet import ServerFixture, generate_fleet

ACCOUNTS = (DEFAULT_ACCOUNT, "777788889999", "555566667777")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
EXTERNAL_ID = "local-recovery-external-id"
_SHAPE = re.compile(r"^([1-9])x([1-9])$")


@dataclass(frozen=True)
class Targets:
    """``accounts`` x ``regions``; the first account is home, the first Region the product's."""

    accounts: tuple[str, ...] = (DEFAULT_ACCOUNT,)
    regions: tuple[str, ...] = ("us-east-1",)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(account, region) for account in self.accounts for region in self.regions]

    @property
    def recovery_accounts(self) -> tuple[str, ...]:
        return self.accounts[1:]

    def fleet(self, count: int) -> list[ServerFixture]:
        """``count`` servers spread evenly over the targets; past 250 in a target, extended servers."""
        return generate_fleet(count, accounts=self.accounts, regions=self.regions, max_local=250)


def parse_targets(value: str) -> Targets:
    """``AxR``: A accounts (at most 3) times R Regions (at most 3)."""
    found = _SHAPE.match(value)
    if found is None or int(found[1]) > len(ACCOUNTS) or int(found[2]) > len(REGIONS):
        raise argparse.ArgumentTypeError(
            f"give accounts x Regions, at most {len(ACCOUNTS)}x{len(REGIONS)} (e.g. 2x2)"
        )
    return Targets(ACCOUNTS[: int(found[1])], REGIONS[: int(found[2])])


def role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/drs-orchestration/drs-orchestration-target"


def account_body(account: str, targets: Targets) -> dict[str, Any]:
    """The ``POST /accounts`` body registering ``account`` for every Region of ``targets``."""
    return {
        "accountId": account,
        "name": f"recovery-{account}",
        "roleArn": role_arn(account),
        "externalId": EXTERNAL_ID,
        "regions": list(targets.regions),
    }


class MotoIssuedKeys(dict[str, str]):
    """Access key -> account for the DRS simulator, extended to every key moto's STS issued: an assumed
    role's keys belong to the role's account (a key moto did not issue keeps the simulator's rules)."""

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        account = get_account_id_from(key)
        return default if account == DEFAULT_ACCOUNT_ID else account
