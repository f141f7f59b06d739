"""moto's SQS with the local runtime's lean settings reads: the same messages, without counting the
queue for every message sent or received."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sqs.models import Queue

from drs_local.sqs_scale import LeanSqs
from tests.integration.accounts import use_fake_credentials


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    use_fake_credentials(monkeypatch)
    with mock_aws(), LeanSqs().installed():
        yield boto3.client("sqs")


def test_every_message_is_received_once_without_counting_the_queue_per_message(
    sqs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a standard queue, and a count of how often moto counts its messages
    url = sqs.create_queue(QueueName="events")["QueueUrl"]
    counted: list[int] = []
    count: Any = vars(Queue)["approximate_number_of_messages"]

    def counting(queue: Queue) -> int:
        counted.append(1)
        return int(count.fget(queue))

    monkeypatch.setattr(Queue, "approximate_number_of_messages", property(counting))

    # When 40 messages are sent and received ten at a time
    for n in range(40):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    received: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        received += [message["Body"] for message in batch]

    # Then each came once, and the queue was not counted on the way
    assert sorted(received) == sorted(f"m{n}" for n in range(40))
    assert counted == []
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "40"
    assert attributes["MessageRetentionPeriod"] == "345600"


def test_fifo_queues_keep_their_deduplication() -> None:
    with mock_aws(), LeanSqs().installed():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(
            QueueName="events.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        )["QueueUrl"]
        for _ in range(3):
            sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")

        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])

    assert [message["Body"] for message in received] == ["same"]


def test_moto_is_restored_when_uninstalled() -> None:
    before = vars(Queue)["attributes"]
    with LeanSqs().installed():
        assert vars(Queue)["attributes"] is not before
    assert vars(Queue)["attributes"] is before
