"""Lifecycle notifications: an SNS message (subject + JSON body) and the same content as an event on
the product's own EventBridge bus."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from drs_orchestration.domain.engine.ports import Notification

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sns import SNSClient

__all__ = ["EVENT_SOURCE", "SnsEventBridgeNotifier"]

EVENT_SOURCE = "drs-orchestration"


class SnsEventBridgeNotifier:
    def __init__(
        self,
        sns: SNSClient | None,
        topic_arn: str | None,
        events: EventBridgeClient | None,
        bus_name: str | None,
    ) -> None:
        self.sns, self.topic_arn = sns, topic_arn
        self.events, self.bus_name = events, bus_name

    def publish(self, notification: Notification) -> None:
        body = json.dumps(notification.body, separators=(",", ":"), default=str)
        if self.sns is not None and self.topic_arn:
            self.sns.publish(
                TopicArn=self.topic_arn,
                Subject=notification.subject,
                Message=body,
                MessageAttributes={"kind": {"DataType": "String", "StringValue": notification.kind}},
            )
        if self.events is not None and self.bus_name:
            self.events.put_events(
                Entries=[
                    {
                        "Source": EVENT_SOURCE,
                        "DetailType": f"Execution {notification.kind.replace('_', ' ').title()}",
                        "Detail": body,
                        "EventBusName": self.bus_name,
                    }
                ]
            )
