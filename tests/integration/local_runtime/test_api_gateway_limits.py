"""The local front refuses and times out requests as API Gateway does: 413 over 10 MB before the
function runs, 504 ``Endpoint request timed out`` after the integration timeout while the function
runs on to its end."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest

from drs_local.mode.front import INTEGRATION_TIMEOUT_SECONDS, FrontServer, bind
from drs_orchestration.adapters.system_clock import SystemClock
from tests.e2e.components import signing
from tests.e2e.local_mode import http

TEN_MB = 10 * 1024 * 1024


class GatedApi:
    """An API handler that answers only once ``release`` is set; ``finished`` says it ran to its end."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished = threading.Event()
        self.calls = 0

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.calls += 1
        self.release.wait(10)
        self.finished.set()
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"ok": true}'}


@pytest.fixture
def front(tmp_path: Path) -> Iterator[tuple[FrontServer, GatedApi]]:
    server = bind("127.0.0.1", 0)
    api = GatedApi()
    server.api_handler = api
    server.verify = signing.verifier().claims
    server.console_dir = tmp_path
    server.config = {}
    server.cors = {"AllowOrigin": server.origin}
    server.context_factory = lambda: None
    server.api_lock = threading.Lock()
    server.clock = SystemClock()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server, api
    finally:
        api.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_integration_timeout_is_api_gateways_29_seconds() -> None:
    assert INTEGRATION_TIMEOUT_SECONDS == 29.0
    assert FrontServer.integration_timeout == 29.0


def test_a_handler_slower_than_the_integration_timeout_gets_504_and_runs_on(
    front: tuple[FrontServer, GatedApi],
) -> None:
    server, api = front
    server.integration_timeout = 0.2
    response = http("GET", f"{server.origin}/api/recovery-plans", token=signing.token())
    assert response.status == 504
    assert response.body == {"message": "Endpoint request timed out"}
    assert response.headers["Access-Control-Allow-Origin"] == server.origin
    assert not api.finished.is_set()
    api.release.set()
    assert api.finished.wait(5)


def test_a_handler_within_the_integration_timeout_answers(front: tuple[FrontServer, GatedApi]) -> None:
    server, api = front
    server.integration_timeout = 5
    api.release.set()
    response = http("GET", f"{server.origin}/api/recovery-plans", token=signing.token())
    assert (response.status, response.body) == (200, {"ok": True})


@pytest.mark.parametrize(("size", "status"), [(TEN_MB + 1, 413), (TEN_MB, 504)], ids=["over", "at-limit"])
def test_a_request_body_over_10_mb_is_refused_with_413_before_the_function_runs(
    front: tuple[FrontServer, GatedApi], size: int, status: int
) -> None:
    server, api = front
    server.integration_timeout = 0.2
    host, port = server.server_address[:2]
    connection = HTTPConnection(str(host), port, timeout=10)
    try:
        connection.putrequest("POST", "/api/recovery-plans")
        connection.putheader("Authorization", signing.token())
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(size))
        connection.endheaders()
        if status != 413:
            connection.send(b" " * size)
        reply = connection.getresponse()
        assert reply.status == status
        if status == 413:
            assert json.loads(reply.read()) == {"message": "Request Too Long"}
            assert api.calls == 0
        else:
            assert api.calls == 1
    finally:
        connection.close()
