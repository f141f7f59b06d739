"""One version, in one place (pyproject.toml): /me, the CLI's entry point and the console show it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from drs_orchestration.version import product_version
from tests.integration.api.client import Api

ROOT = Path(__file__).resolve().parents[3]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def run_entry_point(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``[project.scripts] name`` as its installed wrapper does: import the target, exit with it."""
    module, function = PROJECT["scripts"][name].split(":")
    wrapper = f"import sys; from {module} import {function}; sys.exit({function}())"
    pythonpath = os.pathsep.join([str(ROOT / "lambda"), str(ROOT / "local")])
    return subprocess.run(
        [sys.executable, "-c", wrapper, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": pythonpath},
        cwd=ROOT / "frontend",
    )


def test_the_version_is_the_one_of_pyproject() -> None:
    assert product_version() == PROJECT["version"]


def test_me_answers_the_version_to_every_role(api: Api) -> None:
    for role in ("Viewer", "Operator", "Admin"):
        answer = api.get("/me", as_=role)

        assert answer.status == 200
        assert answer.json["version"] == PROJECT["version"]


def test_drs_orch_version_prints_it_through_the_entry_point() -> None:
    result = run_entry_point("drs-orch", "--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"drs-orch {PROJECT['version']}"


def test_the_console_carries_no_version_of_its_own() -> None:
    """Its footer shows what /me answers (``frontend/src/common/version-footer.test.tsx``)."""
    package = json.loads((ROOT / "frontend" / "package.json").read_text())
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text())

    assert "version" not in package
    assert "version" not in lock
    assert "version" not in lock["packages"][""]


def test_a_deployed_function_package_reads_the_version_it_ships_with(tmp_path: Path) -> None:
    """deploy.sh puts pyproject.toml at the package's root, one folder above drs_orchestration/."""
    package = tmp_path / "package"
    (package / "drs_orchestration").mkdir(parents=True)
    (package / "drs_orchestration" / "version.py").write_text(
        (ROOT / "lambda" / "drs_orchestration" / "version.py").read_text()
    )
    shipped = (ROOT / "pyproject.toml").read_text().replace(f'"{PROJECT["version"]}"', '"9.9.9-shipped"', 1)
    (package / "pyproject.toml").write_text(shipped)

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from drs_orchestration.version import product_version; print(product_version())",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(package)},
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "9.9.9-shipped"
