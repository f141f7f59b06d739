"""Shared fixtures: moto in-process with fake credentials, and a manual clock tests advance."""

from collections.abc import Iterator

import pytest
from moto import mock_aws

from drs_simulator.clock import SimClock

REGION = "us-east-1"


@pytest.fixture
def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        # Our instances use a made-up image; loading moto's catalogue of real AMIs costs a second a test.
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.fixture
def clock() -> SimClock:
    return SimClock("manual")
