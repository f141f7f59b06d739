"""Fixtures for the custom resources: moto S3, a local server standing in for CloudFormation's
pre-signed ResponseURL (it records every PUT), and CloudFormation's own event shapes."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from moto import mock_aws

REGION = "us-east-1"


@dataclass
class CapturedPut:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ResponseCapture:
    """A stand-in for the S3 pre-signed URL CloudFormation waits on."""

    url: str
    puts: list[CapturedPut] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)

    def only_response(self) -> dict[str, Any]:
        assert len(self.puts) == 1, f"expected exactly one response, got {len(self.puts)}"
        return self.puts[0].body


@pytest.fixture
def response_capture() -> Iterator[ResponseCapture]:
    capture = ResponseCapture(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            capture.puts.append(CapturedPut(self.path, dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            capture.received.set()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    capture.url = f"http://127.0.0.1:{server.server_address[1]}/cloudformation-response?signature=abc"
    try:
        yield capture
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class FakeLambdaContext:
    remaining_millis: int = 300_000
    log_stream_name: str = "2026/11/26/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


def cfn_event(
    request_type: str,
    response_url: str,
    properties: dict[str, Any],
    *,
    resource_type: str = "Custom::Test",
    old_properties: dict[str, Any] | None = None,
    physical_resource_id: str | None = None,
) -> dict[str, Any]:
    """An event exactly as CloudFormation sends it to a custom resource function."""
    stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/drs/5b3c4b70-cb6e-11ef-8d4f-0a1b2c3d4e5f"
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:drs-custom-resource",
        "ResponseURL": response_url,
        "StackId": stack_id,
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "TestResource",
        "ResourceType": resource_type,
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:drs-custom-resource",
            **properties,
        },
    }
    if request_type == "Update":
        event["OldResourceProperties"] = old_properties or {}
    if request_type != "Create":
        event["PhysicalResourceId"] = physical_resource_id or "existing-physical-id"
    return event


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def s3(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)
