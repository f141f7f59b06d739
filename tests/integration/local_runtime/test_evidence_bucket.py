"""Local mode creates the evidence bucket from the template (versioned) and hands it to the API; a
pack is written once (the conditional put holds on moto's server) and its link downloads it."""

from __future__ import annotations

import hashlib
import urllib.request

import boto3
import pytest

from drs_orchestration.adapters.aws_clients import clear_client_cache, s3_client
from drs_orchestration.adapters.s3.s3_evidence_store import S3EvidenceStore
from tests.integration.local_runtime.local_aws import REGION, local_aws_on_server


def test_local_evidence_bucket_is_versioned_and_keeps_the_first_pack_written(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given local AWS built from the templates in a moto server
    local = local_aws_on_server(moto_server, monkeypatch)
    bucket = local.environment["EVIDENCE_BUCKET"]
    assert bucket == local.buckets["EvidenceBucket"]
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_server)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    clear_client_cache()
    store = S3EvidenceStore(s3_client(REGION, moto_server), bucket)
    first, second = b"<!DOCTYPE html><p>first</p>", b"<!DOCTYPE html><p>second</p>"
    key = "evidence/ex-1/final.html"

    # When two packs are written under one key
    written = store.put_new(key, first, sha256=hashlib.sha256(first).hexdigest(), content_type="text/html")
    refused = store.put_new(key, second, sha256=hashlib.sha256(second).hexdigest(), content_type="text/html")

    # Then the first stays, with its digest, and its link downloads it as an attachment
    assert written is not None
    assert written.version_id
    assert refused is None
    found = store.find(key)
    assert found is not None
    assert found.sha256 == hashlib.sha256(first).hexdigest()
    assert store.read(key) == first
    url = store.link(key, file_name="evidence-shop-ex-1.html", expires_in_seconds=300)
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local moto server
        assert response.read() == first
        assert response.headers["Content-Disposition"] == 'attachment; filename="evidence-shop-ex-1.html"'
    assert store.find("evidence/ex-1/before-cleanup.html") is None
    clear_client_cache()
