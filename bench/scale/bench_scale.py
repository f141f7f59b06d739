"""Scale benchmark: servers over 2 accounts x 2 Regions, 12 waves, health gates on every wave.

The plan of ``tests/integration/engine/scale_scenario.py`` runs as a DRILL through the real API, state
machine (moto's interpreter) and engine handlers (in-process) against the DRS simulator at its
**default** timings, with the EC2 mirror and the local runtime's EC2 status / Run Command / Automation
emulations on. Another run of ours is active in the home account's first Region, and a launch from
outside the product takes 100 servers of quota there once the second wave launches.

The clock is virtual: it moves only when every thread waits, so simulated figures (wall / ideal, quotas,
calls per tick) do not depend on the machine's load; real-time figures (Advance tick duration) do.

Usage: ``PYTHONPATH=lambda:local:. .venv/bin/python bench/scale/bench_scale.py --per-target 1000``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from moto.dynamodb.models.table import Table
from tests.integration.engine.harness import HOUR, Engine, EngineStack, set_environment
from tests.integration.engine.scale_scenario import (
    AUTOMATION_SECONDS,
    DAG,
    POST_ACTION_WAVES,
    PRE_ACTION_WAVES,
    TARGETS,
    build,
    ideal_seconds,
    launch_jobs,
    quota_maxima,
    target_fleet,
)

from drs_local.dynamodb_scale import LeanDynamoDB
from drs_orchestration.adapters import aws_calls
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.engine.context import EXECUTION_TAG
from drs_orchestration.domain.models.execution import ExecutionStatus, WaveStatus
from drs_simulator import lifecycle
from drs_simulator.config import Timings

ENDED = frozenset(
    {ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED}
)
OTHER_SERVERS = 200
OUTSIDE_SERVERS = 100
MEMORY_EVERY = 10  # trace allocations on every 10th Advance tick only (tracing slows the tick down)


class Probe:
    """Counts per Advance tick, DRS requests per target, refusals, tick durations and memory."""

    def __init__(self) -> None:
        self.ticks: list[dict[str, Any]] = []
        self.memory: list[int] = []
        self.drs: Counter[tuple[str, str, str]] = Counter()
        self.refused: list[str] = []
        self.largest_item = 0
        self.booted: dict[str, datetime] = {}  # recovery instance id -> when its OS came up

    def advance(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def timed(event: Any, context: Any) -> Any:
            traced = len(self.ticks) % MEMORY_EVERY == MEMORY_EVERY - 1
            calls, drs, items = Counter(aws_calls.CALLS), Counter(self.drs), Counter(aws_calls.ITEMS_READ)
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                seconds = time.perf_counter() - started
                if traced:
                    self.memory.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.stop()
                self.ticks.append(
                    {
                        "seconds": seconds,
                        "traced": traced,
                        "calls": aws_calls.calls_since(calls),
                        "itemsRead": sum((aws_calls.ITEMS_READ - items).values()),
                        "drs": self.drs - drs,
                    }
                )

        return timed

    def simulator(self, handle: Callable[..., Any]) -> Callable[..., Any]:
        def counted(operation: str, account: str, region: str, params: dict[str, Any]) -> Any:
            self.drs[(operation, account, region)] += 1
            try:
                return handle(operation, account, region, params)
            except Exception as error:
                if operation == "StartRecovery":
                    self.refused.append(f"{account}/{region}: {error}")
                raise

        return counted

    def boot(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def booted(sim: Any, part: Any, run: Any, instance: Any) -> None:
            original(sim, part, run, instance)
            if instance.ec2_state == "RUNNING":
                self.booted[instance.recovery_instance_id] = sim.now

        return booted

    def put_item(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def sized(table: Table, *args: Any, **kwargs: Any) -> Any:
            item = original(table, *args, **kwargs)
            self.largest_item = max(self.largest_item, item.size())
            return item

        return sized


def _drive(engine: Engine, met: Callable[[], bool]) -> None:
    assert engine.virtual is not None
    engine.virtual.run_until(met, 24 * HOUR, lambda: "the scale run did not get there in a simulated day")


def _largest_stored_item() -> int:
    from moto.dynamodb.models import dynamodb_backends

    largest = 0
    for account_backends in dynamodb_backends.values():
        for backend in account_backends.values():
            for table in backend.tables.values():
                for item in table.all_items():
                    largest = max(largest, item.size())
    return largest


def _per_tick(probe: Probe) -> dict[str, Any]:
    ticks = [t for t in probe.ticks if not t["traced"]] or probe.ticks
    durations = sorted(t["seconds"] for t in ticks)
    calls: Counter[str] = Counter()
    for tick in probe.ticks:
        calls.update({f"{service}:{operation}": n for (service, operation), n in tick["calls"].items()})
    count = max(len(probe.ticks), 1)
    dynamo = {k: v for k, v in calls.items() if k.startswith("dynamodb:")}
    reads = sum(
        v for k, v in dynamo.items() if k.split(":")[1] in ("GetItem", "Query", "BatchGetItem", "Scan")
    )
    per_target_describe_jobs = Counter(
        (a, r)
        for tick in probe.ticks
        for (op, a, r), n in tick["drs"].items()
        if op == "DescribeJobs"
        for _ in range(n)
    )
    return {
        "ticks": len(probe.ticks),
        "p50Seconds": round(statistics.median(durations), 3),
        "p99Seconds": round(durations[min(len(durations) - 1, int(0.99 * len(durations)))], 3),
        "maxSeconds": round(durations[-1], 3),
        "callsPerTick": {k: round(v / count, 2) for k, v in sorted(calls.items())},
        "dynamodbReadsPerTick": round(reads / count, 2),
        "dynamodbWritesPerTick": round((sum(dynamo.values()) - reads) / count, 2),
        "dynamodbItemsReadPerTick": round(sum(t.get("itemsRead", 0) for t in probe.ticks) / count, 2),
        "dynamodbItemsReadMaxTick": max((t.get("itemsRead", 0) for t in probe.ticks), default=0),
        "describeJobsPerTickPerTarget": {
            f"{a}/{r}": round(n / count, 2) for (a, r), n in sorted(per_target_describe_jobs.items())
        },
        "peakTracedBytes": max(probe.memory, default=0),
    }


def _instance_status_batches(probe: Probe) -> dict[str, Any]:
    calls = sum(t["calls"].get(("ec2", "DescribeInstanceStatus"), 0) for t in probe.ticks)
    return {"describeInstanceStatusCalls": calls}


def run(per_target: int, *, command_seconds: float) -> dict[str, Any]:
    monkeypatch = pytest.MonkeyPatch()
    stack = EngineStack()
    probe = Probe()
    try:
        set_environment(monkeypatch)
        monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        engine = stack.start(
            monkeypatch,
            servers=target_fleet(per_target, OTHER_SERVERS + OUTSIDE_SERVERS),
            virtual=True,
            events=True,
            ec2=True,
            timings=Timings(),
        )
        engine.instances.command_seconds = command_seconds
        monkeypatch.setattr(Table, "put_item", probe.put_item(Table.put_item))
        lean = LeanDynamoDB()  # as local mode runs moto: one table backup per transaction
        lean.install()
        stack.closers.append(lean.uninstall)
        # measurement only: the simulator's boot step, to extend the ideal by EC2's boot time
        monkeypatch.setattr(lifecycle, "_booted", probe.boot(lifecycle._booted))
        scale_run = build(engine, per_target, other=OTHER_SERVERS, outside=OUTSIDE_SERVERS)
        engine.runtime.handlers["AdvanceFunction"] = probe.advance(engine.runtime.handlers["AdvanceFunction"])
        simulator = engine.drs.simulator
        simulator.handle = probe.simulator(simulator.handle)  # type: ignore[method-assign]
        started = time.monotonic()
        execution_id = engine.start(scale_run.plan_id)
        other_id = engine.start(scale_run.other_plan_id)
        store = executions(engine.product)
        # the driver reads only what it waits for (the API's full execution costs a query of every server)
        launching = {WaveStatus.LAUNCHING, WaveStatus.LAUNCHED, WaveStatus.HEALTH_CHECK}
        _drive(engine, lambda: any(w.status in launching for w in store.get_waves(execution_id)[1:3]))
        account, region = TARGETS[0]
        outside = engine.drs.drs_client(region=region, account_id=account)
        outside.start_recovery(sourceServers=[{"sourceServerID": s} for s in scale_run.outside], isDrill=True)
        _drive(engine, lambda: all(store.get_header(e).status in ENDED for e in (execution_id, other_id)))
        _drive(engine, lambda: not engine.engine_running())
        execution, other = engine.execution(execution_id), engine.execution(other_id)
        real_seconds = time.monotonic() - started
        jobs = launch_jobs(engine)
        ours = [j for target_jobs in jobs.values() for j in target_jobs]
        gates = {
            w: command_seconds
            + (AUTOMATION_SECONDS if w in PRE_ACTION_WAVES else 0.0)
            + (command_seconds if w in POST_ACTION_WAVES else 0.0)
            for w in DAG
        }
        ideal = ideal_seconds(execution, ours, gates, probe.booted)
        wall = (_at(execution["endedAt"]) - _at(execution["startedAt"])).total_seconds()
        launched = Counter(
            s["sourceServerID"]
            for j in ours
            if j.get("tags", {}).get(EXECUTION_TAG) == execution_id
            for s in j["participatingServers"]
        )
        transitions, advances = engine.transitions()
        return {
            "servers": per_target * len(TARGETS),
            "targets": [f"{a}/{r}" for a, r in TARGETS],
            "status": execution["status"],
            "statusReason": execution.get("statusReason"),
            "otherRunStatus": other["status"],
            "realSeconds": round(real_seconds, 1),
            "wallSeconds": round(wall, 1),
            "idealSeconds": round(ideal, 1),
            "ratio": round(wall / ideal, 3),
            "refusedStartRecovery": probe.refused,
            "serversLaunchedMoreThanOnce": sum(1 for n in launched.values() if n > 1),
            "quotaMaxima": {f"{a}/{r}": quota_maxima(js) for (a, r), js in jobs.items()},
            "stateTransitions": transitions,
            "advanceTicks": advances,
            "advance": _per_tick(probe),
            **_instance_status_batches(probe),
            "drsRequests": {f"{op} {a}/{r}": n for (op, a, r), n in sorted(probe.drs.items())},
            "largestItemWrittenBytes": probe.largest_item,
            "largestItemStoredBytes": _largest_stored_item(),
        }
    finally:
        stack.close()
        monkeypatch.undo()


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-target", type=int, default=1000)
    parser.add_argument("--command-seconds", type=float, default=5.0)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.json"))
    args = parser.parse_args()
    load = os.getloadavg()
    result = run(args.per_target, command_seconds=args.command_seconds)
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "system": platform.system(),
            "loadAverageAtStart": [round(x, 2) for x in load],
            "loadAverageAtEnd": [round(x, 2) for x in os.getloadavg()],
        },
        "run": result,
    }
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2, default=str)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
