"""``drs-orch readiness`` and ``drs-orch readiness scan`` through the entry point, against the real API
and scan function (as deployed, over moto and the DRS simulator)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drs_orchestration.cli.__main__ import main
from drs_orchestration.composition.product import Product
from tests.integration.api.cli_front import serve
from tests.integration.api.client import Api
from tests.integration.api.test_readiness import Scan, deployed, drs  # noqa: F401 - fixtures used here


def test_readiness_prints_the_score_and_findings_and_scan_asks_for_a_fresh_one(
    deployed: tuple[Api, Scan, Product],  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    api, scan, _ = deployed
    monkeypatch.setenv("DRS_TOKEN", "t")
    monkeypatch.setenv("DRS_LOCAL_DIR", str(tmp_path))
    with serve(api) as target:
        # Before any scan: no score yet
        assert main([*target, "readiness"]) == 0
        assert capsys.readouterr().out.splitlines()[0] == "readiness not computed yet, checked -"

        # When a scan is asked for, it is accepted
        assert main([*target, "--output", "json", "readiness", "scan"]) == 0
        assert set(json.loads(capsys.readouterr().out)) == {"requestedAt", "requestedBy"}
        scan.wait()

        # Then readiness shows the score and a row per finding (no group yet: three unprotected servers)
        assert main([*target, "readiness"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("readiness 85/100, checked ")
        assert len([line for line in lines if "UNPROTECTED_SERVER" in line]) == 3
        # and as JSON it is the API's answer as it is
        assert main([*target, "readiness", "show", "--output", "json"]) == 0
        assert json.loads(capsys.readouterr().out) == api.get("/readiness").json
