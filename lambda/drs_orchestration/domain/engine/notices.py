"""Lifecycle notifications: a human subject line and a JSON body with ids, counts, timings and a link."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import JsonValue

from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.engine.ports import NoticeKind, Notification
from drs_orchestration.domain.models.execution import ExecutionHeader, ServerState, WaveState

__all__ = ["notification", "publish_notices"]

_SUBJECTS = {
    NoticeKind.STARTED: "{mode} of {plan} started",
    NoticeKind.WAVE_COMPLETED: "{mode} of {plan}: wave {wave} completed",
    NoticeKind.WAVE_FAILED: "{mode} of {plan}: wave {wave} failed",
    NoticeKind.APPROVAL_NEEDED: "{mode} of {plan}: approval needed for wave {wave}",
    NoticeKind.PAUSED: "{mode} of {plan} paused",
    NoticeKind.FINISHED: "{mode} of {plan} finished: {status}",
}


def _counts(servers: Iterable[ServerState]) -> dict[str, JsonValue]:
    servers = list(servers)
    launch = Counter(s.launch_status.value if s.launch_status else "NOT_STARTED" for s in servers)
    health = Counter(s.health.value for s in servers if s.health)
    return {"servers": len(servers), "launch": dict(launch), "health": dict(health)}


def notification(
    kind: NoticeKind,
    header: ExecutionHeader,
    *,
    console_url: str | None,
    wave: WaveState | None = None,
    message: str = "",
    servers: Iterable[ServerState] = (),
) -> Notification:
    subject = _SUBJECTS[kind].format(
        mode=header.mode.value.title(),
        plan=header.plan_name,
        wave=wave.name if wave else "",
        status=header.status.value,
    )
    started, ended = header.started_at, header.ended_at
    body: dict[str, JsonValue] = {
        "kind": kind,
        "executionId": header.id,
        "planId": header.plan_id,
        "planName": header.plan_name,
        "mode": header.mode.value,
        "status": header.status.value,
        "message": message,
        "counts": _counts(servers),
        "timings": {
            "startedAt": started.isoformat() if started else None,
            "endedAt": ended.isoformat() if ended else None,
            "durationSeconds": (ended - started).total_seconds() if started and ended else None,
        },
        "consoleUrl": f"{console_url.rstrip('/')}/executions/{header.id}" if console_url else None,
    }
    if wave is not None:
        body["wave"] = {
            "id": wave.wave_id,
            "name": wave.name,
            "status": wave.status.value,
            "reason": wave.reason,
            "startedAt": wave.started_at.isoformat() if wave.started_at else None,
            "endedAt": wave.ended_at.isoformat() if wave.ended_at else None,
        }
    return Notification(kind=kind, subject=subject[:100], body=body)


def publish_notices(tick: Tick) -> None:
    for kind, wave_id, message in tick.notices:
        wave = tick.waves.get(wave_id) if wave_id else None
        servers = tick.servers.get(wave_id, []) if wave_id else []
        tick.ports.notifier.publish(
            notification(
                kind,
                tick.header,
                console_url=tick.config.console_url,
                wave=wave,
                message=message,
                servers=servers,
            )
        )
    tick.notices.clear()
