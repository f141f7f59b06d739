"""Local mode over several recovery targets (``--targets AxR``): the fleet, the accounts, the keys."""

import argparse
from collections import Counter

import boto3
import pytest
from moto import mock_aws

from drs_local.mode.targets import MotoIssuedKeys, Targets, account_body, parse_targets
from tests.integration.accounts import use_fake_credentials


def test_fleet_spreads_evenly_over_two_accounts_and_two_regions_when_targets_are_2x2() -> None:
    targets = parse_targets("2x2")

    fleet = targets.fleet(4000)

    assert len(targets.pairs) == 4
    per_target = Counter((s.account_id, s.region) for s in fleet)
    assert per_target == dict.fromkeys(targets.pairs, 1000)
    # past 250 in a target, servers replicate in staging accounts (DRS: 300 replicating per account)
    local = Counter((s.account_id, s.region) for s in fleet if s.staging_account is None)
    assert set(local.values()) == {250}
    assert targets.recovery_accounts == targets.accounts[1:]
    assert account_body(targets.accounts[1], targets)["regions"] == list(targets.regions)


@pytest.mark.parametrize("value", ["0x1", "4x1", "1x4", "2", "2x2x2", "ax2"])
def test_targets_are_refused_when_not_accounts_x_regions_within_three_each(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_targets(value)


def test_one_target_is_the_default() -> None:
    assert Targets().pairs == [(Targets().accounts[0], "us-east-1")]


def test_simulator_keys_map_an_assumed_role_to_the_role_account_when_moto_issued_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_fake_credentials(monkeypatch)
    with mock_aws():
        credentials = boto3.client("sts").assume_role(
            RoleArn="arn:aws:iam::777788889999:role/drs-orchestration-target", RoleSessionName="engine"
        )["Credentials"]
        keys = MotoIssuedKeys({"AKIAFIXED": "111122223333"})

        assert keys.get(credentials["AccessKeyId"]) == "777788889999"
        assert keys.get("AKIAFIXED") == "111122223333"
        assert keys.get("AKIAUNKNOWN") is None
