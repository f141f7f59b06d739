"""Deliver EventBridge rule matches to Python handlers, as a Lambda target would on AWS.

moto's EventBridge matches rule patterns but delivers only to SQS, CloudWatch Logs and other buses,
never to a Lambda function. :class:`EventBridgeBridge` puts the rule (the template's own name and
event pattern) with an SQS queue as its target, and a background drainer per rule receives from the
queue and calls the real handler with each event, so the rule's pattern is still what decides. A
handler that raises gets the event again, up to ``max_attempts`` times in all (Lambda's asynchronous
invocation makes three attempts); after that the event is kept in ``Route.dead_letters``.

Only public EventBridge and SQS calls are used, through the boto3 clients given, so the bridge works
with moto in-process (``mock_aws``) and with moto's server alike. :func:`forward_simulator_events`
sends the DRS simulator's events to EventBridge ``PutEvents``.

``stop()`` (or leaving ``with bridge:``) ends every drainer and waits for it: no thread is left running.
Built with ``drainers=False``, the bridge starts no thread: :meth:`EventBridgeBridge.pump` delivers what
the queues hold when called (the virtual clock's driver calls it whenever the runtime is quiescent).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Self

from moto.events import models as events_models

from drs_simulator.events import EventBridgeSink
from drs_simulator.simulator import Simulator

from .moto_hooks import require_attributes

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Handler = Callable[[Event], object]
TARGET_ID = "local-runtime-bridge"


def check_hooks() -> None:
    """Raise if moto's EventBridge rules can no longer send matched events to an SQS queue."""
    require_attributes([(events_models.Rule, "send_to_targets"), (events_models.Rule, "_send_to_sqs_queue")])


@dataclass
class Route:
    """One rule drained into one handler; counts what was delivered and what was given up on."""

    rule_name: str
    rule_arn: str
    queue_url: str
    handler: Handler
    delivered: int = 0
    failed_attempts: int = 0
    dead_letters: list[Event] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, *, delivered: int = 0, failed: int = 0, dead: Event | None = None) -> None:
        with self._lock:
            self.delivered += delivered
            self.failed_attempts += failed
            if dead is not None:
                self.dead_letters.append(dead)


class EventBridgeBridge:
    """Route rules to handlers with :meth:`route`; stop every drainer with :meth:`stop`."""

    def __init__(
        self,
        events_client: Any,
        sqs_client: Any,
        *,
        max_attempts: int = 3,
        wait_seconds: int = 1,
        retry_delay_seconds: int = 0,
        drainers: bool = True,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= wait_seconds <= 20:
            raise ValueError("wait_seconds must be between 0 and 20 (SQS long polling)")
        self._events = events_client
        self._sqs = sqs_client
        self.max_attempts = max_attempts
        self.wait_seconds = wait_seconds
        self.retry_delay_seconds = retry_delay_seconds
        self.drainers = drainers
        self.routes: list[Route] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    def route(
        self,
        rule_name: str,
        event_pattern: str | Mapping[str, Any],
        handler: Handler,
        *,
        event_bus_name: str = "default",
        queue_name: str | None = None,
    ) -> Route:
        """Put rule ``rule_name`` with ``event_pattern``; its queue target is drained into ``handler``."""
        if self._stop.is_set():
            raise RuntimeError("the bridge has been stopped")
        pattern = event_pattern if isinstance(event_pattern, str) else json.dumps(event_pattern)
        rule_arn = self._events.put_rule(
            Name=rule_name, EventPattern=pattern, EventBusName=event_bus_name, State="ENABLED"
        )["RuleArn"]
        queue_url = self._sqs.create_queue(QueueName=queue_name or f"{rule_name}-bridge")["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        response = self._events.put_targets(
            Rule=rule_name, EventBusName=event_bus_name, Targets=[{"Id": TARGET_ID, "Arn": queue_arn}]
        )
        if response.get("FailedEntryCount"):
            raise RuntimeError(f"PutTargets failed for rule {rule_name}: {response['FailedEntries']}")
        route = Route(rule_name, rule_arn, queue_url, handler)
        self.routes.append(route)
        if self.drainers:
            thread = threading.Thread(
                target=self._drain, args=(route,), name=f"bridge-{rule_name}", daemon=True
            )
            self._threads.append(thread)
            thread.start()
        return route

    def pump(self) -> int:
        """Deliver every message the rules' queues hold now, on this thread; return how many were handled
        (an attempt that failed counts: its message comes back for the next attempt)."""
        handled = 0
        for route in list(self.routes):
            while messages := self._receive(route, wait_seconds=0):
                for message in messages:
                    self._deliver(route, message)
                handled += len(messages)
        return handled

    def _receive(self, route: Route, wait_seconds: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self._sqs.receive_message(
            QueueUrl=route.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        return messages

    def _drain(self, route: Route) -> None:
        while not self._stop.is_set():
            try:
                messages = self._receive(route, self.wait_seconds)
            except Exception:
                if self._stop.is_set():
                    return
                logger.exception("receiving from the queue of rule %s failed", route.rule_name)
                self._stop.wait(1)
                continue
            for message in messages:
                self._deliver(route, message)

    def _deliver(self, route: Route, message: dict[str, Any]) -> None:
        event: Event = json.loads(message["Body"])
        try:
            route.handler(event)
        except Exception:
            attempts = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            logger.exception("handler of rule %s failed (attempt %d)", route.rule_name, attempts)
            if attempts < self.max_attempts:
                route.record(failed=1)
                self._sqs.change_message_visibility(
                    QueueUrl=route.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self.retry_delay_seconds,
                )
                return
            route.record(failed=1, dead=event)
        else:
            route.record(delivered=1)
        self._sqs.delete_message(QueueUrl=route.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def stop(self, timeout: float = 30.0) -> None:
        """End every drainer (each finishes the event in hand) and wait for it."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                raise RuntimeError(f"{thread.name} did not stop within {timeout} s")
        self._threads.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def forward_simulator_events(
    simulator: Simulator, events_client: Any, event_bus_name: str = "default"
) -> Iterator[EventBridgeSink]:
    """While the block runs, every event the DRS simulator emits is put on ``event_bus_name``."""
    sink = EventBridgeSink(client=events_client, event_bus_name=event_bus_name)
    simulator.events.sinks.append(sink)
    try:
        yield sink
    finally:
        simulator.events.flush()
        simulator.events.sinks.remove(sink)
