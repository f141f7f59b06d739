"""Every template is cfn-lint clean, and checkov clean with each skipped check justified in place."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cfnlint.api import lint_file

from tests.infra.templates import CFN, ROOT, TEMPLATES, load

CHECKOV = ROOT / ".venv-tools" / "bin" / "checkov"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_template_has_no_cfn_lint_findings_when_linted(template: Path) -> None:
    matches = lint_file(template)

    assert [str(match) for match in matches] == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_every_checkov_skip_says_why_when_a_check_is_skipped(template: Path) -> None:
    for logical_id, resource in load(template).get("Resources", {}).items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert str(skip.get("comment", "")).strip(), (
                f"{logical_id}: {skip['id']} skipped without a reason"
            )


@pytest.mark.skipif(
    not CHECKOV.exists(),
    reason="checkov is not installed: create .venv-tools from tests/infra/requirements-checkov.txt",
)
def test_templates_pass_every_checkov_check_when_scanned() -> None:
    result = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(CFN),
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
        for entry in reports
        for check in entry["results"]["failed_checks"]
    ]
    passed = sum(entry["summary"]["passed"] for entry in reports)

    assert failed == []
    assert passed > 50, "checkov scanned too little: did it find the templates?"
