"""The CloudFormation custom-resource protocol: parse the request, always answer it.

CloudFormation waits up to an hour for a custom resource that never answers. Every path
through :func:`custom_resource` therefore sends exactly one response to the pre-signed
``ResponseURL``: success, a handler exception, or a timer that fires shortly before the
Lambda deadline while the handler is still running.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

Status = Literal["SUCCESS", "FAILED"]
RequestType = Literal["Create", "Update", "Delete"]

# CloudFormation rejects response bodies over 4 KiB; the reason is the only free-form part.
MAX_REASON_CHARS = 1000
DEFAULT_DEADLINE_MARGIN_SECONDS = 10.0
PUT_ATTEMPTS = 3


class LambdaContext(Protocol):
    """The part of the Lambda context object these handlers use."""

    @property
    def log_stream_name(self) -> str: ...

    def get_remaining_time_in_millis(self) -> int: ...


class InvalidProperties(ValueError):
    """A resource property is missing or malformed; the message names it."""


@dataclass(frozen=True)
class CustomResourceRequest:
    request_type: RequestType
    request_id: str
    stack_id: str
    logical_resource_id: str
    response_url: str
    resource_properties: Mapping[str, Any]
    old_resource_properties: Mapping[str, Any]
    physical_resource_id: str | None

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> CustomResourceRequest:
        request_type = event.get("RequestType")
        if request_type not in ("Create", "Update", "Delete"):
            raise InvalidProperties(f"RequestType: expected Create, Update or Delete, got {request_type!r}")
        missing = [
            k for k in ("RequestId", "StackId", "LogicalResourceId", "ResponseURL") if not event.get(k)
        ]
        if missing:
            raise InvalidProperties(f"{', '.join(missing)}: required in a custom resource event")
        return cls(
            request_type=request_type,
            request_id=str(event["RequestId"]),
            stack_id=str(event["StackId"]),
            logical_resource_id=str(event["LogicalResourceId"]),
            response_url=str(event["ResponseURL"]),
            resource_properties=dict(event.get("ResourceProperties") or {}),
            old_resource_properties=dict(event.get("OldResourceProperties") or {}),
            physical_resource_id=event.get("PhysicalResourceId"),
        )

    def required_str(self, name: str) -> str:
        value = self.resource_properties.get(name)
        if not isinstance(value, str) or not value:
            raise InvalidProperties(f"{name}: required non-empty string property")
        return value

    def optional_str(self, name: str) -> str:
        value = self.resource_properties.get(name, "")
        if not isinstance(value, str):
            raise InvalidProperties(f"{name}: must be a string")
        return value


@dataclass(frozen=True)
class CustomResourceResult:
    physical_resource_id: str | None = None
    data: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[CustomResourceRequest], CustomResourceResult]


def put_response(url: str, body: bytes, sleep: Callable[[float], None] = time.sleep) -> None:
    """PUT ``body`` to the pre-signed response URL, retrying transient network errors."""
    if urlparse(url).scheme not in ("https", "http"):
        raise ValueError(f"ResponseURL: unsupported scheme in {url!r}")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))}
    )
    for attempt in range(1, PUT_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - scheme checked above
                logger.info("CloudFormation response sent", extra={"status_code": response.status})
                return
        except (urllib.error.URLError, TimeoutError):
            if attempt == PUT_ATTEMPTS:
                raise
            sleep(float(attempt))


class Responder:
    """Sends the one response a request gets; later attempts are ignored."""

    def __init__(self, event: Mapping[str, Any], default_physical_id: str) -> None:
        self._event = event
        self._default_physical_id = default_physical_id
        self._lock = threading.Lock()
        self._sent = False

    @property
    def sent(self) -> bool:
        return self._sent

    def send(
        self,
        status: Status,
        *,
        reason: str = "",
        physical_resource_id: str | None = None,
        data: Mapping[str, str] | None = None,
    ) -> bool:
        with self._lock:
            if self._sent:
                return False
            self._sent = True
        event = self._event
        body = {
            "Status": status,
            "Reason": reason[:MAX_REASON_CHARS] or status,
            "PhysicalResourceId": physical_resource_id
            or event.get("PhysicalResourceId")
            or self._default_physical_id,
            "StackId": event.get("StackId", ""),
            "RequestId": event.get("RequestId", ""),
            "LogicalResourceId": event.get("LogicalResourceId", ""),
            "NoEcho": False,
            "Data": dict(data or {}),
        }
        try:
            put_response(str(event.get("ResponseURL", "")), json.dumps(body).encode())
        except Exception:
            logger.exception("could not deliver the CloudFormation response")
        return True


def custom_resource(
    handler: Handler, deadline_margin_seconds: float = DEFAULT_DEADLINE_MARGIN_SECONDS
) -> Callable[[Mapping[str, Any], LambdaContext], None]:
    """Wrap ``handler`` so CloudFormation always gets exactly one response."""

    def lambda_handler(event: Mapping[str, Any], context: LambdaContext) -> None:
        responder = Responder(event, default_physical_id=context.log_stream_name)
        seconds_left = context.get_remaining_time_in_millis() / 1000.0 - deadline_margin_seconds
        timer = threading.Timer(
            max(seconds_left, 0.0),
            lambda: responder.send("FAILED", reason="timed out before the function deadline"),
        )
        timer.daemon = True
        timer.start()
        try:
            request = CustomResourceRequest.from_event(event)
            logger.info(
                "custom resource request",
                extra={"request_type": request.request_type, "logical_id": request.logical_resource_id},
            )
            result = handler(request)
            responder.send(
                "SUCCESS",
                physical_resource_id=result.physical_resource_id or request.physical_resource_id,
                data=result.data,
            )
        except Exception as error:
            logger.exception("custom resource failed")
            responder.send("FAILED", reason=f"{type(error).__name__}: {error}")
        finally:
            timer.cancel()

    return lambda_handler
