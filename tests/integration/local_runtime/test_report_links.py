"""Local mode creates the reports bucket from the template, and moto in server mode serves the API's
presigned links to it as S3 does: to a plain GET with no credentials, as an attachment."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from drs_orchestration.adapters.aws_clients import clear_client_cache, s3_client
from drs_orchestration.adapters.s3.s3_report_store import S3ReportStore
from tests.integration.local_runtime.local_aws import REGION, local_aws_on_server


def test_local_mode_serves_a_presigned_report_link_when_moto_runs_as_a_server(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given local AWS built from the templates in a moto server, and the API's S3 client for it
    local = local_aws_on_server(moto_server, monkeypatch)
    bucket = local.environment["REPORTS_BUCKET"]
    assert bucket == local.buckets["ReportsBucket"]
    clear_client_cache()
    store = S3ReportStore(s3_client(REGION, moto_server), bucket)

    # When a report is published
    body = b'sourceServerId,healthEvidence\ns-1,"{""output"": ""ok""}"\n'
    url = store.publish(
        "reports/ex-1/a.csv",
        body,
        content_type="text/csv; charset=utf-8",
        file_name="shop-ex-1.csv",
        expires_in_seconds=300,
    )

    # Then its link, on the local endpoint, downloads it without credentials
    assert url.startswith(f"{moto_server}/{bucket}/reports/ex-1/a.csv?")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local moto server
        assert response.read() == body
        assert response.headers["Content-Disposition"] == 'attachment; filename="shop-ex-1.csv"'
        assert response.headers["Content-Type"].startswith("text/csv")
    # and the object is not readable without the link's signature
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.split("?")[0], timeout=10)  # noqa: S310 - the local moto server
    assert refused.value.code == 403
    clear_client_cache()
