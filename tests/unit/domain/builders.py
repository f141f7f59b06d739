"""Small builders of valid domain objects for the unit tests (keyword overrides for what a test varies)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.drs import ReplicationState, SourceServer
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionMode
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan, RecoveryPlanInput, Wave

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ACCOUNT = "111122223333"
REGION = "us-east-1"


def server_id(n: int) -> str:
    """A valid, distinct DRS source server id for each ``n``."""
    return f"s-{n:017d}"


def group(group_id: str = "pg-web", **overrides: Any) -> ProtectionGroup:
    fields: dict[str, Any] = {
        "id": group_id,
        "name": group_id.removeprefix("pg-"),
        "account_id": ACCOUNT,
        "region": REGION,
        "source_server_ids": [server_id(1)],
        "created_at": T0,
        "created_by": "admin",
        "updated_at": T0,
        "updated_by": "admin",
    }
    fields.update(overrides)
    return ProtectionGroup(**fields)


def wave(wave_id: str, *depends_on: str, groups: tuple[str, ...] | None = None, **overrides: Any) -> Wave:
    fields: dict[str, Any] = {
        "id": wave_id,
        "name": wave_id.title(),
        "protection_group_ids": list(groups or (f"pg-{wave_id}",)),
        "depends_on": [{"wave_id": dep} for dep in depends_on],
    }
    fields.update(overrides)
    return Wave(**fields)


def plan_input(*waves: Wave, **overrides: Any) -> RecoveryPlanInput:
    fields: dict[str, Any] = {"name": "shop-dr", "rto_target_minutes": 60, "waves": list(waves)}
    fields.update(overrides)
    return RecoveryPlanInput(**fields)


def plan(*waves: Wave, **overrides: Any) -> RecoveryPlan:
    fields: dict[str, Any] = {
        "id": "rp-shop",
        "name": "shop-dr",
        "rto_target_minutes": 60,
        "waves": list(waves),
        "created_at": T0,
        "created_by": "admin",
        "updated_at": T0,
        "updated_by": "admin",
    }
    fields.update(overrides)
    return RecoveryPlan(**fields)


def source_server(n: int, tags: dict[str, str] | None = None, **overrides: Any) -> SourceServer:
    fields: dict[str, Any] = {
        "source_server_id": server_id(n),
        "tags": tags or {},
        "replication_state": ReplicationState.CONTINUOUS,
        "lag_seconds": 0,
    }
    fields.update(overrides)
    return SourceServer(**fields)


def header(
    execution_id: str = "ex-1", recovery_plan: RecoveryPlan | None = None, **overrides: Any
) -> ExecutionHeader:
    snapshot = recovery_plan or plan(wave("db"))
    fields: dict[str, Any] = {
        "id": execution_id,
        "plan_id": snapshot.id,
        "plan_version": snapshot.version,
        "plan_name": snapshot.name,
        "mode": ExecutionMode.DRILL,
        "created_at": T0,
        "started_by": "operator",
        "plan_snapshot": snapshot,
    }
    fields.update(overrides)
    return ExecutionHeader(**fields)


def target_account(account_id: str = "444455556666", **overrides: Any) -> TargetAccount:
    fields: dict[str, Any] = {
        "account_id": account_id,
        "name": "dr",
        "role_arn": f"arn:aws:iam::{account_id}:role/Drs",
        "external_id": "ext-123",
        "regions": ["us-west-2"],
        "created_at": T0,
        "created_by": "admin",
        "updated_at": T0,
        "updated_by": "admin",
    }
    fields.update(overrides)
    return TargetAccount(**fields)
