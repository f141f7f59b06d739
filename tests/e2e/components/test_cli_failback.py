"""The CLI's point in time, recovery, failback, re-protect and clean-up commands: what they send the
API and what they print (a loopback HTTP server stands in for the API)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from drs_orchestration.cli.__main__ import EXIT_ERROR, EXIT_OK, EXIT_RUN_FAILED, main

PLAN = {"id": "rp-shop", "name": "shop-dr", "waves": []}
Answer = Callable[[str, str, Any], tuple[int, Any]]


class _Api:
    """Answers every request with ``answer(method, path, body)``, keeping what was asked."""

    def __init__(self, answer: Answer) -> None:
        self.asked: list[tuple[str, str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                owner.asked.append((self.command, self.path, body))
                status, value = answer(self.command, self.path, body)
                raw = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _reply

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def posts(self) -> list[tuple[str, Any]]:
        return [(path, body) for method, path, body in self.asked if method == "POST"]


def _answer(method: str, path: str, body: Any) -> tuple[int, Any]:
    if path == f"/recovery-plans/{PLAN['id']}":
        return 200, PLAN
    if path.startswith("/recovery-plans"):
        return 200, {"items": [PLAN]}
    if path == "/executions":
        return 202, {"executionId": "ex-new", "status": "PENDING"}
    if path.endswith("/reprotect"):
        items = [
            {"sourceServerId": "s-1", "status": "REPROTECTED", "message": "StartReplication: INITIATING"},
            {"sourceServerId": "s-2", "status": "ALREADY_PROTECTED", "message": "replicates"},
        ]
        return 200, {"items": items}
    if path.endswith("/failback-cleanup"):
        items = [{"sourceServerId": "s-1", "status": "FAILED", "message": "DRS refused"}]
        return 200, {"items": items}
    return 404, {"error": {"code": "NOT_FOUND", "message": path}}


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[_Api]:
    monkeypatch.setenv("DRS_TOKEN", "token")
    monkeypatch.setenv("DRS_LOCAL_DIR", str(tmp_path))
    server = _Api(_answer)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _target(api: _Api) -> list[str]:
    """The CLI's options that point it at ``api``."""
    return [
        "--api-url",
        api.url,
        "--region",
        "us-east-1",
        "--user-pool-id",
        "p",
        "--user-pool-client-id",
        "c",
    ]


def _cli(api: _Api, *argv: str) -> int:
    return main([*_target(api), *argv])


def test_a_drill_and_a_recovery_send_their_point_in_time(
    api: _Api, capsys: pytest.CaptureFixture[str]
) -> None:
    instant = "2026-12-01T03:00:00Z"
    assert _cli(api, "drill", "shop-dr", "--point-in-time", instant, "--no-follow") == EXIT_OK
    assert (
        _cli(api, "recovery", "rp-shop", "--confirm", "shop-dr", "--point-in-time", instant, "--no-follow")
        == 0
    )
    assert api.posts() == [
        ("/executions", {"planId": "rp-shop", "mode": "DRILL", "pointInTime": instant}),
        (
            "/executions",
            {"planId": "rp-shop", "mode": "RECOVERY", "confirmPlanName": "shop-dr", "pointInTime": instant},
        ),
    ]
    assert capsys.readouterr().out.splitlines() == ["started ex-new", "started ex-new"]


def test_a_failback_names_its_source_recovery_and_the_plan(api: _Api) -> None:
    code = _cli(
        api, "failback", "shop-dr", "--source-execution", "ex-rec", "--confirm", "shop-dr", "--no-follow"
    )
    assert code == EXIT_OK
    assert api.posts() == [
        (
            "/executions",
            {
                "planId": "rp-shop",
                "mode": "FAILBACK",
                "confirmPlanName": "shop-dr",
                "sourceExecutionId": "ex-rec",
            },
        )
    ]


def test_a_recovery_or_failback_is_refused_before_any_call_when_the_name_is_not_repeated(
    api: _Api, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _cli(
        api, "failback", "shop-dr", "--source-execution", "ex-rec", "--confirm", "shop", "--no-follow"
    )
    assert code == EXIT_ERROR
    assert api.posts() == []
    assert "--confirm must repeat the plan's name" in capsys.readouterr().err


def test_reprotect_prints_each_server_and_cleanup_fails_when_a_server_failed(
    api: _Api, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(api, "reprotect", "ex-fb") == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["s-1", "REPROTECTED"], ["s-2", "ALREADY_PROTECTED"]]
    assert _cli(api, "failback-cleanup", "ex-fb", "--json") == EXIT_RUN_FAILED
    assert json.loads(capsys.readouterr().out)[0]["status"] == "FAILED"
    assert [path for path, _ in api.posts()] == [
        "/executions/ex-fb/reprotect",
        "/executions/ex-fb/failback-cleanup",
    ]
