"""Local mode creates the readiness scan function from the api template: the API invokes it by name,
and its schedule runs it (daily, on the scaled clock)."""

from __future__ import annotations

import boto3

from drs_local.mode.aws_stack import LocalAws
from tests.e2e.components.conftest import REGION

SCAN_HANDLER = "drs_orchestration.handlers.readiness_scan.lambda_handler"


def test_scan_function_is_invoked_by_name_and_scheduled_daily_when_local_mode_is_built(
    local_aws: LocalAws,
) -> None:
    name = local_aws.environment["READINESS_SCAN_FUNCTION"]
    configuration = boto3.client("lambda", region_name=REGION).get_function(FunctionName=name)[
        "Configuration"
    ]

    assert configuration["Handler"] == SCAN_HANDLER
    assert local_aws.function_names["ReadinessScanFunction"] == name
    assert [s.every_seconds for s in local_aws.schedules if s.handler == SCAN_HANDLER] == [86400]
    assert local_aws.environment["READINESS_STALE_DRILL_DAYS"] == "30"
    assert local_aws.environment["READINESS_LAG_THRESHOLD_SECONDS"] == "300"
