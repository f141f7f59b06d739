"""``drs-orch`` through its entry point (``main(argv)``, and once the installed script in a subprocess)
against the real API handler over HTTP: each command group, JSON and table output, the exit codes, and
``follow`` (the in-memory runner plays the engine while the CLI waits)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml  # type: ignore[import-untyped]
from rich.console import Console

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.cli.__main__ import main
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.models.execution import EventType, ExecutionEvent, ExecutionStatus
from tests.integration.api.cli_front import serve
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import REGION
from tests.integration.api.test_executions_and_plans import engine_launched, make_plan


class Run:
    """Runs ``drs-orch`` with ``argv``: its exit code and what it printed (parsed when it is JSON);
    ``err`` keeps what the last run printed to standard error."""

    def __init__(self, target: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        self.target, self.capsys, self.err = target, capsys, ""

    def __call__(self, *argv: str, **options: Any) -> tuple[int, Any]:
        code = main([*self.target, *argv], **options)
        captured = self.capsys.readouterr()
        self.err = captured.err
        out = captured.out
        return code, json.loads(out) if "json" in argv and out.strip() else out


@pytest.fixture
def cli(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setenv("DRS_TOKEN", "token-of-the-front")
    monkeypatch.setenv("DRS_LOCAL_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with serve(api) as target:
        yield target


@pytest.fixture
def run(cli: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(cli, capsys)


def _runner(product: Product) -> InMemoryExecutionRunner:
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    return runner


def test_groups_list_and_show_print_the_api_json_or_a_table(api: Api, run: Run) -> None:
    # Given a plan over one protection group
    make_plan(api)
    listed = api.get("/protection-groups").json

    # When the groups are listed as JSON, then as a table, and the group is shown by name
    code, as_json = run("--output", "json", "groups", "list")
    assert code == 0
    assert as_json == {"items": listed["items"]}
    code, table = run("groups")
    assert code == 0, run.err
    [row] = [line for line in table.splitlines() if "g-shop-dr" in line]
    assert listed["items"][0]["id"] in row
    code, shown = run("groups", "show", "g-shop-dr", "--output", "json")
    assert (code, shown) == (0, listed["items"][0])
    code, text = run("groups", "show", listed["items"][0]["id"])
    assert code == 0
    assert "tag selector" in text
    assert "servers" in text


def test_plans_list_show_create_and_diff(api: Api, run: Run, tmp_path: Path) -> None:
    plan = make_plan(api)

    # plans (no action) lists as a table with one row per plan
    code, table = run("plans")
    assert code == 0
    [row] = [line for line in table.splitlines() if plan["id"] in line]
    assert "shop-dr" in row
    # the historical --json prints the list of plans
    code, legacy = run("plans", "--json")
    assert [item["id"] for item in json.loads(legacy)] == [plan["id"]]

    # plans show by name prints the API's plan as it is
    code, shown = run("plans", "show", "shop-dr", "--output", "json")
    assert (code, shown) == (0, api.get(f"/recovery-plans/{plan['id']}").json)
    code, text = run("plans", "show", str(plan["id"]))
    assert code == 0
    assert "Web" in text
    assert "waves" in text

    # plans create -f FILE creates the plan of the file
    file = tmp_path / "copy.yaml"
    body = {k: plan[k] for k in ("rtoTargetMinutes", "waves")} | {"name": "copy"}
    file.write_text(yaml.safe_dump(body))
    code, created = run("--output", "json", "plans", "create", "-f", str(file))
    assert code == 0
    assert api.get(f"/recovery-plans/{created['id']}").json["name"] == "copy"

    # plans diff FILE prints what an import would change, and changes nothing
    exported = api.get(f"/recovery-plans/{plan['id']}/export").json | {"rtoTargetMinutes": 30}
    (tmp_path / "shop.json").write_text(json.dumps(exported))
    code, diff = run("plans", "diff", str(tmp_path / "shop.json"))
    assert code == 0
    assert diff.splitlines() == [
        f"UPDATE shop-dr ({plan['id']}, version 1) [dry run]",
        "  rtoTargetMinutes: 60 -> 30",
    ]
    assert api.get(f"/recovery-plans/{plan['id']}").json["version"] == 1


def test_a_plan_name_that_names_no_plan_exits_3(api: Api, run: Run) -> None:
    make_plan(api)
    code, _ = run("plans", "show", "nope")
    assert code == 3
    assert "no recovery plan named 'nope'" in run.err


def test_drill_follows_the_run_in_plain_lines_and_exits_0_when_it_succeeded(
    api: Api, product: Product, run: Run
) -> None:
    # Given a plan; the engine launches the server at the CLI's second wait
    make_plan(api, servers=["s-00000000000000001"])
    runner = _runner(product)
    waits: list[float] = []

    def engine_moves(seconds: float) -> None:
        waits.append(seconds)
        [call] = [call for call in runner.calls if call.operation == "start"]
        if len(waits) == 1:
            runner.advance(str(call.execution_id), ExecutionStatus.RUNNING, at=datetime.now(UTC))
        else:
            engine_launched(product, str(call.execution_id), "s-00000000000000001")

    # When a drill is started and followed (output is not a terminal)
    code, out = run("drill", "shop-dr", "--follow", "--interval", "7", sleep=engine_moves)

    # Then it printed a line per change, the report, and exits 0
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("started ex-")
    progress = [line.split(" ", 1)[1].split()[0] for line in lines[1:4]]
    assert progress == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert lines[3].endswith("web: PENDING 1/1 launched")
    assert any(line.startswith("RTO ") for line in lines)
    assert waits == [7.0, 7.0]


def test_follow_exits_1_when_the_run_failed_and_when_it_outlasts_the_timeout(
    api: Api, product: Product, run: Run
) -> None:
    plan = make_plan(api)
    code, started = run("--output", "json", "drill", str(plan["id"]), "--no-follow")
    assert code == 0
    execution_id = started["executionId"]
    ticks = iter(range(100))

    code, _ = run(
        "follow", execution_id, "--timeout", "5", sleep=lambda _: None, clock=lambda: next(ticks) * 2
    )
    assert code == 1

    _runner(product).advance(execution_id, ExecutionStatus.FAILED, at=datetime.now(UTC))
    code, report = run("--output", "json", "follow", execution_id)
    assert code == 1
    assert report["execution"]["status"] == "FAILED"


def test_follow_draws_a_live_view_on_a_terminal(api: Api, product: Product, cli: list[str]) -> None:
    # Given a finished drill
    plan = make_plan(api, servers=["s-00000000000000001"])
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    engine_launched(product, execution_id, "s-00000000000000001")
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=140, color_system=None)

    # When it is followed on a terminal
    assert main([*cli, "follow", execution_id], console=terminal) == 0

    # Then the live view shows the run, its waves with progress bars, the servers and the RTO target
    drawn = screen.getvalue()
    assert execution_id in drawn
    assert "RTO target" in drawn
    assert "s-00000000000000001" in drawn
    assert "1/1" in drawn
    assert "━" in drawn  # a progress bar


def test_follow_names_the_wave_waiting_for_approval_and_approve_lets_it_go(
    api: Api, product: Product, run: Run
) -> None:
    # Given a drill waiting for the approval of its wave, as the engine records it
    make_plan(api)
    execution_id = run("--output", "json", "drill", "shop-dr", "--no-follow")[1]["executionId"]
    now = datetime.now(UTC)
    _runner(product).advance(execution_id, ExecutionStatus.WAITING_APPROVAL, at=now)
    api_parts(product).services.executions.append_event(
        ExecutionEvent(
            execution_id=execution_id,
            event_id=f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-approval",
            at=now,
            type=EventType.APPROVAL_REQUESTED,
            message="wave web waits for approval",
            wave_id="web",
        )
    )

    # When it is followed (the engine ends the run at the first wait)
    def engine_ends(_: float) -> None:
        _runner(product).advance(execution_id, ExecutionStatus.CANCELLED, at=datetime.now(UTC))

    code, out = run("follow", execution_id, sleep=engine_ends)

    # Then the first line names the waiting wave, and the run's end is exit 1
    assert code == 1
    assert out.splitlines()[0].endswith("web: PENDING | awaiting approval: web")


def test_approve_is_accepted_while_the_run_waits_and_refused_with_3_otherwise(
    api: Api, product: Product, run: Run
) -> None:
    make_plan(api)
    execution_id = run("--output", "json", "drill", "shop-dr", "--no-follow")[1]["executionId"]
    assert run("approve", execution_id, "web")[0] == 3
    assert "not waiting for an approval" in run.err

    _runner(product).advance(execution_id, ExecutionStatus.WAITING_APPROVAL, at=datetime.now(UTC))
    code, accepted = run("approve", execution_id, "web", "--output", "json")

    assert code == 0
    assert (accepted["request"], accepted["waveId"]) == ("APPROVE", "web")
    events = [event["type"] for event in api.get(f"/executions/{execution_id}/events").json["items"]]
    assert events[-1] == "APPROVAL_GRANTED"


def test_steering_commands_post_the_request_and_map_refusals_to_exit_3(api: Api, run: Run) -> None:
    plan = make_plan(api)
    execution_id = run("--output", "json", "drill", str(plan["id"]), "--no-follow")[1]["executionId"]

    code, paused = run("--output", "json", "pause", execution_id)
    assert code == 0
    assert (paused["request"], paused["executionId"]) == ("PAUSE", execution_id)
    code, table = run("cancel", execution_id)
    assert code == 0
    assert "CANCEL" in table
    code, _ = run("retry", execution_id, "web")
    assert code == 3
    assert "HTTP 409" in run.err
    events = [event["type"] for event in api.get(f"/executions/{execution_id}/events").json["items"]]
    assert events == ["EXECUTION_CREATED", "PAUSE_REQUESTED", "CANCEL_REQUESTED"]


def test_report_prints_the_finished_drill_as_json_or_csv(api: Api, product: Product, run: Run) -> None:
    plan = make_plan(api, servers=["s-00000000000000001"])
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    engine_launched(product, execution_id, "s-00000000000000001")

    code, report = run("report", execution_id, "--output", "json")
    assert code == 0
    assert [row["sourceServerId"] for row in report["servers"]] == ["s-00000000000000001"]
    code, csv = run("report", execution_id, "--format", "csv")
    assert code == 0
    assert "s-00000000000000001" in csv.splitlines()[1]


def test_evidence_saves_the_pack_checked_against_its_digest(
    product: Product, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a deployment with an evidence bucket and a finished drill
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="test-evidence")
    monkeypatch.setenv("EVIDENCE_BUCKET", "test-evidence")
    monkeypatch.setenv("DRS_TOKEN", "t")
    with_bucket = Product(Settings(), SystemClock(), runner=InMemoryExecutionRunner)
    api = Api(with_bucket.handler(API_HANDLER))
    plan = make_plan(api, servers=["s-00000000000000001"])
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    engine_launched(with_bucket, execution_id, "s-00000000000000001")

    # When the CLI saves its evidence pack
    with serve(api) as target:
        code = main(
            [*target, "--output", "json", "evidence", execution_id, "--file", str(tmp_path / "p.html")]
        )

    # Then the file is the pack, its digest is the API's and the audit trail's
    assert code == 0, capsys.readouterr().err
    saved = json.loads(capsys.readouterr().out)
    pack = (tmp_path / "p.html").read_bytes()
    assert saved["sha256"] == hashlib.sha256(pack).hexdigest()
    assert saved["verified"] is True
    assert b"<html" in pack.lower()
    audit = api.get("/audit", query={"resourceId": execution_id}).json["items"]
    assert saved["sha256"] in json.dumps(audit)


def test_exit_codes_for_usage_an_api_failure_an_unreachable_api_and_auth(
    api: Api,
    product: Product,
    cli: list[str],
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_plan(api, servers=["s-00000000000000001"])
    # 2: the plan's name not repeated for a recovery, and bad arguments
    assert run("recovery", "shop-dr", "--confirm", "shop", "--no-follow")[0] == 2
    with pytest.raises(SystemExit) as usage:
        main([*cli, "plans", "list", "--output", "yaml"])
    assert usage.value.code == 2
    # 4: the API fails (this deployment keeps no evidence: 503), or nothing listens at its address
    execution_id = run("--output", "json", "drill", "shop-dr", "--no-follow")[1]["executionId"]
    engine_launched(product, execution_id, "s-00000000000000001")
    assert run("evidence", execution_id)[0] == 4
    assert "HTTP 503" in run.err
    assert main(["--api-url", "http://127.0.0.1:9", *cli[2:], "plans"]) == 4
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err
    # 5: no token and no credentials to sign in with
    monkeypatch.delenv("DRS_TOKEN")
    assert run("plans")[0] == 5
    assert "give --username and --password" in run.err


def test_the_installed_entry_point_prints_json_and_follows_in_plain_lines_when_piped(
    api: Api, product: Product, cli: list[str]
) -> None:
    # Given a finished drill
    plan = make_plan(api, servers=["s-00000000000000001"])
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    engine_launched(product, execution_id, "s-00000000000000001")
    script = Path(sys.executable).parent / "drs-orch"
    environment = {**os.environ, "DRS_TOKEN": "t"}

    # When the installed drs-orch lists the plans as JSON and follows the run into a pipe
    listed = subprocess.run(
        [script, *cli, "--output", "json", "plans", "list"], capture_output=True, text=True, env=environment
    )
    followed = subprocess.run(
        [script, *cli, "follow", execution_id], capture_output=True, text=True, env=environment
    )

    # Then the JSON is the API's, and follow printed plain lines (no terminal), the report, and exit 0
    assert listed.returncode == 0, listed.stderr
    assert [item["id"] for item in json.loads(listed.stdout)["items"]] == [plan["id"]]
    assert followed.returncode == 0, followed.stderr
    first = followed.stdout.splitlines()[0]
    assert "SUCCEEDED" in first
    assert first.endswith("web: PENDING 1/1 launched")
    assert "\x1b[" not in followed.stdout
