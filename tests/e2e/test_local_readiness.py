"""``./deploy.sh --local`` end to end: a source server that appears in DRS shows as UNPROTECTED_SERVER in
``GET /readiness`` after an on-demand scan, run by the scan function local mode built from the template."""

from __future__ import annotations

import json
import urllib.request

from drs_simulator.config import DEFAULT_ACCOUNT
from tests.e2e.local_mode import LocalMode, http, readiness_scan

NEW_SERVER = "s-7e570000000000a11"


def _add_server(drs: str, region: str) -> None:
    body = {
        "servers": [
            {
                "hostname": "appeared",
                "source_server_id": NEW_SERVER,
                "account_id": DEFAULT_ACCOUNT,
                "region": region,
            }
        ]
    }
    request = urllib.request.Request(  # noqa: S310 - the local simulator's own endpoint
        f"{drs}/_sim/fixtures",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200


def test_new_source_server_shows_unprotected_in_readiness_after_a_scan_when_run_locally(
    local_mode: LocalMode,
) -> None:
    endpoints = local_mode.endpoints
    config = http("GET", f"{endpoints['console']}/config.json").body
    api = config["apiUrl"]
    operator, viewer = (local_mode.sign_in(group, config) for group in ("Operator", "Viewer"))

    # Given the seeded demo fleet has been scanned
    before = readiness_scan(api, operator, viewer)
    assert NEW_SERVER not in {finding["resourceId"] for finding in before["findings"]}

    # When a new source server appears in DRS and the readiness is scanned again
    _add_server(endpoints["drs"], config["region"])
    after = readiness_scan(api, operator, viewer)

    # Then it is an unprotected server, and the score counts it (the rest of the fleet may have moved on)
    (finding,) = [f for f in after["findings"] if f["resourceId"] == NEW_SERVER]
    assert (finding["code"], finding["severity"]) == ("UNPROTECTED_SERVER", "MEDIUM")
    weights = {"HIGH": 15, "MEDIUM": 5, "LOW": 1}
    assert after["score"] == max(0, 100 - sum(weights[f["severity"]] for f in after["findings"]))
    assert after["history"][-1] == {"date": after["checkedAt"][:10], "score": after["score"]}
