"""Recovery plans: waves of protection groups that form a DAG through ``dependsOn``."""

from __future__ import annotations

from enum import StrEnum
from inspect import cleandoc
from typing import Annotated

from pydantic import Field

from drs_orchestration.domain.models.actions import Action
from drs_orchestration.domain.models.base import (
    CamelModel,
    Description,
    DocumentName,
    Name,
    ProtectionGroupId,
    RecoveryPlanId,
    SourceServerId,
    SsmParameters,
    Stamped,
    Version,
    WaveId,
)

__all__ = [
    "MAX_ACTIONS_PER_PHASE",
    "MAX_GROUPS_PER_PLAN",
    "MAX_SERVERS_PER_PLAN",
    "MAX_WAVES_PER_PLAN",
    "DependencyCondition",
    "HealthCheck",
    "RecoveryPlan",
    "RecoveryPlanInput",
    "RecoveryPlanUpdate",
    "Wave",
    "WaveDependency",
]

MAX_WAVES_PER_PLAN = 100
MAX_SERVERS_PER_PLAN = 4000
MAX_GROUPS_PER_PLAN = 97
"""A plan is stored with the "used by" mark of each of its protection groups and its audit record in one
DynamoDB transaction (at most 100 items), so a plan names at most 97 distinct protection groups."""
MAX_ACTIONS_PER_PHASE = 20


class DependencyCondition(StrEnum):
    """When a dependency lets its dependants start.

    ``LAUNCHED``: every server of the dependency has launched (health and post-actions may still run).
    ``HEALTHY``: the dependency has completed: launched, health gate passed, post-actions done. On a
    wave whose health gate is off (``"healthCheck": null``) that is launched and post-actions done.
    """

    LAUNCHED = "LAUNCHED"
    HEALTHY = "HEALTHY"


class WaveDependency(CamelModel):
    wave_id: WaveId
    condition: DependencyCondition = DependencyCondition.HEALTHY


class HealthCheck(CamelModel):
    """The health gate of a wave: EC2 status checks of each recovered instance, then an SSM command
    document run on it; success means healthy."""

    # Descriptions are given as Field(description=...), not attribute docstrings: reading those makes
    # pydantic parse this module's source while the class is created, a large part of a cold start.
    document_name: DocumentName | None = Field(
        default=None,
        description=cleandoc(
            """The SSM command document to run on each recovered instance. Absent or null: the product's own
            post-launch health check (EC2 status checks, then the document the product installs, with its
            default parameters unless ``parameters`` says otherwise)."""
        ),
    )
    parameters: SsmParameters = Field(default={}, description="Parameters of the document.")
    timeout_seconds: Annotated[
        int,
        Field(
            ge=30,
            le=7200,
            description="How long the whole gate may take before an undecided instance counts as unhealthy.",
        ),
    ] = 900


class Wave(CamelModel):
    id: WaveId
    name: Name
    protection_group_ids: Annotated[list[ProtectionGroupId], Field(min_length=1, max_length=100)]
    depends_on: Annotated[
        list[WaveDependency],
        Field(
            max_length=MAX_WAVES_PER_PLAN,
            description=(
                "Waves this one waits for. ``HEALTHY`` waits until the dependency completed: launched,"
                " health\ngate passed (when it has one) and post-actions done."
            ),
        ),
    ] = []
    pre_actions: Annotated[list[Action], Field(max_length=MAX_ACTIONS_PER_PHASE)] = []
    post_actions: Annotated[list[Action], Field(max_length=MAX_ACTIONS_PER_PHASE)] = []
    health_check: HealthCheck | None = Field(
        default_factory=HealthCheck,
        description=cleandoc(
            """The wave's health gate, run after every server has launched. Absent: the product's post-launch
            health check with its defaults (``{}``). An object: that check (its ``documentName`` absent means
            the product's document). ``null``: no health gate; the wave's servers count as recovered once
            launched, and a ``HEALTHY`` dependency on the wave then means launched and post-actions done."""
        ),
    )
    pause_before: bool = Field(
        default=False, description="Wait for an operator's approval before the wave starts."
    )
    optional_server_ids: Annotated[
        list[SourceServerId],
        Field(
            max_length=MAX_SERVERS_PER_PLAN,
            description="Servers whose failure does not fail the wave (every other server is CRITICAL).",
        ),
    ] = []
    timeout_minutes: Annotated[
        int,
        Field(
            ge=1,
            le=1440,
            description=(
                "How long the wave's servers may take to launch, from when its launch begins (after its"
                " pre-actions), before the wave fails."
            ),
        ),
    ] = 60


class RecoveryPlanInput(CamelModel):
    """What a client sends to create a recovery plan (structure only; see ``plan_validation``)."""

    name: Name
    description: Description = ""
    rto_target_minutes: Annotated[int, Field(ge=1, le=10_080)]
    drill_ttl_hours: Annotated[int, Field(ge=1, le=720)] | None = None
    waves: Annotated[list[Wave], Field(min_length=1, max_length=MAX_WAVES_PER_PLAN)]

    def protection_group_ids(self) -> list[str]:
        """Every protection group the plan uses, once, in plan order."""
        return list(dict.fromkeys(pg for wave in self.waves for pg in wave.protection_group_ids))


class RecoveryPlanUpdate(RecoveryPlanInput):
    """A full replacement of a plan; ``version`` is the version the client last read."""

    version: Version


class RecoveryPlan(RecoveryPlanInput, Stamped):
    """A stored recovery plan."""

    id: RecoveryPlanId
