"""In-memory implementations of the domain's repository ports and of DRS (unit tests, local experiments)."""

from drs_orchestration.adapters.memory.drs import InMemoryDrs, InMemoryDrsGateway
from drs_orchestration.adapters.memory.failback import InMemoryFailback, InMemoryFailbackGateway
from drs_orchestration.adapters.memory.repositories import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.adapters.memory.schedules import InMemoryScheduleRepository

__all__ = [
    "InMemoryAccountRepository",
    "InMemoryAuditRepository",
    "InMemoryDrs",
    "InMemoryDrsGateway",
    "InMemoryExecutionRepository",
    "InMemoryFailback",
    "InMemoryFailbackGateway",
    "InMemoryProtectionGroupRepository",
    "InMemoryRecoveryPlanRepository",
    "InMemoryScheduleRepository",
]
