"""``drs-orch export`` and ``drs-orch import`` through the CLI's entry point, against the real API handler
behind an HTTP front (signed in as an Admin)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from drs_orchestration.cli.__main__ import main
from tests.integration.api.cli_front import serve
from tests.integration.api.client import Api
from tests.integration.api.test_plan_files import shop_plan


@pytest.fixture
def cli(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The target options of a CLI talking to ``api`` over HTTP."""
    monkeypatch.setenv("DRS_TOKEN", "token-of-the-front")
    monkeypatch.setenv("DRS_LOCAL_DIR", str(tmp_path))
    with serve(api) as target:
        yield target


def test_export_prints_the_plan_as_yaml_by_name(
    cli: list[str], api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = shop_plan(api)

    code = main([*cli, "export", "shop-dr"])

    assert code == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed == api.get(f"/recovery-plans/{plan['id']}/export").json


def test_export_prints_json_when_asked(cli: list[str], api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    plan = shop_plan(api)

    assert main([*cli, "export", plan["id"], "--format", "json"]) == 0
    assert capsys.readouterr().out.lstrip().startswith('{\n  "formatVersion": 1')


def test_import_dry_run_prints_the_changes_and_import_applies_them(
    cli: list[str], api: Api, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = shop_plan(api)
    assert main([*cli, "export", "shop-dr"]) == 0
    document = yaml.safe_load(capsys.readouterr().out)
    document["rtoTargetMinutes"] = 45
    file = tmp_path / "shop-dr.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False))

    assert main([*cli, "import", str(file), "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"UPDATE shop-dr ({plan['id']}, version 1) [dry run]",
        "  rtoTargetMinutes: 90 -> 45",
    ]
    assert api.get(f"/recovery-plans/{plan['id']}").json["version"] == 1

    assert main([*cli, "import", str(file)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"UPDATE shop-dr ({plan['id']}, version 1) [applied]"
    stored = api.get(f"/recovery-plans/{plan['id']}").json
    assert (stored["version"], stored["rtoTargetMinutes"]) == (2, 45)


def test_import_of_a_new_name_creates_the_plan(
    cli: list[str], api: Api, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = shop_plan(api)
    document = api.get(f"/recovery-plans/{plan['id']}/export").json | {"name": "copy"}
    file = tmp_path / "copy.json"
    file.write_text(json.dumps(document))

    assert main([*cli, "import", str(file)]) == 0

    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("CREATE copy (rp-")
    assert line.endswith(") [applied]")
    assert sorted(p["name"] for p in api.get("/recovery-plans").json["items"]) == ["copy", "shop-dr"]


def test_import_exits_3_naming_the_problem_when_the_api_refuses_it_and_2_for_a_missing_file(
    cli: list[str], api: Api, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shop_plan(api)
    file = tmp_path / "bad.yaml"
    document = {"formatVersion": 1, "name": "x", "rtoTargetMinutes": 5}
    file.write_text(
        yaml.safe_dump(document | {"waves": [{"id": "a", "name": "A", "protectionGroups": ["nope"]}]})
    )

    assert main([*cli, "import", str(file), "--dry-run"]) == 3
    assert "waves[0].protectionGroups[0]: unknown protection group 'nope'" in capsys.readouterr().err
    assert main([*cli, "import", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
