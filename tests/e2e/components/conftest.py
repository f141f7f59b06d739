"""Local AWS built once per module from the repository's templates, in moto in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from drs_local.mode.aws_stack import LocalAws, create_local_aws

ROOT = Path(__file__).resolve().parents[3]
REGION = "us-east-1"
ACCOUNT = "111122223333"
ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": ACCOUNT,
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "MOTO_ACCOUNT_ID": ACCOUNT,
        }.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            yield create_local_aws(ROOT, endpoint="", region=REGION, account=ACCOUNT, console_origin=ORIGIN)
