"""Custom resource that publishes the built console and writes its ``/config.json``.

Properties: ``ConsoleBucket`` (target), ``SourceBucket`` + ``SourcePrefix`` (the built console
uploaded by deploy.sh; it replaces what was published before. An empty prefix only rewrites
``config.json`` and leaves the published console as it is), ``Region``,
``UserPoolId``, ``UserPoolClientId``, ``ApiUrl`` and optionally ``DistributionId`` (its cache
is invalidated after an update). Deleting the resource leaves the objects to the bucket emptier.
"""

from __future__ import annotations

import json
import mimetypes
from functools import partial
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from drs_orchestration.composition.product import Product, default_product
from drs_orchestration.handlers.custom_resources.cfn_response import (
    CustomResourceRequest,
    CustomResourceResult,
    InvalidProperties,
    LambdaContext,
    custom_resource,
)
from drs_orchestration.handlers.observability import custom_resource_function

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CONFIG_KEY = "config.json"
BOTO_CONFIG = Config(retries={"mode": "standard"})
# Hashed asset names never change content; everything else must be revalidated.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
REVALIDATE_CACHE = "no-cache"


def _cache_control(key: str) -> str:
    return IMMUTABLE_CACHE if key.startswith("assets/") else REVALIDATE_CACHE


def _content_type(key: str) -> str:
    guessed, _ = mimetypes.guess_type(key)
    return guessed or "application/octet-stream"


def _list_keys(s3: S3Client, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(item["Key"] for item in page.get("Contents", []) if "Key" in item)
    return keys


def console_config(request: CustomResourceRequest) -> dict[str, str]:
    """The document the console reads at start-up to find its region, user pool and API."""
    return {
        "region": request.required_str("Region"),
        "userPoolId": request.required_str("UserPoolId"),
        "userPoolClientId": request.required_str("UserPoolClientId"),
        "apiUrl": request.required_str("ApiUrl"),
    }


def publish_console(product: Product, request: CustomResourceRequest) -> CustomResourceResult:
    console_bucket = request.required_str("ConsoleBucket")
    config = console_config(request)
    source_prefix = request.optional_str("SourcePrefix").strip("/")
    distribution_id = request.optional_str("DistributionId")
    s3 = boto3.client("s3", region_name=product.settings.aws_region, config=BOTO_CONFIG)

    published: set[str] = set()
    if source_prefix:
        source_bucket = request.required_str("SourceBucket")
        source_keys = _list_keys(s3, source_bucket, f"{source_prefix}/")
        if not source_keys:
            raise InvalidProperties(f"SourcePrefix: nothing under s3://{source_bucket}/{source_prefix}/")
        for source_key in source_keys:
            key = source_key[len(source_prefix) + 1 :]
            if not key or key == CONFIG_KEY:
                continue
            s3.copy_object(
                Bucket=console_bucket,
                Key=key,
                CopySource={"Bucket": source_bucket, "Key": source_key},
                MetadataDirective="REPLACE",
                ContentType=_content_type(key),
                CacheControl=_cache_control(key),
            )
            published.add(key)

    s3.put_object(
        Bucket=console_bucket,
        Key=CONFIG_KEY,
        Body=json.dumps(config, indent=2).encode(),
        ContentType="application/json",
        CacheControl=REVALIDATE_CACHE,
    )
    # Without a new build the published console stays: only its configuration changes.
    stale = (
        []
        if not source_prefix
        else [key for key in _list_keys(s3, console_bucket, "") if key not in published and key != CONFIG_KEY]
    )
    for start in range(0, len(stale), 1000):
        s3.delete_objects(
            Bucket=console_bucket,
            Delete={"Objects": [{"Key": key} for key in stale[start : start + 1000]], "Quiet": True},
        )

    if distribution_id and request.request_type == "Update":
        cloudfront = boto3.client("cloudfront", region_name=product.settings.aws_region, config=BOTO_CONFIG)
        cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": request.request_id,
            },
        )
    return CustomResourceResult(
        physical_resource_id=f"console:{console_bucket}",
        data={"ObjectCount": str(len(published) + 1), "ConfigKey": CONFIG_KEY},
    )


def deploy_console(product: Product, request: CustomResourceRequest) -> CustomResourceResult:
    if request.request_type == "Delete":
        return CustomResourceResult()
    return publish_console(product, request)


@custom_resource_function("console_deployer")
def handle(product: Product, event: dict[str, Any], context: LambdaContext) -> None:
    custom_resource(partial(deploy_console, product))(event, context)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    handle(default_product(), event, context)
