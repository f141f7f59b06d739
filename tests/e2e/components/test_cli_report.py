"""The CLI reads a paged report to its end and follows a large CSV export's redirect to storage
without handing the API's token to it (real HTTP servers on loopback)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from drs_orchestration.cli.api_client import ApiClient
from drs_orchestration.cli.commands import full_report

Reply = tuple[int, dict[str, str], bytes]


class _Server:
    """A loopback HTTP server answering GETs with ``answer(path, query)``, keeping each request's headers."""

    def __init__(self, answer: Callable[[str, dict[str, list[str]]], Reply]) -> None:
        self.requests: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(dict(self.headers.items()))
                parts = urlsplit(self.path)
                status, headers, body = answer(parts.path, parse_qs(parts.query))
                self.send_response(status)
                for key, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[list[_Server]]:
    made: list[_Server] = []
    yield made
    for server in made:
        server.close()


def _json(status: int, value: Any, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(value).encode()


def test_report_follows_next_token_until_the_last_page(servers: list[_Server]) -> None:
    # Given an API whose report comes in three pages
    summary = {"execution": {"id": "ex-1"}, "rtoTargetMinutes": 60, "waves": []}

    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        token = (query.get("nextToken") or [""])[0]
        page = {"": (["s-1", "s-2"], "t1"), "t1": (["s-3"], "t2"), "t2": (["s-4"], None)}[token]
        rows = [{"sourceServerId": server} for server in page[0]]
        return _json(200, {**summary, "servers": rows, **({"nextToken": page[1]} if page[1] else {})})

    api = _Server(answer)
    servers.append(api)

    # When the CLI reads the report
    report = full_report(ApiClient(api.url, "token"), "ex-1")

    # Then it holds every row, and no token is left in it
    assert [row["sourceServerId"] for row in report["servers"]] == ["s-1", "s-2", "s-3", "s-4"]
    assert "nextToken" not in report
    assert report["execution"] == {"id": "ex-1"}
    assert len(api.requests) == 3


def test_csv_follows_the_redirect_to_storage_without_the_api_token(servers: list[_Server]) -> None:
    # Given storage holding the exported CSV, and an API that redirects a large CSV there
    csv_body = b"waveId,sourceServerId\nweb,s-1\n"
    storage = _Server(lambda path, query: (200, {"Content-Type": "text/csv; charset=utf-8"}, csv_body))
    servers.append(storage)
    link = f"{storage.url}/reports/ex-1/a.csv?X-Amz-Signature=abc"
    api = _Server(lambda path, query: _json(303, {"url": link}, Location=link))
    servers.append(api)

    # When the CLI asks for the CSV
    text = ApiClient(api.url, "secret-id-token").request("GET", "/executions/ex-1/report", accept="text/csv")

    # Then it gets the file; the API saw the token, the storage did not
    assert text == csv_body.decode()
    assert api.requests[0]["Authorization"] == "secret-id-token"
    assert "Authorization" not in storage.requests[0]
