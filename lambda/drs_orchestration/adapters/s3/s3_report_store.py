"""The reports bucket: a file is written once and downloaded through a presigned GET link."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3ReportStore"]


class S3ReportStore:
    """``ReportStore`` over one bucket (encrypted at rest by the bucket, expired by its lifecycle rule)."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def publish(
        self, key: str, body: bytes, *, content_type: str, file_name: str, expires_in_seconds: int
    ) -> str:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentDisposition=f'attachment; filename="{file_name}"',
        )
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=expires_in_seconds,
            HttpMethod="GET",
        )
