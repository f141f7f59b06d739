"""Model-driven routing and validation (botocore's drs service model)."""

from __future__ import annotations

import pytest

from drs_simulator.errors import DrsError
from drs_simulator.wire import match_route, parse_request, service_model


def _parse(
    operation: str, body: bytes, query: str = "", uri: dict[str, str] | None = None
) -> dict[str, object]:
    return parse_request(service_model().operation_model(operation), uri or {}, query, body)


def test_every_operation_of_the_model_has_a_route() -> None:
    model = service_model()
    assert len(model.operation_names) == 70
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http["requestUri"].split("?")[0].replace("{resourceArn}", "arn%3Aaws%3Adrs")
        found = match_route(http["method"], path)
        assert found is not None
        assert found[0].name == name
    assert match_route("GET", "/StartRecovery") is None


def test_path_labels_are_url_decoded() -> None:
    found = match_route("DELETE", "/tags/arn%3Aaws%3Adrs%3Aus-east-1%3A111122223333%3Ajob%2Fdrsjob-1")
    assert found is not None
    operation, labels = found
    assert (operation.name, labels) == (
        "UntagResource",
        {"resourceArn": "arn:aws:drs:us-east-1:111122223333:job/drsjob-1"},
    )


def test_query_string_members_are_bound_and_typed() -> None:
    params = _parse("ListStagingAccounts", b"", "maxResults=10&nextToken=abc")
    assert params == {"maxResults": 10, "nextToken": "abc"}


def _errors(operation: str, body: bytes, query: str = "") -> DrsError:
    with pytest.raises(DrsError) as raised:
        _parse(operation, body, query)
    return raised.value


def test_required_members_are_reported_by_path() -> None:
    error = _errors("StartRecovery", b'{"sourceServers": [{"recoverySnapshotID": "pit-00000000000000000"}]}')
    assert error.members["fieldList"] == [
        {"name": "sourceServers[0].sourceServerID", "message": "Member is required"}
    ]


def test_a_non_integer_query_value_is_a_field_error() -> None:
    error = _errors("ListStagingAccounts", b"", "maxResults=lots")
    assert error.members["fieldList"][0]["name"] == "maxResults"


def test_a_body_that_is_not_an_object_cannot_be_parsed() -> None:
    error = _errors("DescribeJobs", b"[1, 2]")
    assert (error.error_type, error.members["reason"]) == ("ValidationException", "cannotParse")


def test_minimum_values_and_booleans_are_checked() -> None:
    error = _errors("DescribeJobs", b'{"maxResults": 0}')
    assert error.members["fieldList"] == [{"name": "maxResults", "message": "Member must be >= 1"}]
    error = _errors(
        "StartRecovery", b'{"sourceServers": [{"sourceServerID": "s-00000000000000000"}], "isDrill": 1}'
    )
    assert error.members["fieldList"] == [{"name": "isDrill", "message": "Member must be a boolean"}]


def test_unknown_members_are_ignored() -> None:
    assert _parse("DescribeJobs", b'{"maxResults": 5, "colour": "blue"}') == {
        "maxResults": 5,
        "colour": "blue",
    }
