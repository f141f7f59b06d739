"""One HTTP server on 127.0.0.1 for the console and the API, as CloudFront and API Gateway serve them.

* ``/api/...`` becomes a REST API proxy event for the real API handler. The Cognito ID token in the
  ``Authorization`` header is verified first, as the user-pool authorizer does: no valid token, 401
  ``{"message": "Unauthorized"}`` and the function never runs; with one, its claims go under
  ``requestContext.authorizer.claims`` with every value a string. CORS preflight needs no token. CORS
  headers follow the API template's ``Cors`` settings. One request reaches the handler at a time, as in
  one Lambda container.
* API Gateway's limits: a request body over 10 MB is refused with 413 ``{"message":"Request Too Long"}``
  before anything runs; a handler that has not answered within the 29 s integration timeout (real
  time: the front serves people) gets 504 ``{"message": "Endpoint request timed out"}``, while the
  function itself runs on to its end, as a Lambda does when API Gateway gives up on it.
* ``/local/...`` are local-mode-only actions for the demo (:mod:`.failback_demo`), behind the same
  token check as the API; they do not exist on AWS.
* ``/config.json`` tells the console where to sign in and where the API is.
* Everything else is the built console (``frontend/dist``), unknown paths answering ``index.html`` so
  the single-page application's own routes work on reload.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from drs_orchestration.domain.clock import Clock
from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event

from .tokens import InvalidToken

__all__ = ["API_PREFIX", "FrontServer", "PortInUse", "bind"]

API_PREFIX = "/api"
ApiHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
LocalHandler = Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]
"""(method, path, the caller's claims) -> (status, JSON body): a local-mode-only route."""
LOCAL_PREFIX = "/local"
Verify = Callable[[str | None], dict[str, Any]]
_MAX_BODY = 10 * 1024 * 1024
INTEGRATION_TIMEOUT_SECONDS = 29.0
_TIMED_OUT = b'{"message": "Endpoint request timed out"}'


class PortInUse(OSError):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"port {port} on {host} is already in use; stop what uses it or pass --port")
        self.port = port


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    api_handler: ApiHandler
    verify: Verify
    console_dir: Path
    config: dict[str, str]
    cors: Mapping[str, str]
    context_factory: Callable[[], Any]
    api_lock: threading.Lock
    clock: Clock
    """The product's clock: API Gateway's request time on the events the front builds."""
    integration_timeout: float = INTEGRATION_TIMEOUT_SECONDS
    """Real seconds API Gateway waits for the handler before answering 504."""
    local_handler: LocalHandler | None = None
    """The local-mode-only routes under ``/local/`` (none: 404)."""

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


def bind(host: str, port: int) -> FrontServer:
    """Claim ``host:port`` now (fail fast and clearly when it is taken); serve once configured."""
    try:
        return FrontServer((host, port), _Handler, bind_and_activate=True)
    except OSError as error:
        if error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise PortInUse(host, port) from error
        raise


