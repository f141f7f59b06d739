"""Console publishing against moto S3 and CloudFront, driven by CloudFormation's own events."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from drs_orchestration.handlers.custom_resources.console_deployer import lambda_handler
from tests.integration.custom_resources.conftest import (
    REGION,
    FakeLambdaContext,
    ResponseCapture,
    cfn_event,
)

ARTIFACTS = "artifacts-bucket"
CONSOLE = "console-bucket"
BUILD = {
    "index.html": b"<!doctype html><title>DRS</title>",
    "assets/app-3f2a.js": b"console.log('app')",
    "assets/app-3f2a.css": b"body{}",
    "favicon.svg": b"<svg/>",
}


def properties(**overrides: str) -> dict[str, Any]:
    values = {
        "ConsoleBucket": CONSOLE,
        "SourceBucket": ARTIFACTS,
        "SourcePrefix": "console/build-1",
        "Region": REGION,
        "UserPoolId": "us-east-1_AbCdEf123",
        "UserPoolClientId": "4n2clientid",
        "ApiUrl": "https://abc123.execute-api.us-east-1.amazonaws.com/v1",
        "DistributionId": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def buckets(s3: Any) -> Any:
    for name in (ARTIFACTS, CONSOLE):
        s3.create_bucket(Bucket=name)
    for key, body in BUILD.items():
        s3.put_object(Bucket=ARTIFACTS, Key=f"console/build-1/{key}", Body=body)
    return s3


def console_keys(s3: Any) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=CONSOLE).get("Contents", [])}


def read_json(s3: Any, key: str) -> Any:
    return json.loads(s3.get_object(Bucket=CONSOLE, Key=key)["Body"].read())


def test_create_publishes_the_build_and_writes_config_when_the_console_was_uploaded(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    lambda_handler(cfn_event("Create", response_capture.url, properties()), lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "SUCCESS", body["Reason"]
    assert body["PhysicalResourceId"] == f"console:{CONSOLE}"
    assert body["Data"]["ObjectCount"] == str(len(BUILD) + 1)
    assert console_keys(buckets) == {*BUILD, "config.json"}
    assert read_json(buckets, "config.json") == {
        "region": REGION,
        "userPoolId": "us-east-1_AbCdEf123",
        "userPoolClientId": "4n2clientid",
        "apiUrl": "https://abc123.execute-api.us-east-1.amazonaws.com/v1",
    }
    index = buckets.head_object(Bucket=CONSOLE, Key="index.html")
    asset = buckets.head_object(Bucket=CONSOLE, Key="assets/app-3f2a.js")
    assert index["ContentType"] == "text/html"
    assert index["CacheControl"] == "no-cache"
    assert asset["ContentType"] in {"text/javascript", "application/javascript"}
    assert "immutable" in asset["CacheControl"]
    assert buckets.get_object(Bucket=CONSOLE, Key="index.html")["Body"].read() == BUILD["index.html"]


def test_create_writes_only_config_when_no_console_was_built(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    lambda_handler(cfn_event("Create", response_capture.url, properties(SourcePrefix="")), lambda_context)

    assert response_capture.only_response()["Status"] == "SUCCESS"
    assert console_keys(buckets) == {"config.json"}


def test_update_replaces_stale_files_rewrites_config_and_invalidates_when_a_new_build_is_released(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    # Given build-1 is live behind a distribution
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    distribution_id = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "console",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "console",
                        "DomainName": f"{CONSOLE}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "console",
                "ViewerProtocolPolicy": "redirect-to-https",
            },
        }
    )["Distribution"]["Id"]
    old = properties(DistributionId=distribution_id)
    for key, body in BUILD.items():
        buckets.put_object(Bucket=CONSOLE, Key=key, Body=body)
    buckets.put_object(Bucket=ARTIFACTS, Key="console/build-2/index.html", Body=b"<title>v2</title>")
    buckets.put_object(Bucket=ARTIFACTS, Key="console/build-2/assets/app-9c1d.js", Body=b"v2")

    # When build-2 is released with a new API URL
    new = properties(
        SourcePrefix="console/build-2",
        ApiUrl="https://new.execute-api.us-east-1.amazonaws.com/v1",
        DistributionId=distribution_id,
    )
    event = cfn_event(
        "Update", response_capture.url, new, old_properties=old, physical_resource_id=f"console:{CONSOLE}"
    )
    lambda_handler(event, lambda_context)

    # Then only build-2 and the new config remain, and the CDN cache is invalidated
    body = response_capture.only_response()
    assert body["Status"] == "SUCCESS", body["Reason"]
    assert console_keys(buckets) == {"index.html", "assets/app-9c1d.js", "config.json"}
    assert read_json(buckets, "config.json")["apiUrl"] == "https://new.execute-api.us-east-1.amazonaws.com/v1"
    invalidations = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    assert invalidations["Quantity"] == 1


def test_update_keeps_the_published_console_when_no_new_build_is_given(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    for key, body in BUILD.items():
        buckets.put_object(Bucket=CONSOLE, Key=key, Body=body)

    new = properties(SourcePrefix="", ApiUrl="https://moved.execute-api.us-east-1.amazonaws.com/v1")
    event = cfn_event(
        "Update",
        response_capture.url,
        new,
        old_properties=properties(),
        physical_resource_id=f"console:{CONSOLE}",
    )
    lambda_handler(event, lambda_context)

    assert response_capture.only_response()["Status"] == "SUCCESS"
    assert console_keys(buckets) == {*BUILD, "config.json"}
    assert (
        read_json(buckets, "config.json")["apiUrl"] == "https://moved.execute-api.us-east-1.amazonaws.com/v1"
    )


def test_delete_leaves_the_objects_to_the_bucket_emptier_when_the_stack_is_deleted(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    buckets.put_object(Bucket=CONSOLE, Key="index.html", Body=b"x")

    event = cfn_event("Delete", response_capture.url, properties(), physical_resource_id=f"console:{CONSOLE}")
    lambda_handler(event, lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == f"console:{CONSOLE}"
    assert console_keys(buckets) == {"index.html"}


def test_create_fails_naming_the_property_and_writes_nothing_when_the_api_url_is_missing(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    lambda_handler(cfn_event("Create", response_capture.url, properties(ApiUrl="")), lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert "ApiUrl" in body["Reason"]
    assert console_keys(buckets) == set()


def test_update_fails_and_keeps_the_console_when_the_new_build_is_missing(
    buckets: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    buckets.put_object(Bucket=CONSOLE, Key="index.html", Body=b"live")

    event = cfn_event(
        "Update",
        response_capture.url,
        properties(SourcePrefix="console/never-uploaded"),
        old_properties=properties(),
        physical_resource_id=f"console:{CONSOLE}",
    )
    lambda_handler(event, lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert "SourcePrefix" in body["Reason"]
    assert console_keys(buckets) == {"index.html"}


def test_create_fails_when_the_artifacts_bucket_does_not_exist(
    s3: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    s3.create_bucket(Bucket=CONSOLE)

    lambda_handler(cfn_event("Create", response_capture.url, properties()), lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert "NoSuchBucket" in body["Reason"]
