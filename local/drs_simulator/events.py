"""EventBridge-shaped DRS events and the sinks that receive them.

Every emitted event is appended to the simulator's event log (``GET /_sim/events?since=``) and handed
to each sink by one background dispatcher thread, in emission order, outside the simulator's lock
(so a sink may call the simulator back). Sinks:

* :class:`CallbackSink` - calls a Python function with the event dict (in-process).
* :class:`WebhookSink` - POSTs the event as JSON to a URL.
* :class:`EventBridgeSink` - ``PutEvents`` through a boto3 ``events`` client (e.g. moto's endpoint).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import urllib.request
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import boto3

logger = logging.getLogger(__name__)

LAUNCH_RESULT = "DRS Source Server Launch Result"
REPLICATION_STALLED = "DRS Source Server Data Replication Stalled Change"
PIT_SNAPSHOT = "DRS PIT Snapshot Taken"
FAILBACK_STATE = "DRS Recovery Instance Failback State Change"

Event = dict[str, Any]


class EventSink(Protocol):
    def deliver(self, event: Event) -> None: ...


class CallbackSink:
    def __init__(self, callback: Callable[[Event], None]) -> None:
        self.callback = callback

    def deliver(self, event: Event) -> None:
        self.callback(event)


class WebhookSink:
    def __init__(self, url: str, timeout: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s): {url!r}")
        self.url = url
        self.timeout = timeout

    def deliver(self, event: Event) -> None:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url, data=json.dumps(event).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout):  # noqa: S310
            pass


class EventBridgeSink:
    """PutEvents each event on ``event_bus_name`` in the event's own account and Region (as DRS does),
    keeping source, detail-type, resources and detail. Clients use the account ID as access key (moto
    files the event under that account); pass ``client`` to send everything through one client."""

    def __init__(
        self, endpoint_url: str | None = None, event_bus_name: str = "default", client: Any = None
    ) -> None:
        self.endpoint_url = endpoint_url
        self.event_bus_name = event_bus_name
        self.client = client
        self._clients: dict[tuple[str, str], Any] = {}

    def _client_for(self, account: str, region: str) -> Any:
        if self.client is not None:
            return self.client
        if (account, region) not in self._clients:
            self._clients[(account, region)] = boto3.client(
                "events",
                region_name=region,
                endpoint_url=self.endpoint_url,
                aws_access_key_id=account,
                aws_secret_access_key="testing",  # noqa: S106 - local endpoints only
            )
        return self._clients[(account, region)]

    def deliver(self, event: Event) -> None:
        response = self._client_for(event["account"], event["region"]).put_events(
            Entries=[
                {
                    "Source": event["source"],
                    "DetailType": event["detail-type"],
                    "Detail": json.dumps(event["detail"]),
                    "Resources": event["resources"],
                    "EventBusName": self.event_bus_name,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            raise RuntimeError(f"PutEvents failed: {response['Entries']}")


def make_event(
    detail_type: str, account: str, region: str, time: str, resource: str, detail: dict[str, Any]
) -> Event:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": "aws.drs",
        "account": account,
        "time": time,
        "region": region,
        "resources": [resource],
        "detail": detail,
    }


class EventLog:
    """Numbered log of delivered events plus the dispatcher that feeds the sinks."""

    def __init__(self, max_size: int, sinks: list[EventSink] | None = None) -> None:
        self._log: deque[Event] = deque(maxlen=max_size)
        self._seq = 0
        self._lock = threading.Lock()
        self.sinks: list[EventSink] = list(sinks or [])
        self.sink_failures = 0
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def append(self, event: Event) -> None:
        with self._lock:
            self._seq += 1
            stored = {**event, "seq": self._seq}
            self._log.append(stored)
        if self.sinks:
            self._ensure_thread()
            self._queue.put(event)

    def since(self, seq: int = 0) -> list[Event]:
        with self._lock:
            return [event for event in self._log if event["seq"] > seq]

    @property
    def last_seq(self) -> int:
        return self._seq

    def clear(self) -> None:
        with self._lock:
            self._log.clear()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every queued event has been handed to the sinks (no-op from a sink itself)."""
        if self._thread is None or threading.current_thread() is self._thread:
            return
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        done.wait(timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="drs-sim-events", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            try:
                if event is None:
                    return
                for sink in list(self.sinks):
                    try:
                        sink.deliver(event)
                    except Exception:
                        self.sink_failures += 1
                        logger.exception("event sink %s failed", type(sink).__name__)
            finally:
                self._queue.task_done()
