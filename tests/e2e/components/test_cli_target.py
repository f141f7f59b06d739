"""The CLI finds its target in flags, then DRS_* variables, then a console's config or local mode's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drs_orchestration.cli.commands import format_report, progress_line
from drs_orchestration.cli.target import TargetError, resolve_target

ENDPOINTS = {
    "api": "http://127.0.0.1:8000/api",
    "region": "us-east-1",
    "userPoolId": "us-east-1_abc",
    "userPoolClientId": "client",
    "cognitoEndpoint": "http://127.0.0.1:5000",
    "users": [
        {"username": "viewer@example.com", "password": "v", "group": "Viewer"},
        {"username": "admin@example.com", "password": "a", "group": "Admin"},
    ],
}


@pytest.fixture
def local_dir(tmp_path: Path) -> Path:
    (tmp_path / "endpoints.json").write_text(json.dumps(ENDPOINTS))
    return tmp_path


def test_local_mode_file_names_the_target_and_the_demo_admin_when_nothing_else_is_given(
    local_dir: Path,
) -> None:
    target = resolve_target({}, {"DRS_LOCAL_DIR": str(local_dir)})
    assert (target.api_url, target.user_pool_id, target.cognito_endpoint) == (
        "http://127.0.0.1:8000/api",
        "us-east-1_abc",
        "http://127.0.0.1:5000",
    )
    assert target.default_user == ("admin@example.com", "a")


def test_flags_win_over_variables_and_variables_over_the_file_when_all_are_given(local_dir: Path) -> None:
    environ = {"DRS_LOCAL_DIR": str(local_dir), "DRS_API_URL": "http://env/api", "DRS_REGION": "eu-west-1"}
    target = resolve_target({"api_url": "https://flag/api/"}, environ)
    assert (target.api_url, target.region, target.user_pool_client_id) == (
        "https://flag/api",
        "eu-west-1",
        "client",
    )


def test_missing_values_are_named_when_no_target_is_found(tmp_path: Path) -> None:
    with pytest.raises(
        TargetError, match="DRS_API_URL, DRS_REGION, DRS_USER_POOL_ID, DRS_USER_POOL_CLIENT_ID"
    ):
        resolve_target({}, {"DRS_LOCAL_DIR": str(tmp_path)})


def test_named_endpoints_file_must_exist_when_given(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="does not exist"):
        resolve_target({"endpoints": str(tmp_path / "missing.json")}, {})


def test_progress_line_counts_launched_healthy_and_failed_servers_per_wave() -> None:
    execution = {
        "status": "RUNNING",
        "waves": [
            {
                "id": "db",
                "status": "COMPLETED",
                "servers": [{"launchStatus": "LAUNCHED", "health": "HEALTHY"}],
            },
            {
                "id": "app",
                "status": "LAUNCHING",
                "servers": [
                    {"launchStatus": "FAILED", "health": None},
                    {"launchStatus": None, "health": None},
                ],
            },
            {"id": "web", "status": "PENDING", "servers": []},
        ],
    }
    assert progress_line(execution) == (
        "RUNNING          db: COMPLETED 1/1 launched, 1 healthy"
        " | app: LAUNCHING 0/2 launched, 1 failed | web: PENDING"
    )


def test_report_text_states_the_rto_against_the_target_and_a_line_per_server() -> None:
    report = {
        "execution": {
            "id": "ex-1",
            "planId": "rp-1",
            "planName": "shop",
            "mode": "DRILL",
            "status": "SUCCEEDED",
            "startedAt": "2026-01-01T00:00:00Z",
            "endedAt": "2026-01-01T01:00:00Z",
            "rto": {"measuredSeconds": 2700, "met": True},
        },
        "rtoTargetMinutes": 60,
        "servers": [
            {
                "waveId": "db",
                "sourceServerId": "s-00000000000000001",
                "impact": "CRITICAL",
                "launchStatus": "LAUNCHED",
                "health": "HEALTHY",
                "secondsToLaunch": 600,
            }
        ],
    }
    text = format_report(report)
    assert "RTO 45.0 min against a target of 60 min: met" in text
    assert text.splitlines()[-1].split() == [
        "db",
        "s-00000000000000001",
        "CRITICAL",
        "LAUNCHED",
        "HEALTHY",
        "10.0",
        "min",
    ]
