"""Execution engine benchmark: a 1,000-server, 12-wave plan with parallel branches on the DRS simulator.

Runs the real state machine (moto's interpreter, handlers in-process) against the simulator with
its default DRS timings, on one scaled clock, and measures:

- wall / ideal: the run's duration (simulated seconds) over the critical path of the simulated DRS
  durations (per wave: first job created -> last job ended; the longest dependency chain of those);
- wave hand-off: from a wave's last dependency completing to the wave's first StartRecovery, with
  and without DRS launch-result events (without them, polling alone notices job ends);
- DRS API calls per server (the simulator's request counters);
- Step Functions state transitions per run, at 1,000 and at 100 servers.

Usage: ``python -m bench.engine.bench_engine [--scale 30] [--out bench/engine/RESULTS.md]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from tests.integration.engine.harness import EngineStack, fleet, server_id, set_environment
from tests.integration.engine.scale_scenario import DAG

from drs_orchestration.composition.store import executions
from drs_simulator.config import Timings


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def run(servers: int, *, events: bool, scale: float) -> dict[str, Any]:
    monkeypatch = pytest.MonkeyPatch()
    stack = EngineStack()
    try:
        set_environment(monkeypatch)
        engine = stack.start(
            monkeypatch,
            servers=fleet(servers),
            scale=scale,
            virtual=False,  # scaled time, as the committed results were measured
            events=events,
            ec2=False,
            timings=Timings(),
        )
        per_wave = servers // len(DAG)
        waves = []
        for index, (wave_id, deps) in enumerate(DAG.items()):
            members = [
                server_id(n)
                for n in range(index * per_wave, servers if index == len(DAG) - 1 else (index + 1) * per_wave)
            ]
            waves.append(
                {
                    "id": wave_id,
                    "name": wave_id.upper(),
                    "protectionGroupIds": [engine.group(wave_id, members)],
                    "dependsOn": [{"waveId": d, "condition": "HEALTHY"} for d in deps],
                    "healthCheck": None,  # measures launching, as the committed results did
                    "timeoutMinutes": 240,
                }
            )
        plan = engine.plan(waves, name=f"bench-{servers}")
        before = Counter(engine.drs.simulator.request_counts())  # the API's own calls are not the engine's
        started = time.monotonic()
        execution = engine.finish(engine.start(plan), limit=3600 * scale)  # an hour of real time
        real_seconds = time.monotonic() - started
        assert execution["status"] == "SUCCEEDED", execution["statusReason"]
        execution_id = execution["id"]
        batches = executions(engine.product).get_batches(execution_id)
        jobs = {job["jobID"]: job for job in engine.drs.drs_client().describe_jobs(filters={})["items"]}
        drs_span: dict[str, tuple[datetime, datetime]] = {}
        first_start: dict[str, datetime] = {}
        for batch in batches:
            job = jobs[batch.job_id or ""]
            created, ended = _at(job["creationDateTime"]), _at(job["endDateTime"])
            low, high = drs_span.get(batch.wave_id, (created, ended))
            drs_span[batch.wave_id] = (min(low, created), max(high, ended))
            first_start[batch.wave_id] = min(
                first_start.get(batch.wave_id, batch.requested_at), batch.requested_at
            )
        finish: dict[str, float] = {}
        for wave_id, deps in DAG.items():  # DAG is in topological order
            duration = (drs_span[wave_id][1] - drs_span[wave_id][0]).total_seconds()
            finish[wave_id] = max((finish[d] for d in deps), default=0.0) + duration
        ideal = max(finish.values())
        wall = (_at(execution["endedAt"]) - _at(execution["startedAt"])).total_seconds()
        ended = {w["id"]: _at(w["endedAt"]) for w in execution["waves"]}
        # hand-off: the engine's decision, from the last dependency completing to the next StartRecovery
        handoffs = [
            (first_start[w] - max(ended[d] for d in deps)).total_seconds() for w, deps in DAG.items() if deps
        ]
        # detection: from DRS ending a wave's last job to the engine seeing the wave complete
        detections = [(ended[w] - drs_span[w][1]).total_seconds() for w in DAG]
        counts = dict(Counter(engine.drs.simulator.request_counts()) - before)
        transitions, ticks = engine.transitions()
        return {
            "servers": servers,
            "events": events,
            "timeScale": scale,
            "realSeconds": round(real_seconds, 1),
            "wallSeconds": round(wall, 1),
            "idealSeconds": round(ideal, 1),
            "ratio": round(wall / ideal, 3),
            "handoffSecondsMax": round(max(handoffs), 2),
            "handoffSecondsMean": round(sum(handoffs) / len(handoffs), 2),
            "detectionSecondsMax": round(max(detections), 1),
            "detectionSecondsMean": round(sum(detections) / len(detections), 1),
            "detectionSeconds": {w: round(d, 1) for w, d in zip(DAG, detections, strict=True)},
            "drsCalls": counts,
            "drsCallsPerServer": round(sum(counts.values()) / servers, 3),
            "jobs": len(batches),
            "stateTransitions": transitions,
            "advanceTicks": ticks,
            "transitionsPerTick": round(transitions / max(ticks, 1), 2),
        }
    finally:
        stack.close()
        monkeypatch.undo()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=30.0)
    parser.add_argument("--runs", default="1000:events,1000:polling,100:events")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.json"))
    args = parser.parse_args()
    results = []
    for spec in args.runs.split(","):
        servers, mode = spec.split(":")
        results.append(run(int(servers), events=mode == "events", scale=args.scale))
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.system()},
        "runs": results,
    }
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2, default=str)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
