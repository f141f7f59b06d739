"""The REST proxy event builder mirrors what API Gateway sends with a Cognito authorizer."""

from __future__ import annotations

import base64

from drs_orchestration.handlers.api.rest_proxy_event import rest_proxy_event


def test_claims_arrive_as_strings_when_built_from_typed_values() -> None:
    event = rest_proxy_event(
        "get", "/me", claims={"sub": "u", "cognito:groups": ["Admin", "Operator"], "auth_time": 17, "x": True}
    )
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims == {"sub": "u", "cognito:groups": "[Admin Operator]", "auth_time": "17", "x": "true"}
    assert event["httpMethod"] == "GET"
    assert event["requestContext"]["path"] == "/prod/me"


def test_query_keeps_repeated_values_when_given_as_a_string_or_mapping() -> None:
    from_string = rest_proxy_event("GET", "/x", query="tag=a&tag=b&limit=2")
    from_mapping = rest_proxy_event("GET", "/x", query={"tag": ["a", "b"], "limit": "2"})
    for event in (from_string, from_mapping):
        assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "limit": ["2"]}
        assert event["queryStringParameters"] == {"tag": "b", "limit": "2"}


def test_binary_body_is_base64_and_no_identity_means_no_claims() -> None:
    event = rest_proxy_event("POST", "/x", body=b"\xff\x00")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00"
    assert event["requestContext"]["authorizer"] == {}
