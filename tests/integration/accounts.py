"""Clients of another AWS account under moto: moto keys resources by the account of the caller's
credentials, and its STS AssumeRole answers with credentials of the role's account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

HOME_ACCOUNT = "111122223333"
"""The home account the tests' own credentials act in."""


def use_fake_credentials(monkeypatch: pytest.MonkeyPatch, region: str = "us-east-1") -> None:
    """Fake credentials for moto in ``region``, no AWS endpoint override, and no catalogue of real
    AMIs (our instances use a made-up image; loading moto's catalogue costs a second a test)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": region,
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def in_account(account: str, service: str, region: str = "us-east-1") -> Any:
    """A ``service`` client in ``region`` holding ``account``'s own credentials."""
    if account == HOME_ACCOUNT:
        return boto3.client(service, region_name=region)
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="setup"
    )["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
