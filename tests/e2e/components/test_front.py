"""The front answers like CloudFront + API Gateway: console files, config.json, and API calls that reach
the handler only with a valid token, as REST proxy events carrying string claims."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drs_local.mode.front import FrontServer, PortInUse, bind
from drs_orchestration.adapters.system_clock import SystemClock
from tests.e2e.components import signing
from tests.e2e.local_mode import http


class RecordingApi:
    """Stands where the API handler goes and answers 200 with what it was sent."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"ok": true}'}


@pytest.fixture
def front(tmp_path: Path) -> Iterator[tuple[FrontServer, RecordingApi]]:
    (tmp_path / "index.html").write_text("<html>console</html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    server = bind("127.0.0.1", 0)
    api = RecordingApi()
    server.api_handler = api
    server.verify = signing.verifier().claims
    server.console_dir = tmp_path
    server.config = {"region": "us-east-1", "apiUrl": f"{server.origin}/api"}
    server.cors = {"AllowOrigin": server.origin, "AllowHeaders": "Authorization,Content-Type"}
    server.context_factory = lambda: None
    server.api_lock = threading.Lock()
    server.clock = SystemClock()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server, api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_api_call_becomes_a_rest_proxy_event_with_string_claims_when_the_token_is_valid(
    front: tuple[FrontServer, RecordingApi],
) -> None:
    server, api = front
    token = signing.token(**{"cognito:groups": ["Admin", "Operator"], "custom:level": 3})
    response = http("POST", f"{server.origin}/api/recovery-plans?limit=5", {"name": "x"}, token)
    assert (response.status, response.body) == (200, {"ok": True})
    (event,) = api.events
    assert (event["httpMethod"], event["path"], event["resource"]) == ("POST", "/recovery-plans", "/{proxy+}")
    assert event["queryStringParameters"] == {"limit": "5"}
    assert json.loads(event["body"]) == {"name": "x"}
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["cognito:groups"] == "[Admin Operator]"
    assert claims["custom:level"] == "3"
    assert all(isinstance(value, str) for value in claims.values())


@pytest.mark.parametrize(
    "token", [None, "garbage", signing.token(key=signing.OTHER_KEY)], ids=["none", "junk", "forged"]
)
def test_api_call_is_unauthorised_and_never_reaches_the_handler_when_the_token_is_not_valid(
    front: tuple[FrontServer, RecordingApi], token: str | None
) -> None:
    server, api = front
    response = http("GET", f"{server.origin}/api/recovery-plans", token=token)
    assert (response.status, response.body) == (401, {"message": "Unauthorized"})
    assert response.headers["Access-Control-Allow-Origin"] == server.origin
    assert api.events == []


def test_cors_preflight_is_answered_without_a_token_when_the_browser_asks(
    front: tuple[FrontServer, RecordingApi],
) -> None:
    server, api = front
    response = http("OPTIONS", f"{server.origin}/api/executions")
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization,Content-Type"
    assert api.events == []


def test_console_routes_serve_the_app_and_missing_assets_are_not_found_when_browsing(
    front: tuple[FrontServer, RecordingApi],
) -> None:
    server, _ = front
    assert http("GET", f"{server.origin}/").body == "<html>console</html>"
    assert http("GET", f"{server.origin}/executions/ex-1").body == "<html>console</html>"
    assert http("GET", f"{server.origin}/assets/app.js").body == "console.log(1)"
    assert http("GET", f"{server.origin}/assets/missing.js").status == 404
    assert http("GET", f"{server.origin}/../../etc/passwd").body == "<html>console</html>"
    assert http("GET", f"{server.origin}/config.json").body == server.config


def test_binding_fails_naming_the_port_when_it_is_taken(front: tuple[FrontServer, RecordingApi]) -> None:
    server, _ = front
    port = server.server_address[1]
    with pytest.raises(PortInUse, match=f"port {port} "):
        bind("127.0.0.1", port)
