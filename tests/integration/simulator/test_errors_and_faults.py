"""Bad requests get the documented DRS error (never a 500); injected faults look like the service's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from drs_simulator.config import Bucket, RateLimits, SimConfig
from drs_simulator.testing import SimulatorHandle, simulator_server

from .conftest import drill, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def test_an_unknown_operation_is_a_validation_error(sim: SimulatorHandle) -> None:
    # Given a real boto3 client of another rest-json service whose operation DRS does not have
    other = boto3.client(
        "mgn",
        endpoint_url=sim.endpoint_url,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )
    # When it calls the simulator / Then ValidationException (reason unknownOperation), not a 500
    with pytest.raises(ClientError) as raised:
        other.list_applications()
    assert _error(raised) == (400, "ValidationException")
    assert raised.value.response["reason"] == "unknownOperation"
    assert sim.simulator.request_counts("UnknownOperation") == {"UnknownOperation": 1}


def test_malformed_json_is_a_validation_error(drs: DrsClient) -> None:
    def corrupt(request: Any, **_: Any) -> None:
        request.data = b'{"filters": {'

    drs.meta.events.register("before-sign.drs.DescribeJobs", corrupt)
    with pytest.raises(ClientError) as raised:
        drs.describe_jobs()
    assert _error(raised) == (400, "ValidationException")
    assert raised.value.response["reason"] == "cannotParse"


def test_a_wrong_type_names_the_field(sim: SimulatorHandle) -> None:
    unchecked = boto3.client(
        "drs",
        endpoint_url=sim.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="111122223333",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )
    with pytest.raises(ClientError) as raised:
        unchecked.describe_jobs(maxResults="ten", filters={"fromDate": 12})  # type: ignore[arg-type, typeddict-item]
    assert _error(raised) == (400, "ValidationException")
    fields = {f["name"]: f["message"] for f in raised.value.response["fieldList"]}
    assert fields == {
        "maxResults": "Member must be an integer",
        "filters.fromDate": "Member must be a string",
    }
    assert raised.value.response["reason"] == "fieldValidationFailed"


def test_an_oversize_list_names_the_field(drs: DrsClient) -> None:
    with pytest.raises(ClientError) as raised:
        drs.describe_jobs(filters={"jobIDs": [f"drsjob-{i:017d}" for i in range(1001)]})
    assert _error(raised) == (400, "ValidationException")
    assert raised.value.response["fieldList"] == [
        {"name": "filters.jobIDs", "message": "Member must have length <= 1000"}
    ]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda d: d.describe_recovery_snapshots(sourceServerID="s-00000000000000000", order="SIDEWAYS"),
            "order",
        ),
        (lambda d: d.get_launch_configuration(sourceServerID="s-0000000000000000!"), "sourceServerID"),
        (
            lambda d: d.update_launch_configuration(sourceServerID="s-00000000000000000", name="n" * 129),
            "name",
        ),
        (
            lambda d: d.tag_resource(
                resourceArn="arn:aws:drs:us-east-1:111122223333:job/x", tags={"k": "v" * 257}
            ),
            "tags[k]",
        ),
    ],
)
def test_enums_patterns_and_maxima_are_enforced_server_side(drs: DrsClient, call: Any, field: str) -> None:
    with pytest.raises(ClientError) as raised:
        call(drs)
    assert _error(raised) == (400, "ValidationException")
    assert [f["name"] for f in raised.value.response["fieldList"]] == [field]


def test_an_operation_the_simulator_lacks_returns_a_modeled_error_or_empty_data(drs: DrsClient) -> None:
    assert drs.list_recovery_plans()["recoveryPlans"] == []
    with pytest.raises(ClientError) as raised:
        drs.create_recovery_plan(name="plan")
    assert _error(raised) == (400, "ValidationException")
    assert raised.value.response["reason"] == "other"


def test_throttling_is_retried_by_the_default_client(sim: SimulatorHandle) -> None:
    # Given DescribeJobs throttled twice
    sim.simulator.set_faults(
        throttle=[{"operation": "DescribeJobs", "rate": 1.0, "count": 2, "retry_after": 3}]
    )
    default = sim.drs_client()
    # When the default client calls it / Then it succeeds on the third attempt
    assert default.describe_jobs()["items"] == []
    assert sim.control("GET", "requests?op=DescribeJobs") == {"requests": {"DescribeJobs": 3}}


def test_throttling_surfaces_retry_after_when_retries_are_off(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(throttle=[{"operation": "DescribeSourceServers", "rate": 1.0, "retry_after": 7}])
    with pytest.raises(drs.exceptions.ThrottlingException) as raised:
        drs.describe_source_servers()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert raised.value.response["retryAfterSeconds"] == "7"
    drs.describe_jobs()


def test_internal_errors_are_500s(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(internal_error_rate={"DescribeJobs": 1.0})
    with pytest.raises(drs.exceptions.InternalServerException) as raised:
        drs.describe_jobs()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_access_denied_is_a_403(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.simulator.set_faults(access_denied=["DescribeRecoveryInstances"])
    with pytest.raises(drs.exceptions.AccessDeniedException):
        drs.describe_recovery_instances()


def test_the_uninitialized_fault_refuses_every_drs_call(sim: SimulatorHandle, drs: DrsClient) -> None:
    sim.control("POST", "faults", {"uninitialized": True})
    with pytest.raises(drs.exceptions.UninitializedAccountException):
        drs.describe_source_servers()
    sim.control("DELETE", "faults")
    assert drs.describe_source_servers()["items"]


def test_request_counters_count_every_call_per_operation(sim: SimulatorHandle, drs: DrsClient) -> None:
    drill(drs, server_ids(drs)[0])
    drs.describe_jobs()
    drs.describe_jobs()
    counts = sim.control("GET", "requests")["requests"]
    assert (counts["StartRecovery"], counts["DescribeJobs"], counts["DescribeSourceServers"]) == (1, 2, 1)


def test_unknown_fault_knobs_are_refused_by_the_control_api(sim: SimulatorHandle) -> None:
    status, body = _control_error(sim, "faults", {"launch_failure_rat": 1})
    assert status == 400
    assert "launch_failure_rat" in body


def _control_error(sim: SimulatorHandle, path: str, body: dict[str, Any]) -> tuple[int, str]:
    import urllib.error

    try:
        sim.control("POST", path, body)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    raise AssertionError("expected an HTTP error")


def test_the_token_bucket_throttles_reads_beyond_the_burst_when_enabled() -> None:
    config = SimConfig(rate_limits=RateLimits(enabled=True, read=Bucket(rps=0.001, burst=2)))
    with simulator_server(fleet="demo", config=config) as sim:
        drs = sim.drs_client(max_attempts=1)
        drs.describe_jobs()
        drs.describe_jobs()
        with pytest.raises(drs.exceptions.ThrottlingException):
            drs.describe_jobs()
        # mutations draw from their own bucket: this one reaches the handler (and its unknown-server check)
        with pytest.raises(drs.exceptions.ConflictException):
            drs.start_recovery(sourceServers=[{"sourceServerID": "s-00000000000000000"}])
