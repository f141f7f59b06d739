"""AWS's size limits on SNS and EventBridge messages, where moto 5.2.5 is more lenient than AWS.

* SNS ``Publish`` (and each ``PublishBatch`` entry): the message and its attributes together may be up
  to 256 KiB, counted in UTF-8 bytes. moto counts only the message, in characters. Over the limit the
  call fails with ``InvalidParameter`` ``Invalid parameter: Message too long`` (a batch entry fails
  alone, as moto already reports entries that fail with it).
* EventBridge ``PutEvents``: the entries together may be up to 256 KiB, each sized as EventBridge
  documents (Time 14 bytes; Source, DetailType, Detail and each Resource in UTF-8 bytes). moto has no
  size check. Over the limit the whole call fails with ``ValidationException`` ``Total size of the
  entries in the request is over the limit.``
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from moto.events.exceptions import ValidationException
from moto.events.models import EventsBackend
from moto.sns.exceptions import InvalidParameterValue
from moto.sns.models import SNSBackend

from .moto_hooks import Hooks, Patches, require_attributes

__all__ = ["MAX_MESSAGE_BYTES", "MessageSizeLimits", "put_events_size", "sns_publish_size"]

MAX_MESSAGE_BYTES = 256 * 1024


def _utf8(text: object) -> int:
    return len(str(text).encode()) if text is not None else 0


def _attribute_value_size(data_type: str, attribute: Mapping[str, Any]) -> int:
    if "StringValue" in attribute:
        return _utf8(attribute["StringValue"])
    if "BinaryValue" in attribute:
        value = attribute["BinaryValue"]
        return len(value) if isinstance(value, bytes | bytearray) else _utf8(value)
    value = attribute.get("Value")
    if data_type.startswith("Binary") and isinstance(value, str):
        try:
            return len(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            return _utf8(value)
    return _utf8(value)


def sns_publish_size(message: str, attributes: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Bytes SNS counts against its limit: the message, and each attribute's name, type and value."""
    size = _utf8(message)
    for name, attribute in (attributes or {}).items():
        data_type = str(attribute.get("DataType") or attribute.get("Type") or "")
        size += _utf8(name) + _utf8(data_type) + _attribute_value_size(data_type, attribute)
    return size


def put_events_size(entries: list[dict[str, Any]]) -> int:
    """Bytes EventBridge counts for a ``PutEvents`` request's entries."""
    size = 0
    for entry in entries:
        size += 14 if entry.get("Time") is not None else 0
        size += _utf8(entry.get("Source")) + _utf8(entry.get("DetailType")) + _utf8(entry.get("Detail"))
        size += sum(_utf8(resource) for resource in entry.get("Resources") or [])
    return size


class MessageSizeLimits(Hooks):
    """SNS and EventBridge refuse messages over 256 KiB as AWS does, while installed."""

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        require_attributes([(SNSBackend, "publish"), (EventsBackend, "put_events")])
        publish = SNSBackend.publish
        put_events = EventsBackend.put_events
        limit = self.max_bytes

        def limited_publish(backend: SNSBackend, message: str, *args: Any, **kwargs: Any) -> str:
            attributes = kwargs.get("message_attributes")
            if attributes is None and len(args) > 3:
                attributes = args[3]
            if sns_publish_size(message, attributes) > limit:
                raise InvalidParameterValue("Invalid parameter: Message too long")
            result: str = publish(backend, message, *args, **kwargs)
            return result

        def limited_put_events(backend: EventsBackend, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
            if put_events_size(events) > limit:
                raise ValidationException("Total size of the entries in the request is over the limit.")
            return put_events(backend, events)

        patches.set(SNSBackend, "publish", limited_publish)
        patches.set(EventsBackend, "put_events", limited_put_events)
