"""``drs-orch schedules ...`` and ``follow``'s pending approvals: what the CLI sends the API and what it
prints (a loopback HTTP server stands in for the API, answering as its OpenAPI document describes)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from drs_orchestration.cli.__main__ import main
from tests.e2e.components.test_cli_failback import PLAN, _Api, _target

SCHEDULE = {
    "id": "sch-1",
    "planId": "rp-shop",
    "expression": "cron(0 3 ? * SAT#1 *)",
    "timezone": "Europe/Berlin",
    "mode": "DRILL",
    "enabled": True,
    "nextRunAt": "2027-01-02T02:00:00Z",
    "lastResult": {"at": "2026-12-05T02:00:00Z", "executionId": None, "error": "the plan is busy"},
    "version": 3,
}


def _schedules(method: str, path: str, body: Any) -> tuple[int, Any]:
    if path.startswith("/recovery-plans?") or path == "/recovery-plans":
        return 200, {"items": [PLAN]}
    if path == "/recovery-plans/rp-shop":
        return 200, PLAN
    if path.startswith("/recovery-plans/rp-shop/schedules/sch-1"):
        answers = {"GET": SCHEDULE, "PUT": {**SCHEDULE, **(body or {}), "version": 4}, "DELETE": {}}
        return 200, answers[method]
    if path.startswith("/recovery-plans/rp-shop/schedules"):
        if method == "POST":
            return 201, {**SCHEDULE, **body, "id": "sch-2", "version": 1, "lastResult": None}
        return 200, {"items": [SCHEDULE]}
    return 404, {"error": {"code": "NOT_FOUND", "message": path}}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DRS_TOKEN", "token")
    monkeypatch.setenv("DRS_LOCAL_DIR", str(tmp_path))


@pytest.fixture
def schedules_api(environment: None) -> Iterator[_Api]:
    server = _Api(_schedules)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_schedules_create_list_update_and_delete_by_plan_name(
    schedules_api: _Api, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _target(schedules_api)
    create = ["schedules", "create", "shop-dr", "--expression", "rate(7 days)", "--timezone", "Europe/Berlin"]

    assert main([*target, "--output", "json", *create, "--disable"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "sch-2"
    assert main([*target, "schedules", "list", "shop-dr"]) == 0
    [row] = [line for line in capsys.readouterr().out.splitlines() if "sch-1" in line]
    assert "cron(0 3 ? * SAT#1 *)" in row
    assert "the plan is busy" in row
    assert (
        main([*target, "schedules", "update", "shop-dr", "sch-1", "--enable", "--expression", "rate(1 day)"])
        == 0
    )
    assert main([*target, "schedules", "delete", "rp-shop", "sch-1"]) == 0

    sent = [(method, path.split("?")[0], body) for method, path, body in schedules_api.asked]
    writes = [entry for entry in sent if entry[0] in ("POST", "PUT", "DELETE")]
    assert writes == [
        (
            "POST",
            "/recovery-plans/rp-shop/schedules",
            {"expression": "rate(7 days)", "timezone": "Europe/Berlin", "mode": "DRILL", "enabled": False},
        ),
        (
            "PUT",
            "/recovery-plans/rp-shop/schedules/sch-1",
            {
                "expression": "rate(1 day)",
                "timezone": "Europe/Berlin",
                "mode": "DRILL",
                "enabled": True,
                "version": 3,
            },
        ),
        ("DELETE", "/recovery-plans/rp-shop/schedules/sch-1", None),
    ]


def test_schedules_update_with_nothing_to_change_is_a_usage_error(
    schedules_api: _Api, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_target(schedules_api), "schedules", "update", "shop-dr", "sch-1"]) == 2
    assert "give --expression" in capsys.readouterr().err
    assert [method for method, _, _ in schedules_api.asked if method != "GET"] == []


WAITING = {
    "id": "ex-1",
    "planId": "rp-shop",
    "planName": "shop-dr",
    "mode": "DRILL",
    "status": "WAITING_APPROVAL",
    "rto": {"targetMinutes": 60, "elapsedSeconds": 600.0, "measuredSeconds": None, "met": None},
    "waves": [
        {
            "id": "db",
            "name": "Databases",
            "status": "COMPLETED",
            "servers": [{"sourceServerId": "s-1", "launchStatus": "LAUNCHED", "health": "HEALTHY"}],
        },
        {"id": "app", "name": "Application", "status": "PENDING", "servers": []},
    ],
}
EVENTS = [
    {"eventId": "20261205T020000.000000Z-1", "type": "APPROVAL_REQUESTED", "waveId": "db"},
    {"eventId": "20261205T020100.000000Z-2", "type": "APPROVAL_GRANTED", "waveId": "db"},
    {"eventId": "20261205T020200.000000Z-3", "type": "APPROVAL_REQUESTED", "waveId": "app"},
]


@pytest.fixture
def waiting_api(environment: None) -> Iterator[_Api]:
    polls: list[int] = []

    def answer(method: str, path: str, body: Any) -> tuple[int, Any]:
        if path.startswith("/executions/ex-1/events"):
            return 200, {"items": EVENTS}
        if path.startswith("/executions/ex-1/report"):
            return 200, {
                "execution": {**WAITING, "status": "CANCELLED"},
                "rtoTargetMinutes": 60,
                "servers": [],
            }
        if path == "/executions/ex-1":
            polls.append(1)
            return 200, WAITING if len(polls) < 3 else {**WAITING, "status": "CANCELLED"}
        return 404, {"error": {"code": "NOT_FOUND", "message": path}}

    server = _Api(answer)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_follow_names_the_waves_waiting_for_approval_in_plain_lines_and_exits_1_when_cancelled(
    waiting_api: _Api, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*_target(waiting_api), "follow", "ex-1"], sleep=lambda _: None)

    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    events_read = [path for _, path, _ in waiting_api.asked if "/events" in path]
    assert len(events_read) == 2
    assert "after=20261205T020200.000000Z-3" in events_read[1]
    assert lines[0].endswith("app: PENDING | awaiting approval: app")
    assert lines[0].split()[1] == "WAITING_APPROVAL"
    assert lines[1].split()[1] == "CANCELLED"


def test_follow_live_view_shows_the_rto_and_how_to_approve_the_waiting_wave(waiting_api: _Api) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=120, color_system=None)

    code = main([*_target(waiting_api), "follow", "ex-1"], console=terminal, sleep=lambda _: None)

    assert code == 1
    drawn = screen.getvalue()
    assert "elapsed 10.0 min of the 60 min RTO target" in drawn
    assert "wave app waits for approval: drs-orch approve ex-1 app" in drawn
    assert "wave db waits" not in drawn
