"""The custom-resource protocol: exactly one response reaches the ResponseURL on every path."""

from __future__ import annotations

import threading

from drs_orchestration.handlers.custom_resources.cfn_response import (
    CustomResourceRequest,
    CustomResourceResult,
    custom_resource,
)
from tests.integration.custom_resources.conftest import FakeLambdaContext, ResponseCapture, cfn_event


def test_success_is_put_with_data_and_physical_id_when_the_handler_returns(
    response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    # Given a handler that succeeds
    handler = custom_resource(lambda _: CustomResourceResult("my-resource", {"Answer": "42"}))
    event = cfn_event("Create", response_capture.url, {"Name": "x"})

    # When CloudFormation invokes it
    handler(event, lambda_context)

    # Then one SUCCESS response reaches the pre-signed URL, echoing the request's identifiers
    put = response_capture.puts[0]
    body = response_capture.only_response()
    assert put.path == "/cloudformation-response?signature=abc"
    assert put.headers.get("Content-Type", "") == ""
    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == "my-resource"
    assert body["Data"] == {"Answer": "42"}
    assert (body["StackId"], body["RequestId"], body["LogicalResourceId"]) == (
        event["StackId"],
        event["RequestId"],
        event["LogicalResourceId"],
    )


def test_failure_names_the_error_and_keeps_the_physical_id_when_the_handler_raises(
    response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    def broken(_: CustomResourceRequest) -> CustomResourceResult:
        raise RuntimeError("bucket console-123 is gone")

    event = cfn_event("Update", response_capture.url, {}, physical_resource_id="console:bucket")

    custom_resource(broken)(event, lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert body["Reason"] == "RuntimeError: bucket console-123 is gone"
    assert body["PhysicalResourceId"] == "console:bucket"


def test_failed_create_gets_a_physical_id_when_the_handler_never_produced_one(
    response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    def broken(_: CustomResourceRequest) -> CustomResourceResult:
        raise ValueError("nope")

    custom_resource(broken)(cfn_event("Create", response_capture.url, {}), lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == lambda_context.log_stream_name


def test_failure_is_sent_before_the_deadline_when_the_handler_is_still_running(
    response_capture: ResponseCapture,
) -> None:
    # Given a handler that blocks until released, and a function with less time left than the margin
    release = threading.Event()

    def stuck(_: CustomResourceRequest) -> CustomResourceResult:
        release.wait(timeout=30)
        return CustomResourceResult("late")

    context = FakeLambdaContext(remaining_millis=5_000)
    handler = custom_resource(stuck, deadline_margin_seconds=10.0)
    worker = threading.Thread(target=handler, args=(cfn_event("Create", response_capture.url, {}), context))

    # When it runs
    worker.start()
    delivered = response_capture.received.wait(timeout=30)
    release.set()
    worker.join(timeout=30)

    # Then CloudFormation hears FAILED (timeout) once, and the late success is not sent
    assert delivered
    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert "timed out" in body["Reason"]


def test_failure_names_the_field_when_the_event_has_an_unknown_request_type(
    response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    event = cfn_event("Create", response_capture.url, {})
    event["RequestType"] = "Rename"

    custom_resource(lambda _: CustomResourceResult())(event, lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert "RequestType" in body["Reason"]


def test_long_failure_reasons_are_cut_when_they_would_break_the_response_limit(
    response_capture: ResponseCapture, lambda_context: FakeLambdaContext
) -> None:
    def verbose(_: CustomResourceRequest) -> CustomResourceResult:
        raise RuntimeError("x" * 10_000)

    custom_resource(verbose)(cfn_event("Delete", response_capture.url, {}), lambda_context)

    body = response_capture.only_response()
    assert body["Status"] == "FAILED"
    assert len(body["Reason"]) <= 1000
