"""In-memory implementations of the domain's repository ports (unit tests, local experiments)."""

from drs_orchestration.adapters.memory.repositories import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)

__all__ = [
    "InMemoryAccountRepository",
    "InMemoryAuditRepository",
    "InMemoryExecutionRepository",
    "InMemoryProtectionGroupRepository",
    "InMemoryRecoveryPlanRepository",
]
