"""Errors of the use cases beyond the domain's own."""

from __future__ import annotations

from drs_orchestration.domain.errors import DomainError

__all__ = ["EngineUnavailable"]


class EngineUnavailable(DomainError):
    """No execution engine is configured, or it did not take the run (503)."""

    code = "ENGINE_UNAVAILABLE"