class _Handler(BaseHTTPRequestHandler):
    server: FrontServer
    protocol_version = "HTTP/1.1"
    error_content_type = "application/json"

    def log_message(self, format: str, *args: Any) -> None:
        return

    # ---- dispatch -----------------------------------------------------------------------------
    def _route(self) -> None:
        path = urlsplit(self.path).path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self._api(path.removeprefix(API_PREFIX) or "/")
        elif path.startswith(LOCAL_PREFIX + "/"):
            self._local(path)
        elif self.command in ("GET", "HEAD"):
            self._static(path)
        else:
            self._send(405, {"Content-Type": "application/json"}, b'{"message":"Method Not Allowed"}')

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route

    # ---- API ----------------------------------------------------------------------------------
    def _cors_headers(self) -> dict[str, str]:
        cors = self.server.cors
        headers = {"Access-Control-Allow-Origin": cors.get("AllowOrigin", self.server.origin)}
        if self.command == "OPTIONS":
            headers["Access-Control-Allow-Headers"] = cors.get("AllowHeaders", "Authorization,Content-Type")
            headers["Access-Control-Allow-Methods"] = cors.get("AllowMethods", "GET,POST,PUT,DELETE,OPTIONS")
            headers["Access-Control-Max-Age"] = cors.get("MaxAge", "600")
        return headers

    def _api(self, path: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._send(413, {"Content-Type": "application/json"}, b'{"message":"Request Too Long"}')
            return
        body = self.rfile.read(length) if length else b""
        if self.command == "OPTIONS":
            self._send(204, self._cors_headers(), b"")
            return
        try:
            claims = self.server.verify(self.headers.get("Authorization"))
        except InvalidToken:
            headers = {"Content-Type": "application/json", **self._cors_headers()}
            self._send(401, headers, b'{"message":"Unauthorized"}')
            return
        headers = dict(self.headers.items())
        headers.setdefault("X-Forwarded-Proto", "http")
        text: str | bytes | None
        try:
            text = body.decode() if body else None
        except UnicodeDecodeError:
            text = body
        event = rest_proxy_event(
            self.command,
            path,
            body=text,
            headers=headers,
            query=urlsplit(self.path).query or None,
            claims=claims,
            source_ip=self.client_address[0],
            now=self.server.clock.now(),
        )
        response = self._invoke(event)
        if response is None:
            self._send(504, {"Content-Type": "application/json", **self._cors_headers()}, _TIMED_OUT)
            return
        reply_headers: dict[str, str] = dict(response.get("headers") or {})
        for key, values in (response.get("multiValueHeaders") or {}).items():
            reply_headers[key] = ", ".join(str(value) for value in values)
        reply_headers.update(self._cors_headers())
        payload = response.get("body") or ""
        data = base64.b64decode(payload) if response.get("isBase64Encoded") else str(payload).encode()
        self._send(int(response.get("statusCode", 200)), reply_headers, data)

    def _local(self, path: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, _MAX_BODY))
        if self.command == "OPTIONS":
            self._send(204, self._cors_headers(), b"")
            return
        headers = {"Content-Type": "application/json", **self._cors_headers()}
        try:
            claims = self.server.verify(self.headers.get("Authorization"))
        except InvalidToken:
            self._send(401, headers, b'{"message":"Unauthorized"}')
            return
        if self.server.local_handler is None:
            self._send(404, headers, b'{"message":"Not Found"}')
            return
        with self.server.api_lock:
            status, body = self.server.local_handler(self.command, path, claims)
        self._send(status, headers, json.dumps(body).encode())

    def _invoke(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """The handler's response, or None when it did not answer within the integration timeout."""
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                with self.server.api_lock:
                    outcome["response"] = self.server.api_handler(event, self.server.context_factory())
            except BaseException as error:  # re-raised on the request thread when it still waits
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=run, name="local-api-invoke", daemon=True).start()
        if not done.wait(self.server.integration_timeout):
            return None
        if "error" in outcome:
            raise outcome["error"]
        response: dict[str, Any] = outcome["response"]
        return response

    # ---- console ------------------------------------------------------------------------------
    def _static(self, path: str) -> None:
        if path == "/config.json":
            body = json.dumps(self.server.config).encode()
            self._send(200, {"Content-Type": "application/json", "Cache-Control": "no-store"}, body)
            return
        root = self.server.console_dir.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            if Path(path).suffix and path != "/index.html":
                self._send(404, {"Content-Type": "text/plain"}, b"not found")
                return
            candidate = root / "index.html"
        if not candidate.is_file():
            self._send(503, {"Content-Type": "text/plain"}, b"the console is not built")
            return
        kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        cache = "no-cache" if candidate.name == "index.html" else "public, max-age=31536000, immutable"
        self._send(200, {"Content-Type": kind, "Cache-Control": cache}, candidate.read_bytes())

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        skip = {"content-length", "connection", "transfer-encoding"}
        for key, value in headers.items():
            if key.lower() not in skip:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
