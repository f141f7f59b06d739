"""A wave's ``ServerCounts``: counted from its servers, or moved by the servers that changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import HealthStatus, ServerCounts, ServerImpact, ServerState

__all__ = ["count_servers", "recount"]

_Key = tuple[str, str]


def _recovered_at(server: ServerState, health_checked: bool) -> datetime | None:
    return server.healthy_at if health_checked else server.launched_at


def _keys(server: ServerState, health_checked: bool) -> Iterable[_Key]:
    yield ("total", "")
    if server.batch_id is None and server.launch_status is None:
        yield ("waiting", "")
    if server.launch_status is not None:
        yield ("launch", server.launch_status.value)
    if server.health is not None:
        yield ("health", server.health.value)
    if server.launch_status is LaunchStatus.FAILED or server.health is HealthStatus.UNHEALTHY:
        yield ("failed", "")
    if server.impact is ServerImpact.CRITICAL:
        yield ("critical", "")
        if _recovered_at(server, health_checked) is not None:
            yield ("critical_recovered", "")


def _tally(servers: Iterable[ServerState], health_checked: bool) -> Counter[_Key]:
    tally: Counter[_Key] = Counter()
    for server in servers:
        tally.update(_keys(server, health_checked))
    return tally


def _counts(tally: Counter[_Key], last_recovered_at: datetime | None) -> ServerCounts:
    return ServerCounts(
        total=tally[("total", "")],
        waiting=tally[("waiting", "")],
        launch={LaunchStatus(k[1]): n for k, n in sorted(tally.items()) if k[0] == "launch" and n},
        health={HealthStatus(k[1]): n for k, n in sorted(tally.items()) if k[0] == "health" and n},
        failed=tally[("failed", "")],
        critical=tally[("critical", "")],
        critical_recovered=tally[("critical_recovered", "")],
        last_recovered_at=last_recovered_at,
    )


def _latest(servers: Iterable[ServerState], health_checked: bool) -> datetime | None:
    times = [
        t
        for s in servers
        if s.impact is ServerImpact.CRITICAL and (t := _recovered_at(s, health_checked)) is not None
    ]
    return max(times, default=None)


def count_servers(servers: Iterable[ServerState], *, health_checked: bool) -> ServerCounts:
    """The counts of a wave whose every server is in ``servers``."""
    servers = list(servers)
    return _counts(_tally(servers, health_checked), _latest(servers, health_checked))


def recount(
    counts: ServerCounts,
    before: Iterable[ServerState],
    after: Iterable[ServerState],
    *,
    health_checked: bool,
) -> ServerCounts:
    """``counts`` once the servers ``before`` became ``after`` (the same servers, changed)."""
    tally: Counter[_Key] = Counter({("total", ""): counts.total, ("waiting", ""): counts.waiting})
    tally.update({("launch", k.value): n for k, n in counts.launch.items()})
    tally.update({("health", k.value): n for k, n in counts.health.items()})
    tally.update(
        {
            ("failed", ""): counts.failed,
            ("critical", ""): counts.critical,
            ("critical_recovered", ""): counts.critical_recovered,
        }
    )
    after = list(after)
    tally.subtract(_tally(before, health_checked))
    tally.update(_tally(after, health_checked))
    latest = [t for t in (counts.last_recovered_at, _latest(after, health_checked)) if t is not None]
    return _counts(+tally, max(latest, default=None))
