"""A small client of the REST API: JSON in and out, the ID token in ``Authorization``, errors typed.

It keeps the server's time of the last answer (``X-Server-Time``): the CLI stamps its lines with the
product's clock, which in local mode is the simulator's, not this machine's."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

__all__ = ["SERVER_TIME_HEADER", "ApiClient", "ApiError", "ApiUnreachable"]

SERVER_TIME_HEADER = "X-Server-Time"


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        message = (error or {}).get("message") or (body.get("message") if isinstance(body, dict) else None)
        super().__init__(f"HTTP {status}: {message or body}")
        self.status = status
        self.body = body


class ApiUnreachable(Exception):
    """No answer from the API: the network, DNS, TLS or a timeout."""


class ApiClient:
    def __init__(self, api_url: str, token: str, timeout: float = 30.0) -> None:
        if not api_url.startswith(("http://", "https://")):
            raise ValueError(f"the API URL must be http(s): {api_url}")
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.server_time: datetime | None = None
        """The server's time when it sent the last answer (``None`` before one, or if it sent none)."""
        self.last_headers: dict[str, str] = {}
        """The headers of the last successful answer."""
        self.last_body: bytes = b""
        """The body of the last successful answer, as sent."""

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        accept: str = "",
        content_type: str = "",
    ) -> Any:
        """``body`` goes as JSON; as it is (text) when ``content_type`` names its media type."""
        url = f"{self.api_url}{path}" + (f"?{urlencode(query)}" if query else "")
        headers = {"Accept": accept or "application/json"}
        data = None
        if body is not None:
            data = body.encode() if content_type else json.dumps(body).encode()
            headers["Content-Type"] = content_type or "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        # Not sent on to where a redirect leads (a large CSV export's presigned link carries its own).
        request.add_unredirected_header("Authorization", self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - checked
                raw = response.read()
                kind = response.headers.get("Content-Type", "")
                self._note_server_time(response.headers.get(SERVER_TIME_HEADER))
                self.last_headers = {key.lower(): value for key, value in response.headers.items()}
                self.last_body = raw
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
            raise ApiError(error.code, parsed) from error
        except (urllib.error.URLError, OSError) as error:
            raise ApiUnreachable(f"cannot reach {self.api_url}: {error}") from error
        if not raw:
            return None
        return json.loads(raw) if "json" in kind else raw.decode()

    def _note_server_time(self, value: str | None) -> None:
        try:
            self.server_time = datetime.fromisoformat(value) if value else None
        except ValueError:
            self.server_time = None

    def get(self, path: str, **query: str) -> Any:
        return self.request("GET", path, query=query or None)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def post_text(
        self, path: str, text: str, *, content_type: str, query: dict[str, str] | None = None
    ) -> Any:
        """POST ``text`` as it is, of media type ``content_type`` (a YAML file, say)."""
        return self.request("POST", path, text, query=query, content_type=content_type)

    def pages(self, path: str, **query: str) -> list[Any]:
        """Every item of a listed resource, following ``nextToken``."""
        items: list[Any] = []
        token: str | None = None
        while True:
            page = self.get(path, **query, **({"nextToken": token} if token else {}))
            items.extend(page.get("items", []))
            token = page.get("nextToken")
            if not token:
                return items
