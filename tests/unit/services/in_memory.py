"""The API's ports over the in-memory adapters, for the use-case tests."""

from __future__ import annotations

from typing import Any

from drs_orchestration.adapters.memory import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.domain.ports import DrsGatewayFactory
from drs_orchestration.domain.services.context import Services
from tests.unit.domain.builders import ACCOUNT


def in_memory_services(
    drs: DrsGatewayFactory,
    *,
    groups: InMemoryProtectionGroupRepository | None = None,
    plans: InMemoryRecoveryPlanRepository | None = None,
    executions: InMemoryExecutionRepository | None = None,
    **optional: Any,
) -> Services:
    """Empty in-memory stores (but those given), ``drs``, no runner, and the ``optional`` ports."""
    return Services(
        groups=groups or InMemoryProtectionGroupRepository(),
        plans=plans or InMemoryRecoveryPlanRepository(),
        executions=executions or InMemoryExecutionRepository(),
        accounts=InMemoryAccountRepository(),
        audit=InMemoryAuditRepository(),
        drs=drs,
        runner=None,
        home_account_id=ACCOUNT,
        **optional,
    )
