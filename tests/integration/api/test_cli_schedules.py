"""``drs-orch schedules ...`` through the entry point, against the real API handler and moto's
EventBridge Scheduler (as the schedules' own API tests set them up)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drs_orchestration.cli.__main__ import main
from tests.integration.api.cli_front import serve
from tests.integration.api.test_schedules import GROUP, Fixture, env, make_plan  # noqa: F401 - env: a fixture


def test_schedules_create_list_update_and_delete_a_plans_drills_by_its_name(
    env: Fixture,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DRS_TOKEN", "t")
    monkeypatch.setenv("DRS_LOCAL_DIR", str(tmp_path))
    plan_id = make_plan(env.api)
    cron = ["--expression", "cron(0 3 ? * SAT#1 *)", "--timezone", "Europe/Berlin"]
    with serve(env.api) as target:
        # create: the API's schedule, by the plan's name
        assert main([*target, "--output", "json", "schedules", "create", "shop", *cron]) == 0
        created = json.loads(capsys.readouterr().out)
        assert (created["planId"], created["mode"], created["enabled"]) == (plan_id, "DRILL", True)
        schedule_id = created["id"]

        # list: one row naming its expression and next run
        assert main([*target, "schedules", "list", "shop"]) == 0
        [row] = [line for line in capsys.readouterr().out.splitlines() if schedule_id in line]
        assert "cron(0 3 ? * SAT#1 *)" in row
        assert created["nextRunAt"] in row

        # update: only what is given changes, under the version read; Scheduler's copy follows
        assert (
            main([*target, "--output", "json", "schedules", "update", "shop", schedule_id, "--disable"]) == 0
        )
        updated = json.loads(capsys.readouterr().out)
        assert (updated["enabled"], updated["version"], updated["expression"]) == (
            False,
            2,
            "cron(0 3 ? * SAT#1 *)",
        )
        assert env.scheduler.get_schedule(Name=schedule_id, GroupName=GROUP)["State"] == "DISABLED"

        # a rate below an hour is refused by the API: exit 3, naming why
        assert main([*target, "schedules", "create", plan_id, "--expression", "rate(5 minutes)"]) == 3
        assert "HTTP 400" in capsys.readouterr().err

        # delete: gone from the list
        assert main([*target, "schedules", "delete", "shop", schedule_id]) == 0
        capsys.readouterr()
        assert main([*target, "schedules", "list", "shop"]) == 0
        assert capsys.readouterr().out == "no items\n"
