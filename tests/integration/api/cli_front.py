"""The real API handler served over loopback HTTP for the CLI's tests: the CLI talks to it as to a
deployed API (signed in as an Admin by the front; ``DRS_TOKEN`` skips the sign-in)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from tests.integration.api.client import Api
from tests.integration.api.wsgi_front import WsgiFront


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(api: Api) -> Iterator[list[str]]:
    """Serve ``api`` on a free port; yields the CLI's target options naming it."""
    front = WsgiFront()
    front.handler = api.handler
    server = make_server("127.0.0.1", 0, front, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield [
            *("--api-url", f"http://127.0.0.1:{server.server_port}"),
            *("--region", "us-east-1", "--user-pool-id", "us-east-1_pool", "--user-pool-client-id", "client"),
        ]
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
