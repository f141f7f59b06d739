"""Per-tick work bounded by what changed: while a run waits on its DRS jobs, or on its health gates,
and nothing changes, a tick reads as many DynamoDB items at 192 servers as at 48 (and no server item)."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.adapters import aws_calls
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.models.execution import EventType
from drs_orchestration.domain.server_counts import count_servers
from drs_simulator.config import Span
from tests.integration.engine.harness import FAST_TIMINGS, HOUR, Engine, fleet, server_id

WAVES = 4
CONVERSION = 900.0
BOOT = 720.0
# Every phase before conversion takes under a minute here, so every server converts from a minute
# after its job started for 15 minutes, and boots for 12 minutes once launched (within the health
# gate's 15): those are the windows where nothing changes (a margin on either side).
MARGIN = 120.0
SLOW_CONVERSION = FAST_TIMINGS.model_copy(
    update={
        "conversion_linux": Span(min=CONVERSION, max=CONVERSION),
        "conversion_windows": Span(min=CONVERSION, max=CONVERSION),
        "conversion_fast": Span(min=CONVERSION, max=CONVERSION),
        "boot_linux": Span(min=BOOT, max=BOOT),
        "boot_windows": Span(min=BOOT, max=BOOT),
    }
)


@dataclass
class Ticks:
    """Each Advance: when it ran (simulated) and the DynamoDB items it read, by operation."""

    engine: Engine
    seen: list[tuple[datetime, Counter[tuple[str, str]]]] = field(default_factory=list)

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def counted(event: Any, context: Any) -> Any:
            at = self.engine.drs.simulator.clock.now()
            before = Counter(aws_calls.ITEMS_READ)
            try:
                return handler(event, context)
            finally:
                self.seen.append((at, aws_calls.ITEMS_READ - before))

        return counted

    def within(self, start: datetime, end: datetime) -> list[Counter[tuple[str, str]]]:
        return [items for at, items in self.seen if start <= at <= end]


def _run(engine: Engine, ticks: Ticks, name: str, servers: list[str]) -> dict[str, list[int]]:
    """Run a plan of ``WAVES`` parallel gated waves over ``servers``; the items read by each tick of
    its two quiet windows (all jobs converting; all instances booting)."""
    per_wave = len(servers) // WAVES
    waves = [
        {
            "id": f"{name}-{n}",
            "name": f"{name} {n}",
            "protectionGroupIds": [engine.group(f"{name}-{n}", servers[n * per_wave : (n + 1) * per_wave])],
            "timeoutMinutes": 600,
        }
        for n in range(WAVES)
    ]
    plan_id = engine.plan(waves, name=name)
    ticks.seen.clear()
    execution_id = engine.start(plan_id)
    execution = engine.finish(execution_id, limit=6 * HOUR)
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    # the counts each wave item carries are those of its servers
    store = executions(engine.product)
    for wave in store.get_waves(execution_id):
        servers = store.get_servers(execution_id, wave.wave_id)
        assert wave.server_counts == count_servers(servers, health_checked=True)
        assert wave.server_counts.critical_recovered == per_wave
    timeline = engine.timeline(execution_id)
    jobs_started = max(e.at for e in timeline if e.type is EventType.JOB_STARTED)
    gates_started = max(e.at for e in timeline if e.type is EventType.HEALTH_CHECK_STARTED)
    converting = ticks.within(
        jobs_started + timedelta(seconds=MARGIN), jobs_started + timedelta(seconds=CONVERSION - MARGIN)
    )
    booting = ticks.within(
        gates_started + timedelta(seconds=MARGIN), gates_started + timedelta(seconds=BOOT - MARGIN)
    )
    assert len(converting) >= 10, len(converting)
    assert len(booting) >= 10, len(booting)
    for items in converting + booting:  # a quiet tick reads no server, by key or by listing
        assert items[("dynamodb", "BatchGetItem")] == 0, items
    return {
        "converting": sorted({sum(items.values()) for items in converting}),
        "booting": sorted({sum(items.values()) for items in booting}),
    }


@pytest.mark.slow  # about 5 minutes: two runs through the whole product
def test_a_tick_reads_as_many_items_at_192_servers_as_at_48_when_it_waits_on_jobs_or_gates(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given 240 servers, a plan of 4 parallel health-gated waves over 48 of them, and the same plan
    # over the other 192; DRS converts for 15 minutes and the instances boot for 12 minutes
    engine = engine_factory(servers=fleet(240), timings=SLOW_CONVERSION)
    ticks = Ticks(engine)
    engine.runtime.handlers["AdvanceFunction"] = ticks.wrap(engine.runtime.handlers["AdvanceFunction"])
    ids = [server_id(n) for n in range(240)]

    # When each runs in turn
    small = _run(engine, ticks, "small", ids[:48])
    large = _run(engine, ticks, "large", ids[48:])

    # Then a tick that waits on the jobs, or on the gates, reads the same number of items at both sizes
    assert large == small
    # and that number is the run's few bookkeeping items (header, waves, batches or gate items), not
    # one per server
    assert max(small["converting"] + small["booting"]) <= 16, small
