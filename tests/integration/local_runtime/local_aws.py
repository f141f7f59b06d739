"""Local AWS built from the templates, as local mode builds it: in moto in-process, or in a moto server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from moto import mock_aws

from drs_local.mode.aws_stack import LocalAws, create_local_aws
from tests.integration.accounts import use_fake_credentials

ROOT = Path(__file__).resolve().parents[3]
REGION = "us-east-1"
ACCOUNT = "111122223333"


def _from_templates(endpoint: str) -> LocalAws:
    return create_local_aws(
        ROOT,
        endpoint=endpoint,
        region=REGION,
        account=ACCOUNT,
        console_origin="http://127.0.0.1:8000",
    )


@contextmanager
def local_aws_in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalAws]:
    """Local AWS in moto in this process, with local mode's credentials."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": ACCOUNT,
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_ACCOUNT_ID": ACCOUNT,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield _from_templates("")


def local_aws_on_server(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """Local AWS in the moto server at ``moto_server``."""
    use_fake_credentials(monkeypatch, REGION)
    return _from_templates(moto_server)
