"""Which servers of an execution a paged listing returns (``GET /executions/{id}/servers``)."""

from __future__ import annotations

from enum import StrEnum

from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.execution import ServerState

__all__ = ["ServerFilter", "ServerStatusFilter"]


class ServerStatusFilter(StrEnum):
    """A server's launch status (``NOT_STARTED`` before it is put in a DRS job), or its health-gate
    verdict (``HEALTHY``, ``UNHEALTHY``)."""

    NOT_STARTED = "NOT_STARTED"
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    LAUNCHED = "LAUNCHED"
    FAILED = "FAILED"
    TERMINATED = "TERMINATED"
    HEALTHY = "HEALTHY"
    UNHEALTHY = "UNHEALTHY"


_HEALTH = {ServerStatusFilter.HEALTHY, ServerStatusFilter.UNHEALTHY}


class ServerFilter(CamelModel):
    """Every condition given must hold; none given: every server."""

    wave_id: str | None = None
    status: ServerStatusFilter | None = None
    account_id: str | None = None
    region: str | None = None

    def matches(self, server: ServerState) -> bool:
        return (
            self.wave_id in (None, server.wave_id)
            and self.account_id in (None, server.account_id)
            and self.region in (None, server.region)
            and (self.status is None or self._status_matches(server))
        )

    def _status_matches(self, server: ServerState) -> bool:
        if self.status in _HEALTH:
            return server.health is not None and server.health.value == self.status
        if self.status is ServerStatusFilter.NOT_STARTED:
            return server.launch_status is None
        return server.launch_status is not None and server.launch_status.value == self.status
