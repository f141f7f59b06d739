"""Shared fixtures: moto in-process with fake credentials, a moto server, and a manual clock tests advance."""

import urllib.request
from collections.abc import Iterator

import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from drs_simulator.clock import SimClock
from tests.integration.accounts import use_fake_credentials

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
