"""Errors of the use cases beyond the domain's own."""

from __future__ import annotations

from collections.abc import Sequence

from drs_orchestration.domain.errors import Conflict, DomainError

__all__ = ["EngineUnavailable", "membership_conflict"]


def membership_conflict(grouped: Sequence[tuple[str, str]], total: int | None = None) -> Conflict:
    """The 409 for servers another group holds: ``(sourceServerId, group name)`` pairs, the first five
    named; ``total`` counts them all when only the first are given."""
    sample = ", ".join(f"{server} ({group})" for server, group in grouped[:5])
    count = len(grouped) if total is None else total
    more = f" and {count - 5} more" if count > 5 else ""
    return Conflict(f"a server belongs to one protection group only; already grouped: {sample}{more}")


class EngineUnavailable(DomainError):
    """No execution engine is configured, or it did not take the run (503)."""

    code = "ENGINE_UNAVAILABLE"
