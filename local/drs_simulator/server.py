"""HTTP front: DRS's rest-json wire protocol for the boto3 ``drs`` client, plus the ``/_sim/`` control API.

The (account, region) of each request comes from its SigV4 credential scope
(``Credential=<AKID>/<date>/<region>/drs/aws4_request``): the access key maps to an account through
``SimConfig.accounts``; a 12-digit access key is taken as the account ID itself; anything else is the
default account. Signatures are not verified.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import control
from .errors import DrsError
from .simulator import Simulator
from .wire import error_response, match_route, parse_request, success_status, unknown_operation

if TYPE_CHECKING:
    from botocore.model import OperationModel

logger = logging.getLogger(__name__)

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")
UNKNOWN_OPERATION = "UnknownOperation"


class DrsHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        super().__init__(address, DrsRequestHandler)
        self.simulator = simulator

    @property
    def endpoint_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class DrsRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: DrsHttpServer

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        if url.path.startswith("/_sim/"):
            status, payload = control.handle(self.server.simulator, method, url.path, url.query, body)
            self._send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())
            return
        self._send(*self._drs(method, url.path, url.query, body))

    def _drs(self, method: str, path: str, query: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        sim = self.server.simulator
        found = match_route(method, path)
        if found is None:
            sim.count_request(UNKNOWN_OPERATION)
            return error_response(unknown_operation(method, path))
        operation, uri_params = found
        sim.count_request(operation.name)
        with sim.serving(operation.name):
            return self._answer(sim, operation, uri_params, query, body)

    def _answer(
        self, sim: Simulator, operation: OperationModel, uri_params: dict[str, str], query: str, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        account, region = self._scope(sim)
        delay = sim.faults.latency_ms.get(operation.name, sim.faults.latency_ms.get("*", 0))
        if delay:
            time.sleep(delay / 1000)
        try:
            fault = sim.injected_fault(operation.name, account, region)
            if fault is not None:
                raise fault
            params = parse_request(operation, uri_params, query, body)
            result = sim.handle(operation.name, account, region, params)
        except DrsError as error:
            return error_response(error)
        except Exception:
            logger.exception("%s failed", operation.name)
            return error_response(DrsError("InternalServerException", "Internal error in the DRS simulator"))
        status = success_status(operation)
        if status == 204:
            return status, {}, b""
        return (
            status,
            {"Content-Type": "application/json"},
            json.dumps(result, separators=(",", ":")).encode(),
        )

    def _scope(self, sim: Simulator) -> tuple[str, str]:
        found = _CREDENTIAL.search(self.headers.get("Authorization", ""))
        config = sim.config
        if found is None:
            return config.default_account, config.default_region
        key, region = found.groups()
        account = config.accounts.get(key) or (
            key if key.isdigit() and len(key) == 12 else config.default_account
        )
        return account, region

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


def serve(
    simulator: Simulator, host: str = "127.0.0.1", port: int = 0
) -> tuple[DrsHttpServer, threading.Thread]:
    """Start the HTTP server (and the simulator's ticker) in background threads."""
    server = DrsHttpServer((host, port), simulator)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="drs-sim-http", daemon=True
    )
    thread.start()
    simulator.start()
    return server, thread
