"""Plans, validate and executions through the real handler with the DRS simulator."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.stepfunctions.step_functions_runner import StepFunctionsExecutionRunner
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionStatus,
    HealthStatus,
    ServerState,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.ports import RunnerSignal
from drs_simulator.testing import SimulatorHandle
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id


def make_plan(api: Api, *, name: str = "shop-dr", servers: list[str] | None = None) -> dict[str, object]:
    body = {"name": "g-" + name, "accountId": HOME_ACCOUNT, "region": REGION}
    if servers is None:
        body["tagSelector"] = {"Tier": ["web"]}
    else:
        body["sourceServerIds"] = servers
    group = api.post("/protection-groups", body).json
    plan = api.post(
        "/recovery-plans",
        {
            "name": name,
            "rtoTargetMinutes": 60,
            "waves": [{"id": "web", "name": "Web", "protectionGroupIds": [group["id"]]}],
        },
    )
    assert plan.status == 201, plan.text
    return plan.json


def engine_launched(
    product: Product,
    execution_id: str,
    source_server_id: str,
    *,
    job_id: str | None = None,
    instance_id: str | None = None,
) -> None:
    """Play the engine: the run succeeded with the server launched (written as the engine writes it)."""
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    now = datetime.now(UTC)
    launched = ServerState(
        execution_id=execution_id,
        wave_id="web",
        source_server_id=source_server_id,
        job_id=job_id,
        launch_status=LaunchStatus.LAUNCHED,
        recovery_instance_id=instance_id,
        launched_at=now,
        account_id=HOME_ACCOUNT,
        region=REGION,
    )
    runner.advance(execution_id, ExecutionStatus.SUCCEEDED, at=now, servers=[launched])


def test_plan_update_is_409_when_stale_and_keeps_the_first_edit(api: Api) -> None:
    plan = make_plan(api)
    body = {key: plan[key] for key in ("name", "rtoTargetMinutes", "waves")}
    assert (
        api.put(f"/recovery-plans/{plan['id']}", {**body, "rtoTargetMinutes": 30, "version": 1}).status == 200
    )
    stale = api.put(f"/recovery-plans/{plan['id']}", {**body, "rtoTargetMinutes": 90, "version": 1})
    assert stale.status == 409
    assert stale.json["error"]["currentVersion"] == 2
    assert api.get(f"/recovery-plans/{plan['id']}").json["rtoTargetMinutes"] == 30


def test_account_is_kept_while_a_protection_group_uses_it(api: Api) -> None:
    account = {
        "accountId": "444455556666",
        "name": "dr",
        "roleArn": "arn:aws:iam::444455556666:role/drs-orchestration",
        "externalId": "external-id-1",
        "regions": [REGION],
    }
    api.post("/accounts", account)
    group = {"name": "far", "accountId": "444455556666", "region": REGION, "sourceServerIds": [server_id(99)]}
    assert api.post("/protection-groups", group).status == 201
    refused = api.delete("/accounts/444455556666")
    assert refused.status == 409
    assert "far" in refused.json["error"]["message"]


def test_plan_with_a_cycle_is_400_naming_depends_on_when_waves_depend_on_each_other(api: Api) -> None:
    group = api.post(
        "/protection-groups",
        {"name": "g", "accountId": HOME_ACCOUNT, "region": REGION, "tagSelector": {"Tier": ["db"]}},
    ).json
    waves = [
        {"id": "a", "name": "A", "protectionGroupIds": [group["id"]], "dependsOn": [{"waveId": "b"}]},
        {"id": "b", "name": "B", "protectionGroupIds": ["pg-missing"], "dependsOn": [{"waveId": "a"}]},
    ]
    response = api.post("/recovery-plans", {"name": "p", "rtoTargetMinutes": 30, "waves": waves})
    assert response.status == 400
    assert "waves[0].dependsOn" in response.field_names
    assert "waves[1].protectionGroupIds[0]" in response.field_names


def test_validate_blocks_initial_sync_and_warns_on_stalled_when_the_plan_holds_them(api: Api) -> None:
    plan = make_plan(api, servers=[server_id(0), server_id(10), server_id(11)])
    report = api.post(f"/recovery-plans/{plan['id']}/validate", as_="Viewer")
    assert report.status == 200, report.text
    servers = {s["sourceServerId"]: s for s in report.json["waves"][0]["servers"]}
    assert servers[server_id(11)]["verdict"] == "BLOCKED"
    assert servers[server_id(11)]["replicationState"] == "INITIAL_SYNC"
    assert servers[server_id(10)]["verdict"] == "WARNINGS"
    assert servers[server_id(10)]["replicationState"] == "STALLED"
    assert report.json["verdict"] == "BLOCKED"
    assert report.json["waves"][0]["quotaFit"]["jobsNeeded"] == 1


def test_recovery_needs_the_plan_name_and_admin_when_started(api: Api) -> None:
    plan = make_plan(api)
    wrong = api.post("/executions", {"planId": plan["id"], "mode": "RECOVERY", "confirmPlanName": "nope"})
    assert wrong.status == 400
    assert wrong.field_names == ["confirmPlanName"]
    by_operator = api.post(
        "/executions",
        {"planId": plan["id"], "mode": "RECOVERY", "confirmPlanName": "shop-dr"},
        as_="Operator",
    )
    assert by_operator.status == 403
    started = api.post(
        "/executions", {"planId": plan["id"], "mode": "RECOVERY", "confirmPlanName": "shop-dr"}
    )
    assert started.status == 202


def test_drill_starts_once_and_blocks_plan_deletion_while_active(api: Api, product: Product) -> None:
    plan = make_plan(api)
    started = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}, as_="Operator")
    assert started.status == 202, started.text
    execution_id = started.json["executionId"]
    runner = api_parts(product).services.runner
    assert [call.operation for call in runner.calls] == ["start"]  # type: ignore[union-attr]
    assert api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).status == 409
    assert api.delete(f"/recovery-plans/{plan['id']}").status == 409
    summary = api.get(f"/executions/{execution_id}", as_="Viewer").json
    assert summary["status"] == "PENDING"
    assert [w["id"] for w in summary["waves"]] == ["web"]
    listed = api.get("/executions", query={"planId": plan["id"], "status": "PENDING"}).json["items"]
    assert [e["id"] for e in listed] == [execution_id]
    assert not {"planSnapshot", "taskToken", "handledRequests"} & set(listed[0])


def test_steering_signals_the_runner_and_refuses_what_the_status_forbids(api: Api, product: Product) -> None:
    plan = make_plan(api)
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    runner = api_parts(product).services.runner
    assert api.post(f"/executions/{execution_id}/resume", as_="Operator").status == 409
    assert api.post(f"/executions/{execution_id}/pause", as_="Viewer").status == 403
    paused = api.post(f"/executions/{execution_id}/pause", as_="Operator")
    assert paused.status == 202
    assert paused.json == {
        "executionId": execution_id,
        "status": "PENDING",
        "request": "PAUSE",
        "sequence": 1,
        "waveId": None,
    }
    assert api.post(f"/executions/{execution_id}/waves/web/retry", as_="Operator").status == 409
    assert api.post(f"/executions/{execution_id}/cancel", as_="Operator").json["sequence"] == 2
    signals = [call.signal for call in runner.calls if call.operation == "signal"]  # type: ignore[union-attr]
    assert signals == [RunnerSignal.PAUSE, RunnerSignal.CANCEL]
    events = api.get(f"/executions/{execution_id}/events").json["items"]
    assert [e["type"] for e in events] == ["EXECUTION_CREATED", "PAUSE_REQUESTED", "CANCEL_REQUESTED"]
    # each request is kept for the engine in its own item, with the event that shows it
    requests = api_parts(product).services.executions.list_requests(execution_id)
    assert [(r.sequence, r.type.value, r.actor, r.event_id) for r in requests] == [
        (1, "PAUSE", "alice@example.com", events[1]["eventId"]),
        (2, "CANCEL", "alice@example.com", events[2]["eventId"]),
    ]
    audit = api.get("/audit", query={"resourceId": execution_id}).json["items"]
    assert [a["action"] for a in audit] == ["CancelExecution", "PauseExecution", "StartExecution"]


def test_report_is_csv_when_asked_and_lists_each_server(api: Api, product: Product) -> None:
    plan = make_plan(api)
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    engine_launched(product, execution_id, server_id(0))
    as_json = api.get(f"/executions/{execution_id}/report").json
    assert [row["sourceServerId"] for row in as_json["servers"]] == [server_id(0)]
    as_csv = api.get(f"/executions/{execution_id}/report", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"] == "text/csv"
    lines = as_csv.text.strip().splitlines()
    assert lines[0].startswith("waveId,waveName")
    assert server_id(0) in lines[1]


def _two_wave_drill(api: Api) -> tuple[str, dict[str, object]]:
    """A drill of db (20 min budget) then web (30 min budget), one server each, started through the API."""
    db = api.post(
        "/protection-groups",
        {"name": "g-db", "accountId": HOME_ACCOUNT, "region": REGION, "sourceServerIds": [server_id(2)]},
    ).json
    web = api.post(
        "/protection-groups",
        {"name": "g-web", "accountId": HOME_ACCOUNT, "region": REGION, "sourceServerIds": [server_id(3)]},
    ).json
    plan = api.post(
        "/recovery-plans",
        {
            "name": "two-waves",
            "rtoTargetMinutes": 60,
            "waves": [
                {"id": "db", "name": "Databases", "protectionGroupIds": [db["id"]], "timeoutMinutes": 20},
                {
                    "id": "web",
                    "name": "Web",
                    "protectionGroupIds": [web["id"]],
                    "timeoutMinutes": 30,
                    "dependsOn": [{"waveId": "db"}],
                },
            ],
        },
    ).json
    started = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}, as_="Operator")
    assert started.status == 202, started.text
    return started.json["executionId"], plan


def _run_to_the_end(product: Product, drs: SimulatorHandle, execution_id: str) -> dict[str, str]:
    """Launch each wave's server on the simulator and write what the engine records: wave windows, the
    launched instances, the job log's phase timings and the health gate's evidence."""
    client = drs.drs_client(REGION, HOME_ACCOUNT)
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    start = datetime.now(UTC)
    runner.advance(execution_id, ExecutionStatus.RUNNING, at=start)
    instances: dict[str, str] = {}
    waves, servers = [], []
    for position, (wave_id, name, source, began, ended) in enumerate(
        [("db", "Databases", server_id(2), 0, 12), ("web", "Web", server_id(3), 12, 45)]
    ):
        job = client.start_recovery(sourceServers=[{"sourceServerID": source}], isDrill=True)["job"]
        drs.simulator.clock.advance(3600)
        (instance,) = client.describe_recovery_instances(filters={"sourceServerIDs": [source]})["items"]
        instances[source] = instance["recoveryInstanceID"]
        ended_at = start + timedelta(minutes=ended)
        waves.append(
            WaveState(
                execution_id=execution_id,
                wave_id=wave_id,
                name=name,
                position=position,
                status=WaveStatus.COMPLETED,
                started_at=start + timedelta(minutes=began),
                ended_at=ended_at,
            )
        )
        servers.append(
            ServerState(
                execution_id=execution_id,
                wave_id=wave_id,
                source_server_id=source,
                job_id=job["jobID"],
                launch_status=LaunchStatus.LAUNCHED,
                recovery_instance_id=instance["recoveryInstanceID"],
                launched_at=ended_at - timedelta(minutes=2),
                healthy_at=ended_at,
                health=HealthStatus.HEALTHY,
                phase_seconds={"snapshot": 30.0, "conversion": 240.5},
                health_evidence={"ec2": {"instanceStatus": "ok", "systemStatus": "ok"}, "command": "Success"},
                account_id=HOME_ACCOUNT,
                region=REGION,
            )
        )
    runner.advance(
        execution_id,
        ExecutionStatus.SUCCEEDED,
        at=start + timedelta(minutes=45),
        waves=waves,
        servers=servers,
    )
    return instances


def test_report_has_planned_and_actual_per_wave_and_phases_and_evidence_per_server_when_a_drill_ended(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    # Given a two-wave drill run to its end
    execution_id, _ = _two_wave_drill(api)
    _run_to_the_end(product, drs, execution_id)
    # When the report is read
    response = api.get(f"/executions/{execution_id}/report", as_="Viewer")
    # Then each wave has its planned window (web waits for db's budget) against what happened
    assert response.status == 200, response.text
    waves = {w["waveId"]: w for w in response.json["waves"]}
    assert (waves["db"]["plannedStartMinutes"], waves["db"]["plannedEndMinutes"]) == (0, 20)
    assert (waves["web"]["plannedStartMinutes"], waves["web"]["plannedEndMinutes"]) == (20, 50)
    assert (waves["db"]["actualStartMinutes"], waves["db"]["actualEndMinutes"]) == (0, 12)
    assert (waves["web"]["actualStartMinutes"], waves["web"]["actualEndMinutes"]) == (12, 45)
    assert waves["web"]["deviationMinutes"] == -5
    # And each server its DRS phase timings and the health evidence
    server = next(s for s in response.json["servers"] if s["sourceServerId"] == server_id(3))
    assert server["phaseSeconds"] == {"snapshot": 30.0, "conversion": 240.5}
    assert server["healthEvidence"]["ec2"] == {"instanceStatus": "ok", "systemStatus": "ok"}
    assert (server["plannedStartMinutes"], server["actualEndMinutes"]) == (20, 45)
    assert response.json["execution"]["rto"]["met"] is True


def test_report_csv_has_stable_planned_actual_phase_and_evidence_columns_when_a_drill_ended(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    execution_id, _ = _two_wave_drill(api)
    _run_to_the_end(product, drs, execution_id)
    as_csv = api.get(f"/executions/{execution_id}/report", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    for column in (
        "plannedStartMinutes",
        "plannedEndMinutes",
        "actualStartMinutes",
        "actualEndMinutes",
        "snapshotSeconds",
        "conversionSeconds",
        "cleanupSeconds",
        "healthEvidence",
    ):
        assert column in rows[0], column
    web = next(r for r in rows if r["sourceServerId"] == server_id(3))
    assert (web["plannedStartMinutes"], web["plannedEndMinutes"], web["actualEndMinutes"]) == (
        "20",
        "50",
        "45.0",
    )
    assert (web["snapshotSeconds"], web["conversionSeconds"], web["cleanupSeconds"]) == ("30.0", "240.5", "")
    assert json.loads(web["healthEvidence"])["command"] == "Success"


def test_detail_names_when_drill_instances_were_terminated_and_who_started_by_email(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    # Given a drill run to its end, started by an operator whose token carries an e-mail
    execution_id, _ = _two_wave_drill(api)
    instances = _run_to_the_end(product, drs, execution_id)
    before = api.get(f"/executions/{execution_id}").json
    assert before["instancesTerminatedAt"] is None
    assert before["startedBy"] == "alice@example.com"
    # When an operator terminates its instances through the API
    terminated = api.post(f"/executions/{execution_id}/terminate-instances", as_="Operator")
    assert terminated.status == 202, terminated.text
    assert sorted(terminated.json["terminatedInstanceIds"]) == sorted(instances.values())
    # Then the run records when, the detail and the list name it, and the timeline says so once
    detail = api.get(f"/executions/{execution_id}").json
    listed = next(e for e in api.get("/executions").json["items"] if e["id"] == execution_id)
    assert detail["instancesTerminatedAt"] is not None
    assert detail["instancesTerminatedAt"] == listed["instancesTerminatedAt"]
    events = api.get(f"/executions/{execution_id}/events").json["items"]
    (event,) = [e for e in events if e["type"] == EventType.INSTANCES_TERMINATED]
    assert event["message"] == "terminating 2 drill instance(s) on request"
    assert event["details"]["jobIds"] == terminated.json["jobIds"]
    # And once DRS has ended them, a second request finds nothing to terminate and changes nothing
    drs.simulator.clock.advance(3600)
    again = api.post(f"/executions/{execution_id}/terminate-instances", as_="Operator")
    assert again.status == 409
    assert (
        api.get(f"/executions/{execution_id}").json["instancesTerminatedAt"]
        == detail["instancesTerminatedAt"]
    )
    events = api.get(f"/executions/{execution_id}/events").json["items"]
    assert [e["type"] for e in events].count(EventType.INSTANCES_TERMINATED) == 1


def test_source_servers_page_through_the_whole_inventory_with_tag_filters(api: Api) -> None:
    first = api.get(
        "/drs/source-servers", query={"accountId": HOME_ACCOUNT, "region": REGION, "limit": "5"}, as_="Viewer"
    ).json
    second = api.get(
        "/drs/source-servers",
        query={"accountId": HOME_ACCOUNT, "region": REGION, "limit": "20", "nextToken": first["nextToken"]},
    ).json
    ids = [s["sourceServerId"] for s in first["items"] + second["items"]]
    assert ids == [server_id(n) for n in range(12)]
    tagged = api.get(
        "/drs/source-servers", query={"accountId": HOME_ACCOUNT, "region": REGION, "tag": ["Tier=db"]}
    ).json["items"]
    assert [s["sourceServerId"] for s in tagged] == [server_id(n) for n in (2, 5, 8, 11)]


def test_accounts_hide_the_external_id_from_non_admins(api: Api) -> None:
    body = {
        "accountId": "444455556666",
        "name": "dr",
        "roleArn": "arn:aws:iam::444455556666:role/drs-orchestration",
        "externalId": "very-secret-external-id",
        "regions": ["us-west-2"],
    }
    assert api.post("/accounts", body, as_="Operator").status == 403
    assert api.post("/accounts", body).json["externalId"] == "very-secret-external-id"
    assert api.get("/accounts/444455556666", as_="Viewer").json["externalId"] == "****l-id"
    assert api.get("/accounts").json["items"][0]["externalId"] == "very-secret-external-id"
    assert (
        api.put("/accounts/444455556666", {**body, "name": "dr2"}, query={"version": "1"}).json["version"]
        == 2
    )
    assert api.put("/accounts/444455556666", body, query={"version": "1"}).status == 409
    assert api.delete("/accounts/444455556666", query={"version": "2"}).status == 204


def test_me_names_the_user_groups_and_permissions_and_401_without_identity(api: Api) -> None:
    me = api.get(
        "/me", claims={"sub": "x", "cognito:username": "bob", "cognito:groups": "Admin,Operator"}
    ).json
    assert me["username"] == "bob"
    assert me["groups"] == ["Admin", "Operator"]
    assert "run-recovery" in me["permissions"]
    assert api.get("/me", anonymous=True).status == 401


def test_start_is_503_and_writes_no_run_when_no_engine_is_configured(api: Api, product: Product) -> None:
    plan = make_plan(api)
    # Given the product as deployed without an engine: no runner of its own, no state machine configured
    without_engine = Api(Product(product.settings, product.clock).handler(API_HANDLER))
    response = without_engine.post("/executions", {"planId": plan["id"], "mode": "DRILL"})
    assert response.status == 503
    assert response.error_code == "ENGINE_UNAVAILABLE"
    assert without_engine.get("/executions").json["items"] == []


def test_step_functions_runner_is_built_when_the_state_machine_is_configured(product: Product) -> None:
    arn = "arn:aws:states:us-east-1:111122223333:stateMachine:engine"
    deployed = Product(product.settings.model_copy(update={"state_machine_arn": arn}), product.clock)
    runner = api_parts(deployed).services.runner
    assert isinstance(runner, StepFunctionsExecutionRunner)
    assert runner.state_machine_arn.endswith(":stateMachine:engine")


def test_terminate_ends_the_drill_instances_drs_launched_and_refuses_a_recovery(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    plan = make_plan(api, servers=[server_id(1)])
    execution_id = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    client = drs.drs_client(REGION, HOME_ACCOUNT)
    job = client.start_recovery(sourceServers=[{"sourceServerID": server_id(1)}], isDrill=True)["job"]
    drs.simulator.clock.advance(3600)
    (instance,) = client.describe_recovery_instances(filters={"sourceServerIDs": [server_id(1)]})["items"]
    engine_launched(
        product, execution_id, server_id(1), job_id=job["jobID"], instance_id=instance["recoveryInstanceID"]
    )
    assert api.post(f"/executions/{execution_id}/terminate-instances", as_="Viewer").status == 403
    response = api.post(f"/executions/{execution_id}/terminate-instances", as_="Operator")
    assert response.status == 202, response.text
    assert response.json["terminatedInstanceIds"] == [instance["recoveryInstanceID"]]
    (terminate_job,) = client.describe_jobs(filters={"jobIDs": response.json["jobIds"]})["items"]
    assert terminate_job["type"] == "TERMINATE"
    recovery = make_plan(api, name="prod", servers=[server_id(4)])
    recovery_run = api.post(
        "/executions", {"planId": recovery["id"], "mode": "RECOVERY", "confirmPlanName": "prod"}
    )
    assert api.post(f"/executions/{recovery_run.json['executionId']}/terminate-instances").status == 409


@pytest.fixture
def drs_denies_inventory(drs: SimulatorHandle) -> Iterator[None]:
    drs.simulator.set_faults(access_denied=["DescribeSourceServers"])
    yield
    drs.simulator.set_faults(access_denied=[])


def test_drs_refusal_is_a_502_naming_the_operation_and_code(api: Api, drs_denies_inventory: None) -> None:
    response = api.get("/drs/source-servers", query={"accountId": HOME_ACCOUNT, "region": REGION})
    assert response.status == 502
    assert response.error_code == "UPSTREAM_ERROR"
    assert "DescribeSourceServers failed: AccessDeniedException" in response.json["error"]["message"]
