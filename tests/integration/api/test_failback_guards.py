"""Starting a FAILBACK through the API: who may, which run it may fail back, and never two at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.composition.product import Product
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.models.execution import ExecutionStatus
from tests.integration.api.client import Api, ApiResponse
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id


def _plan(api: Api, name: str, server: int = 0) -> str:
    group = api.post(
        "/protection-groups",
        {
            "name": f"{name}-g",
            "accountId": HOME_ACCOUNT,
            "region": REGION,
            "sourceServerIds": [server_id(server)],
        },
    )
    assert group.status == 201, group.text
    plan = api.post(
        "/recovery-plans",
        {
            "name": name,
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": [group.json["id"]]}],
        },
    )
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


def _run(api: Api, product: Product, plan: str, name: str, mode: str, status: ExecutionStatus) -> str:
    """A run of ``plan`` that ended (or stands) ``status``."""
    body: dict[str, Any] = {"planId": plan, "mode": mode, "confirmPlanName": name}
    response = api.post("/executions", body, as_="Admin")
    assert response.status == 202, response.text
    execution_id = str(response.json["executionId"])
    store = executions(product)
    header = store.get_header(execution_id)
    store.update_header(header.model_copy(update={"status": status}), header.version)
    return execution_id


def _failback(api: Api, plan: str, source: str | None, as_: str = "Admin", **extra: Any) -> ApiResponse:
    body: dict[str, Any] = {"planId": plan, "mode": "FAILBACK", "confirmPlanName": "home", **extra}
    if source is not None:
        body["sourceExecutionId"] = source
    return api.post("/executions", body, as_=as_)


def _field(response: ApiResponse) -> tuple[str, str]:
    assert response.status == 400, response.text
    [field] = response.json["error"]["fields"]
    return field["name"], field["message"]


@pytest.fixture
def home(api: Api, product: Product) -> tuple[str, str]:
    """Plan ``home`` and its SUCCEEDED recovery."""
    plan = _plan(api, "home")
    return plan, _run(api, product, plan, "home", "RECOVERY", ExecutionStatus.SUCCEEDED)


def test_failback_is_started_for_a_finished_recovery_of_the_plan(api: Api, home: tuple[str, str]) -> None:
    plan, recovery = home
    response = _failback(api, plan, recovery)
    assert response.status == 202, response.text
    started = api.get(f"/executions/{response.json['executionId']}", as_="Viewer").json
    assert started["mode"] == "FAILBACK"
    assert started["sourceExecutionId"] == recovery


@pytest.mark.parametrize("role", ["Operator", "Viewer"])
def test_failback_is_forbidden_below_admin(api: Api, home: tuple[str, str], role: str) -> None:
    plan, recovery = home
    assert _failback(api, plan, recovery, as_=role).status == 403


def test_failback_needs_the_plan_name_typed_again(api: Api, home: tuple[str, str]) -> None:
    plan, recovery = home
    response = api.post(
        "/executions",
        {"planId": plan, "mode": "FAILBACK", "sourceExecutionId": recovery, "confirmPlanName": "homme"},
        as_="Admin",
    )
    assert _field(response) == (
        "confirmPlanName",
        "must repeat the plan's name exactly to confirm a FAILBACK",
    )


def test_failback_of_a_drill_is_refused_naming_the_source(api: Api, product: Product) -> None:
    plan = _plan(api, "home")
    drill = _run(api, product, plan, "home", "DRILL", ExecutionStatus.SUCCEEDED)
    name, message = _field(_failback(api, plan, drill))
    assert name == "sourceExecutionId"
    assert message == f"{drill} is a DRILL: only a RECOVERY can be failed back"


def test_failback_of_another_plans_recovery_is_refused(
    api: Api, product: Product, home: tuple[str, str]
) -> None:
    plan, _ = home
    other = _plan(api, "away", server=1)
    theirs = _run(api, product, other, "away", "RECOVERY", ExecutionStatus.SUCCEEDED)
    name, message = _field(_failback(api, plan, theirs))
    assert (name, message) == ("sourceExecutionId", f"{theirs} is a run of another plan ({other})")


@pytest.mark.parametrize(
    "status", [ExecutionStatus.RUNNING, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED]
)
def test_failback_of_an_unfinished_or_failed_recovery_is_refused(
    api: Api, product: Product, status: ExecutionStatus
) -> None:
    plan = _plan(api, "home")
    recovery = _run(api, product, plan, "home", "RECOVERY", status)
    name, message = _field(_failback(api, plan, recovery))
    assert name == "sourceExecutionId"
    assert message == f"{recovery} is {status.value}: only a finished (SUCCEEDED or PARTIAL) RECOVERY"


def test_failback_needs_a_known_source_and_no_point_in_time(api: Api, home: tuple[str, str]) -> None:
    plan, recovery = home
    assert _field(_failback(api, plan, None)) == (
        "sourceExecutionId",
        "a FAILBACK names the RECOVERY run it fails back",
    )
    assert _field(_failback(api, plan, "ex-00000000000000000000000000")) == (
        "sourceExecutionId",
        "no execution ex-00000000000000000000000000",
    )
    name, _ = _field(_failback(api, plan, recovery, pointInTime="2026-12-01T03:00:00Z"))
    assert name == "pointInTime"


def test_only_a_failback_names_a_source_execution(api: Api, home: tuple[str, str]) -> None:
    plan, recovery = home
    response = api.post(
        "/executions", {"planId": plan, "mode": "DRILL", "sourceExecutionId": recovery}, as_="Admin"
    )
    assert _field(response) == ("sourceExecutionId", "only a FAILBACK names the run it fails back")


def test_second_failback_of_a_recovery_is_a_conflict_until_the_first_ends(
    api: Api, product: Product, home: tuple[str, str]
) -> None:
    # Given a failback of the recovery, running
    plan, recovery = home
    first = _failback(api, plan, recovery)
    assert first.status == 202, first.text
    # When a second one is asked for, then it is a conflict
    assert _failback(api, plan, recovery).status == 409
    # And once the first has ended (failed), the recovery may be failed back again
    store = executions(product)
    header = store.get_header(str(first.json["executionId"]))
    store.update_header(header.model_copy(update={"status": ExecutionStatus.FAILED}), header.version)
    again = _failback(api, plan, recovery)
    assert again.status == 202, again.text
    assert store.get_header(recovery).failback_execution_id == again.json["executionId"]


@pytest.mark.usefixtures("atomic_conditional_writes")
def test_two_failbacks_of_one_recovery_asked_at_once_start_one(api: Api, home: tuple[str, str]) -> None:
    plan, recovery = home
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: _failback(api, plan, recovery).status, range(4)))
    assert sorted(answers) == [202, 409, 409, 409]


@pytest.mark.parametrize(("age", "status"), [(timedelta(seconds=5), 409), (timedelta(minutes=10), 202)])
def test_a_mark_whose_failback_was_never_created_holds_only_while_its_request_may_still_create_it(
    api: Api, product: Product, home: tuple[str, str], age: timedelta, status: int
) -> None:
    # Given the recovery marked with a failback that does not exist (its request may be creating it,
    # or it failed before it could)
    plan, recovery = home
    store = executions(product)
    header = store.get_header(recovery)
    marked = header.model_copy(
        update={
            "failback_execution_id": "ex-00000000000000000000000000",
            "failback_marked_at": datetime.now(UTC) - age,
        }
    )
    store.update_header(marked, header.version)

    # When a failback is asked for, then it waits for a fresh mark and goes past a stale one
    assert _failback(api, plan, recovery).status == status
