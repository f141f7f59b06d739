"""Shared fixtures: moto in-process with fake credentials, a moto server, a manual clock tests advance,
and moto with the Step Functions runtime on virtual time (``aws``)."""

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from drs_local.step_functions import LocalStepFunctions
from drs_local.virtual_time import VirtualTime
from drs_simulator.clock import SimClock
from tests.integration.accounts import use_fake_credentials
from tests.integration.local_runtime.step_functions_aws import step_functions_aws

REGION = "us-east-1"


@pytest.fixture
def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    use_fake_credentials(monkeypatch, REGION)
    with mock_aws():
        yield


@pytest.fixture
def clock() -> SimClock:
    return SimClock("manual")


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server on a free loopback port for this test; its state is reset afterwards."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")  # noqa: S310 - local server
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
        server.stop()


@pytest.fixture
def virtual() -> VirtualTime:
    return VirtualTime(SimClock("virtual"))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, virtual: VirtualTime) -> Iterator[dict[str, Any]]:
    """moto with the Step Functions runtime installed on virtual time, and one in-process function."""
    yield from step_functions_aws(monkeypatch, LocalStepFunctions(virtual=virtual))
