"""Custom resource that empties S3 buckets when it is deleted, so the stack can delete them.

Property ``Buckets``: the bucket names. Create and Update do nothing; Delete removes every
object version and delete marker. A bucket that is already gone counts as empty.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

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
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

BOTO_CONFIG = Config(retries={"mode": "standard"})
# DeleteObjects takes at most 1000 keys; one listing page fills one call.
PAGE_SIZE = 1000


def bucket_names(properties: Any) -> list[str]:
    names = properties.get("Buckets")
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise InvalidProperties("Buckets: required list of bucket names")
    return list(names)


def empty_bucket(s3: S3Client, bucket: str) -> int:
    """Delete every version and delete marker in ``bucket``; return how many were deleted.

    Lists the first page again after each deletion instead of paginating, since deleting
    moves the ground under a version marker.
    """
    deleted = 0
    while True:
        try:
            page = s3.list_object_versions(Bucket=bucket, MaxKeys=PAGE_SIZE)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
                return deleted
            raise
        entries = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        identifiers: list[ObjectIdentifierTypeDef] = [
            {"Key": entry["Key"], "VersionId": entry["VersionId"]}
            if entry.get("VersionId")
            else {"Key": entry["Key"]}
            for entry in entries
            if "Key" in entry
        ]
        if not identifiers:
            return deleted
        response = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": identifiers[:PAGE_SIZE], "Quiet": True}
        )
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise RuntimeError(
                f"could not delete {len(errors)} objects from {bucket}: "
                f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}"
            )
        deleted += len(identifiers[:PAGE_SIZE])


def empty_buckets(product: Product, request: CustomResourceRequest) -> CustomResourceResult:
    names = bucket_names(request.resource_properties)
    physical_id = request.physical_resource_id or f"empty-on-delete:{request.logical_resource_id}"
    if request.request_type != "Delete":
        return CustomResourceResult(physical_resource_id=physical_id)
    s3 = boto3.client("s3", region_name=product.settings.aws_region, config=BOTO_CONFIG)
    deleted = sum(empty_bucket(s3, name) for name in names)
    return CustomResourceResult(physical_resource_id=physical_id, data={"DeletedObjects": str(deleted)})


@custom_resource_function("bucket_emptier")
def handle(product: Product, event: dict[str, Any], context: LambdaContext) -> None:
    custom_resource(partial(empty_buckets, product))(event, context)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    handle(default_product(), event, context)
