"""The report of a run of thousands of servers: JSON pages under Lambda's 6 MB response, and a CSV of
every server through the reports bucket (moto S3), while small runs keep the direct answer."""

from __future__ import annotations

import csv
import io

import boto3
import pytest
import requests

from drs_orchestration.composition.product import Product
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import REGION, server_id
from tests.integration.api.large_runs import Measured, product_with_bucket, succeeded_drill

LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024
BUCKET = "test-reports"
SERVERS = 3000


@pytest.fixture
def reports_product(product: Product, monkeypatch: pytest.MonkeyPatch) -> Product:
    """The product with a reports bucket (moto S3), as the template configures the API."""
    return product_with_bucket(monkeypatch, "REPORTS_BUCKET", BUCKET)


def _csv_ids(text: str) -> list[str]:
    return [row["sourceServerId"] for row in csv.DictReader(io.StringIO(text))]


def test_report_of_3000_servers_is_complete_across_pages_and_csv_when_outputs_are_long(
    reports_product: Product,
) -> None:
    measured = Measured(reports_product.handler(API_HANDLER))
    api = Api(measured)
    execution_id = succeeded_drill(api, reports_product, SERVERS)
    expected = [server_id(n) for n in range(SERVERS)]

    # When the JSON report is read page after page, as many rows a page as the API allows
    rows: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        query = {"limit": "1000", **({"nextToken": token} if token else {})}
        page = api.get(f"/executions/{execution_id}/report", query=query, as_="Viewer")
        assert page.status == 200, page.text
        pages += 1
        rows += [row["sourceServerId"] for row in page.json["servers"]]
        assert page.json["execution"]["status"] == "SUCCEEDED"
        token = page.json.get("nextToken")
        if token is None:
            break

    # Then every server comes once, in order, over several pages each far under Lambda's 6 MB
    assert rows == expected
    assert pages > 3
    assert max(measured.sizes) < LAMBDA_RESPONSE_BYTES * 3 // 4, measured.sizes

    # When the CSV is asked for as before (Accept: text/csv)
    measured.sizes.clear()
    as_csv = api.get(f"/executions/{execution_id}/report", headers={"Accept": "text/csv"}, as_="Viewer")

    # Then it is too large to answer inline: 303 to a presigned link, which serves every row
    assert as_csv.status == 303, as_csv.text[:500]
    link = as_csv.headers["location"]
    assert as_csv.json["url"] == link
    assert as_csv.json["rows"] == SERVERS
    assert max(measured.sizes) < 10_000
    download = requests.get(link, timeout=60)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f'attachment; filename="big-dr-{execution_id}.csv"'
    assert _csv_ids(download.text) == expected

    # And the console's path answers the same kind of link as JSON
    exported = api.get(f"/executions/{execution_id}/report", query={"export": "csv"}, as_="Viewer")
    assert exported.status == 200
    assert exported.json["rows"] == SERVERS
    assert _csv_ids(requests.get(exported.json["url"], timeout=60).text) == expected
    assert "X-Amz-Signature" in exported.json["url"]
    assert "X-Amz-Expires=300" in exported.json["url"]


def test_small_report_is_answered_directly_as_json_and_csv(reports_product: Product) -> None:
    api = Api(reports_product.handler(API_HANDLER))
    execution_id = succeeded_drill(api, reports_product, 3)

    page = api.get(f"/executions/{execution_id}/report", as_="Viewer")
    assert page.status == 200
    assert "nextToken" not in page.json
    assert [row["sourceServerId"] for row in page.json["servers"]] == [server_id(n) for n in range(3)]

    as_csv = api.get(f"/executions/{execution_id}/report", headers={"Accept": "text/csv"}, as_="Viewer")
    assert as_csv.status == 200
    assert as_csv.headers["content-type"] == "text/csv"
    assert _csv_ids(as_csv.text) == [server_id(n) for n in range(3)]
    stored = boto3.client("s3", region_name=REGION).list_objects_v2(
        Bucket=BUCKET, Prefix=f"reports/{execution_id}/"
    )
    assert stored["KeyCount"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"nextToken": "garbage"}, "nextToken"),
        (
            {"nextToken": "eyJ3YXZlSWQiOnsiUyI6Im5vbmUifSwic291cmNlU2VydmVySWQiOnsiUyI6InMtMSJ9fQ"},
            "nextToken",
        ),
        ({"export": "xlsx"}, "export"),
    ],
)
def test_bad_paging_input_is_400_naming_the_field(
    reports_product: Product, query: dict[str, str], field: str
) -> None:
    api = Api(reports_product.handler(API_HANDLER))
    execution_id = succeeded_drill(api, reports_product, 1)

    response = api.get(f"/executions/{execution_id}/report", query=query, as_="Viewer")

    assert response.status == 400, response.text
    assert response.field_names == [field]
