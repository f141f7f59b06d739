"""Nothing secret reaches the logs, even at DEBUG: the ID token of an API call, the ExternalId of a
registered account, the task tokens the engine's WaitForChange step receives."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterator

import pytest

from drs_orchestration.handlers.observability import API_SERVICE, CONSOLE_SERVICE, ENGINE_SERVICE, telemetry
from tests.integration.engine.harness import Engine, server_id
from tests.integration.engine.test_cross_account import RECOVERY_ACCOUNT, _recovery_fleet

EXTERNAL_ID = "ext-5f3c9a1e-77d2-4b1e-9c3f-secret"


def _b64(document: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


ID_TOKEN = ".".join(
    (_b64({"kid": "key", "alg": "RS256"}), _b64({"sub": "alice", "token_use": "id"}), "c2lnbmF0dXJl")
)


@pytest.fixture
def debug_logs() -> Iterator[io.StringIO]:
    """Every function's logger at DEBUG, writing to one buffer."""
    buffer = io.StringIO()
    saved = []
    for service in (API_SERVICE, ENGINE_SERVICE, CONSOLE_SERVICE):
        logger = telemetry(service).logger
        saved.append((logger, logger.log_level))
        logger.registered_handler.setStream(buffer)
        logger.setLevel("DEBUG")
    yield buffer
    for logger, level in saved:
        logger.setLevel(level)
        logger.registered_handler.setStream(None)


def _task_tokens(engine: Engine) -> list[str]:
    return [
        str(event["taskToken"])
        for name, event in engine.runtime.invocations
        if isinstance(event, dict) and event.get("taskToken")
    ]


def test_no_token_or_external_id_is_logged_when_a_cross_account_drill_runs_at_debug(
    engine_factory: Callable[..., Engine], debug_logs: io.StringIO
) -> None:
    # Given an account registered with its ExternalId and a plan whose servers live there
    engine = engine_factory(servers=_recovery_fleet(1))
    engine.register_account(RECOVERY_ACCOUNT, external_id=EXTERNAL_ID, health_check_document=False)
    group = engine.group("far", [server_id(500)], account=RECOVERY_ACCOUNT)
    plan = engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], "healthCheck": None}])

    # When the drill runs to its end and the API is called with the caller's ID token
    execution = engine.finish(engine.start(plan))
    answer = engine.api.call("GET", "/accounts", headers={"Authorization": f"Bearer {ID_TOKEN}"})

    # Then the run and the call worked, the functions logged at DEBUG, and no secret is in the output
    assert execution["status"] == "SUCCEEDED", execution
    assert answer.status == 200
    output = debug_logs.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert {"invocation"} <= {line["message"] for line in lines}
    assert any(line.get("correlation_id") == execution["id"] for line in lines)
    tokens = _task_tokens(engine)
    assert tokens, "WaitForChange received no task token"
    for secret in (ID_TOKEN, EXTERNAL_ID, *tokens):
        assert secret not in output
