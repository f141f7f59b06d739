"""moto's SQS at the scale of thousands of queued events: SendMessage and ReceiveMessage.

moto reads a queue's settings through ``Queue.attributes``, which also counts the queue's messages
(``ApproximateNumberOfMessages``, ``...Delayed``, ``...NotVisible``: each a pass over every message).
SendMessage reads it once per message, and ReceiveMessage once per message **received** (the retention
check), so a queue holding the 4,000 launch results of one wave costs O(messages) per message sent or
received. Installed, SendMessage and ReceiveMessage on a standard queue read its settings without the
counts (the only settings they read are the retention period and, for FIFO queues, content-based
deduplication; FIFO queues keep moto's own reading). GetQueueAttributes still counts.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.sqs.models import Queue, SQSBackend

from .moto_hooks import HookMissingError, Hooks, Patches, require_attributes

__all__ = ["LeanSqs"]


class LeanSqs(Hooks):
    """Install with ``installed()`` (or ``install()`` / ``uninstall()``)."""

    def __init__(self) -> None:
        self._patches = Patches()
        self._local = threading.local()

    def _patch(self, patches: Patches) -> None:
        names = ("send_message", "receive_message")
        require_attributes([(Queue, "attributes"), *((SQSBackend, name) for name in names)])
        counted = vars(Queue).get("attributes")
        if not isinstance(counted, property) or counted.fget is None:
            raise HookMissingError("moto's Queue.attributes is no longer a property")
        full = counted.fget
        local = self._local

        def attributes(queue: Queue) -> dict[str, Any]:
            if getattr(local, "settings_only", False) and not queue.fifo_queue:
                return {"MessageRetentionPeriod": queue.message_retention_period}  # type: ignore[attr-defined]
            settings: dict[str, Any] = full(queue)
            return settings

        patches.set(Queue, "attributes", property(attributes))
        for name in names:
            patches.set(SQSBackend, name, self._settings_only(getattr(SQSBackend, name)))

    def _settings_only(self, original: Callable[..., Any]) -> Callable[..., Any]:
        local = self._local

        @functools.wraps(original)
        def call(*args: Any, **kwargs: Any) -> Any:
            before = getattr(local, "settings_only", False)
            local.settings_only = True
            try:
                return original(*args, **kwargs)
            finally:
                local.settings_only = before

        return call
