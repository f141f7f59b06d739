"""SNS and EventBridge refuse messages over 256 KiB as AWS does, counted as AWS counts them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from drs_local.service_limits import MAX_MESSAGE_BYTES, MessageSizeLimits

LIMIT = 256 * 1024
OVER = ("ValidationException", "Total size of the entries in the request is over the limit.")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws(), MessageSizeLimits().installed():
        sns = boto3.client("sns")
        yield {"sns": sns, "events": boto3.client("events"), "topic": sns.create_topic(Name="t")["TopicArn"]}


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_the_limit_is_256_kib() -> None:
    assert MAX_MESSAGE_BYTES == LIMIT


def test_sns_publish_of_exactly_256_kib_is_accepted(aws: dict[str, Any]) -> None:
    assert aws["sns"].publish(TopicArn=aws["topic"], Message="x" * LIMIT)["MessageId"]


def test_sns_publish_counts_utf8_bytes_not_characters(aws: dict[str, Any]) -> None:
    message = "é" * (LIMIT // 2 + 1)  # fewer characters than the limit, more bytes
    with pytest.raises(ClientError) as raised:
        aws["sns"].publish(TopicArn=aws["topic"], Message=message)
    assert _error(raised) == ("InvalidParameter", "Invalid parameter: Message too long")


def test_sns_publish_counts_the_message_attributes(aws: dict[str, Any]) -> None:
    attributes = {"kind": {"DataType": "String", "StringValue": "abc"}}  # 4 + 6 + 3 bytes
    with pytest.raises(ClientError) as raised:
        aws["sns"].publish(TopicArn=aws["topic"], Message="x" * (LIMIT - 12), MessageAttributes=attributes)
    assert _error(raised)[0] == "InvalidParameter"
    sent = aws["sns"].publish(TopicArn=aws["topic"], Message="x" * (LIMIT - 13), MessageAttributes=attributes)
    assert sent["MessageId"]


def test_sns_publish_batch_fails_only_the_entry_over_the_limit(aws: dict[str, Any]) -> None:
    entries = [{"Id": "small", "Message": "ok"}, {"Id": "big", "Message": "é" * (LIMIT // 2 + 1)}]
    result = aws["sns"].publish_batch(TopicArn=aws["topic"], PublishBatchRequestEntries=entries)
    assert [entry["Id"] for entry in result["Successful"]] == ["small"]
    (failed,) = result["Failed"]
    assert (failed["Id"], failed["Code"], failed["SenderFault"]) == ("big", "InvalidParameter", True)


def _entry(detail_bytes: int, **extra: Any) -> dict[str, Any]:
    padding = "x" * (detail_bytes - len(json.dumps({"p": ""})))
    return {"Source": "drs", "DetailType": "Run", "Detail": json.dumps({"p": padding}), **extra}


def test_put_events_over_256_kib_in_all_fails_the_whole_request(aws: dict[str, Any]) -> None:
    fixed = len("drs") + len("Run")
    half = (LIMIT - 2 * fixed) // 2
    with pytest.raises(ClientError) as raised:
        aws["events"].put_events(Entries=[_entry(half), _entry(half + 1)])
    assert _error(raised) == (
        "ValidationException",
        "Total size of the entries in the request is over the limit.",
    )


def test_put_events_counts_time_and_resources_as_eventbridge_documents(aws: dict[str, Any]) -> None:
    fixed = len("drs") + len("Run")
    at_limit = _entry(LIMIT - fixed - 14 - 3, Time="2026-01-01T00:00:00Z", Resources=["abc"])
    result = aws["events"].put_events(Entries=[at_limit])
    assert result["FailedEntryCount"] == 0
    over = _entry(LIMIT - fixed - 14 - 3, Time="2026-01-01T00:00:00Z", Resources=["abcd"])
    with pytest.raises(ClientError) as raised:
        aws["events"].put_events(Entries=[over])
    assert _error(raised)[0] == "ValidationException"


def test_limits_are_gone_once_uninstalled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        events: Any = boto3.client("events")
        with MessageSizeLimits().installed():
            pass
        result = events.put_events(Entries=[_entry(LIMIT + 1)])
    assert result["FailedEntryCount"] == 0
