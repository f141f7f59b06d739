"""Bucket emptying on stack deletion, against moto S3 with versioned buckets."""

from __future__ import annotations

from typing import Any

import pytest

from drs_orchestration.handlers.custom_resources import bucket_emptier
from drs_orchestration.handlers.custom_resources.bucket_emptier import lambda_handler
from tests.integration.custom_resources.conftest import FakeLambdaContext, ResponseCapture, cfn_event

PHYSICAL_ID = "empty-on-delete:EmptyBucketsOnDelete"


@pytest.fixture
def versioned_bucket(s3: Any) -> str:
    s3.create_bucket(Bucket="console-bucket")
    s3.put_bucket_versioning(Bucket="console-bucket", VersioningConfiguration={"Status": "Enabled"})
    return "console-bucket"


def version_count(s3: Any, bucket: str) -> int:
    listing = s3.list_object_versions(Bucket=bucket)
    return len(listing.get("Versions", [])) + len(listing.get("DeleteMarkers", []))


def test_delete_removes_every_version_and_delete_marker_when_the_stack_is_deleted(
    s3: Any,
    versioned_bucket: str,
    response_capture: ResponseCapture,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given more objects than one listing page holds, overwritten and deleted ones included
    monkeypatch.setattr(bucket_emptier, "PAGE_SIZE", 7)
    for index in range(20):
        s3.put_object(Bucket=versioned_bucket, Key=f"logs/{index:04d}.gz", Body=b"x")
    s3.put_object(Bucket=versioned_bucket, Key="index.html", Body=b"v1")
    s3.put_object(Bucket=versioned_bucket, Key="index.html", Body=b"v2")
    s3.delete_object(Bucket=versioned_bucket, Key="logs/0000.gz")
    s3.create_bucket(Bucket="logs-bucket")
    s3.put_object(Bucket="logs-bucket", Key="cloudfront/a.gz", Body=b"x")

    # When the stack deletes the custom resource
    event = cfn_event(
        "Delete",
        response_capture.url,
        {"Buckets": [versioned_bucket, "logs-bucket"]},
        physical_resource_id=PHYSICAL_ID,
    )
    lambda_handler(event, lambda_context)

    # Then both buckets are empty and can be deleted
    body = response_capture.only_response()
    assert body["Status"] == "SUCCESS", body["Reason"]
    assert body["Data"] == {"DeletedObjects": str(20 + 2 + 1 + 1)}
    assert version_count(s3, versioned_bucket) == 0
    assert version_count(s3, "logs-bucket") == 0
    s3.delete_bucket(Bucket=versioned_bucket)


def test_delete_succeeds_when_a_bucket_is_already_gone(
    s3: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    event = cfn_event(
        "Delete", response_capture.url, {"Buckets": ["never-created"]}, physical_resource_id=PHYSICAL_ID
    )

    lambda_handler(event, lambda_context)

    assert response_capture.only_response()["Status"] == "SUCCESS"


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_objects_stay_when_the_resource_is_created_or_updated(
    request_type: str,
    s3: Any,
    versioned_bucket: str,
    response_capture: ResponseCapture,
    lambda_context: FakeLambdaContext,
) -> None:
    s3.put_object(Bucket=versioned_bucket, Key="index.html", Body=b"x")

    event = cfn_event(
        request_type,
        response_capture.url,
        {"Buckets": [versioned_bucket]},
        old_properties={"Buckets": [versioned_bucket, "old-bucket"]},
        physical_resource_id=PHYSICAL_ID,
    )
    lambda_handler(event, lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "SUCCESS"
    assert version_count(s3, versioned_bucket) == 1
    if request_type == "Update":
        # A stable id: CloudFormation must never send a Delete that would empty a live bucket.
        assert body["PhysicalResourceId"] == PHYSICAL_ID


def test_delete_fails_naming_the_property_when_buckets_is_not_a_list(
    s3: Any, response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    event = cfn_event(
        "Delete", response_capture.url, {"Buckets": "console-bucket"}, physical_resource_id=PHYSICAL_ID
    )

    lambda_handler(event, lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert "Buckets" in body["Reason"]
