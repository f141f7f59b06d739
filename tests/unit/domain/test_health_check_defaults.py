"""A wave's health gate is on by default with the product's document; ``null`` turns it off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from drs_orchestration.domain.execution_summary import assemble_execution
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState, WaveState, WaveStatus
from drs_orchestration.domain.models.recovery_plan import HealthCheck, RecoveryPlanInput, Wave
from drs_orchestration.domain.plan_validation import plan_problems
from tests.unit.domain.builders import T0, header, plan, server_id, wave

PRODUCT = "DrsPostLaunchHealthCheck"


def _wave(**extra: Any) -> dict[str, Any]:
    return {"id": "db", "name": "Db", "protectionGroupIds": ["pg-db"], **extra}


def test_wave_gets_the_products_health_check_when_it_names_none() -> None:
    # Given a wave sent without "healthCheck"
    parsed = Wave.model_validate(_wave())
    # Then its gate is on with every default and names no document (the engine runs the product's)
    assert parsed.health_check == HealthCheck()
    assert parsed.to_json()["healthCheck"] == {"documentName": None, "parameters": {}, "timeoutSeconds": 900}


def test_health_check_without_document_means_the_products_when_parameters_are_given() -> None:
    check = Wave.model_validate(_wave(healthCheck={"parameters": {"minFreeDiskPercent": "5"}})).health_check
    assert check is not None
    assert (check.document_name, check.parameters) == (None, {"minFreeDiskPercent": ["5"]})


def test_named_document_is_kept_when_a_wave_names_one() -> None:
    check = HealthCheck.model_validate({"documentName": "Shop-DbProbe", "timeoutSeconds": 120})
    assert (check.document_name, check.timeout_seconds) == ("Shop-DbProbe", 120)
    assert check.to_json()["documentName"] == "Shop-DbProbe"


def test_health_gate_is_off_when_health_check_is_null_and_stays_off_when_stored() -> None:
    # Given a wave with an explicit null (as plans stored before this default were written)
    parsed = Wave.model_validate(_wave(healthCheck=None))
    assert parsed.health_check is None
    # When it is dumped and read back (a stored plan, a plan snapshot)
    again = Wave.model_validate(parsed.to_json())
    # Then the gate is still off
    assert again.to_json()["healthCheck"] is None
    assert again.health_check is None


def test_healthy_dependency_on_a_wave_without_gate_is_accepted_when_validated() -> None:
    # HEALTHY on a gate-off wave is documented as "launched and post-actions done", not refused:
    # stored plans with "healthCheck": null and the default HEALTHY condition stay valid.
    document = {
        "name": "shop-dr",
        "rtoTargetMinutes": 60,
        "waves": [
            _wave(healthCheck=None),
            {
                **_wave(),
                "id": "app",
                "name": "App",
                "protectionGroupIds": ["pg-app"],
                "dependsOn": [{"waveId": "db"}],
            },
        ],
    }
    assert plan_problems(document, membership={"pg-db": [server_id(1)], "pg-app": [server_id(2)]}) == []
    parsed = RecoveryPlanInput.model_validate(document)
    assert parsed.waves[1].depends_on[0].condition == "HEALTHY"
    assert parsed.waves[0].health_check is None
    assert parsed.waves[1].health_check == HealthCheck()


def _server(n: int, wave_id: str, *, launched: int, healthy: int | None) -> ServerState:
    return ServerState(
        execution_id="ex-1",
        wave_id=wave_id,
        source_server_id=server_id(n),
        launch_status=LaunchStatus.LAUNCHED,
        launched_at=T0 + timedelta(minutes=launched),
        healthy_at=None if healthy is None else T0 + timedelta(minutes=healthy),
    )


@pytest.mark.parametrize(
    ("overrides", "recovered_minutes"),
    [({}, 25), ({"health_check": {}}, 25), ({"health_check": None}, 10)],
    ids=["absent: default gate", "no document: default gate", "null: no gate"],
)
def test_rto_counts_a_wave_as_health_checked_when_its_gate_is_on(
    overrides: dict[str, Any], recovered_minutes: int
) -> None:
    # Given a finished run whose one server launched at 10 min and was healthy at 25 min
    snapshot = plan(wave("db", **overrides))
    head = header(
        "ex-1", snapshot, status=ExecutionStatus.SUCCEEDED, started_at=T0, ended_at=T0 + timedelta(hours=1)
    )
    waves = [WaveState(execution_id="ex-1", wave_id="db", name="Db", position=0, status=WaveStatus.COMPLETED)]
    # When the summary is assembled
    summary = assemble_execution(head, waves, [_server(1, "db", launched=10, healthy=25)])
    # Then it recovered when healthy if the gate is on, when launched otherwise
    assert summary.rto.measured_seconds == recovered_minutes * 60
