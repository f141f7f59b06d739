"""Secrets are masked wherever they sit in a log record: under a key, in a JSON body, in free text."""

from __future__ import annotations

import json

from drs_orchestration.handlers.redaction import MASK, redact, redact_text

JWT = "eyJraWQiOiJrZXkiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ"


def test_values_are_masked_when_their_key_names_a_secret_at_any_depth() -> None:
    record = {
        "event": {
            "headers": {"Authorization": "opaque-1", "Accept": "application/json"},
            "multiValueHeaders": {"authorization": ["opaque-2"]},
            "taskToken": "AQB4AAAA-task-token",
        },
        "credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t", "SessionToken": "st"},
        "items": [{"externalId": "ext-1", "password": "hunter2", "name": "kept"}],
    }

    masked = redact(record)

    text = json.dumps(masked)
    for secret in (
        "opaque-1",
        "opaque-2",
        "AQB4AAAA-task-token",
        "ASIAEXAMPLE",
        "s3cr3t",
        "ext-1",
        "hunter2",
    ):
        assert secret not in text
    assert masked["event"]["headers"]["Accept"] == "application/json"
    assert masked["items"][0]["name"] == "kept"
    assert masked["event"]["taskToken"] == MASK


def test_a_json_body_held_as_a_string_is_masked_inside_when_it_carries_an_external_id() -> None:
    body = json.dumps({"accountId": "444455556666", "externalId": "ext-secret-9", "roleArn": "arn:r"})

    masked = redact({"body": body})

    assert "ext-secret-9" not in masked["body"]
    assert json.loads(masked["body"])["accountId"] == "444455556666"


def test_free_text_is_masked_when_it_carries_a_jwt_a_bearer_token_or_a_key_value_pair() -> None:
    text = (
        f"token {JWT} then Authorization: Bearer abc.def.ghi and "
        "https://bucket.s3.amazonaws.com/key?X-Amz-Signature=deadbeef&X-Amz-Security-Token=IQo&x=1 "
        'and {\\"externalId\\": \\"ext-7\\"} key AKIAIOSFODNN7EXAMPLE password=hunter2'
    )

    masked = redact_text(text)

    for secret in (JWT, "abc.def.ghi", "deadbeef", "IQo", "ext-7", "AKIAIOSFODNN7EXAMPLE", "hunter2"):
        assert secret not in masked
    assert "x=1" in masked


def test_ordinary_values_are_kept_when_nothing_names_a_secret() -> None:
    record = {"message": "wave db started", "executionId": "ex-1", "count": 3, "ok": True, "none": None}

    assert redact(record) == record
