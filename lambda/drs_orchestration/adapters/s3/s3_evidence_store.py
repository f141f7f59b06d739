"""The evidence bucket: each pack is written once (a conditional put) and read or linked later."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from drs_orchestration.domain.evidence.store import StoredPack

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3EvidenceStore"]

_DIGEST = "sha256"
_ABSENT = {"404", "NoSuchKey", "NotFound"}
_TAKEN = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}


class S3EvidenceStore:
    """``EvidenceStore`` over one bucket (versioned and encrypted by the bucket; its Object Lock
    default retention, when set, applies to every pack written)."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def find(self, key: str) -> StoredPack | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _ABSENT:
                return None
            raise
        return StoredPack(
            key=key,
            sha256=head.get("Metadata", {}).get(_DIGEST, ""),
            size_bytes=head["ContentLength"],
            version_id=head.get("VersionId"),
        )

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def put_new(self, key: str, body: bytes, *, sha256: str, content_type: str) -> StoredPack | None:
        try:
            written = self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata={_DIGEST: sha256},
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
                IfNoneMatch="*",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _TAKEN:
                return None
            raise
        return StoredPack(key=key, sha256=sha256, size_bytes=len(body), version_id=written.get("VersionId"))

    def link(self, key: str, *, file_name: str, expires_in_seconds: int) -> str:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{file_name}"',
            },
            ExpiresIn=expires_in_seconds,
            HttpMethod="GET",
        )
