"""The evidence pack of a 4,000-server run (the most a plan holds), each server with long health-gate
outputs: answered through a link, since it passes what a response may carry, in a response far under
Lambda's 6 MB; the link serves the pack whose digest the header and the audit trail name.

Time is not asserted here: reading the run's 4,000 server items (about 16 MB) takes moto's DynamoDB
most of 20 s on a shared test machine, where DynamoDB returns them in a few 1 MB pages; the renderer,
what the product adds to those reads, is timed in the unit tests."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import requests

from drs_orchestration.composition.product import Product
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import server_id
from tests.integration.api.large_runs import Measured, product_with_bucket, succeeded_drill

BUCKET = "test-evidence-scale"
SERVERS = 4000


@pytest.fixture
def evidence_product(product: Product, monkeypatch: pytest.MonkeyPatch) -> Product:
    return product_with_bucket(monkeypatch, "EVIDENCE_BUCKET", BUCKET)


def test_pack_of_4000_servers_with_long_outputs_is_answered_through_a_link_to_the_whole_pack(
    evidence_product: Product,
) -> None:
    measured = Measured(evidence_product.handler(API_HANDLER))
    api = Api(measured)
    execution_id = succeeded_drill(
        api, evidence_product, SERVERS, launched_before=timedelta(minutes=5), with_jobs=True
    )
    measured.sizes.clear()

    answer = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    assert answer.status == 303, answer.text[:300]
    assert measured.sizes[-1] < 10_000
    digest = answer.headers["x-content-sha256"]
    assert answer.json["sha256"] == digest
    assert answer.headers["location"] == answer.json["url"]
    download = requests.get(answer.json["url"], timeout=60)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == digest
    html = download.text
    assert html.count("drsjob-") >= SERVERS
    assert server_id(SERVERS - 1) in html
    audit = api.get("/audit", query={"limit": "100"}, as_="Viewer").json["items"]
    assert [r["details"]["sha256"] for r in audit if r["action"] == "ProduceEvidencePack"] == [digest]
