"""The demo drill of local mode at fleet scale, driven through the API as a user would.

Starts ``python -m drs_local --fleet N --targets AxR --time-scale S --skip-console-build`` on a free port
with its own state directory, measures the time until ``endpoints.json`` is written (ready), signs in
as the demo operator through the local Cognito, starts the demo plan as a drill (``POST /executions``),
polls ``GET /executions/{id}`` until the run ends or ``--limit`` real seconds pass, prints the waves'
progress on the way, writes the figures as JSON and stops local mode with SIGINT.

    python bench/local/drill_at_scale.py [--fleet 4000] [--targets 2x2] [--time-scale 600] [--out f.json]

Run it from the repository root with the project's ``.venv`` and ``PYTHONPATH=lambda:local``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from bench.local.local_mode import local_mode, sign_in  # noqa: E402

ENDED = {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"}


def _http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", **({"Authorization": token} if token else {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _progress(execution: dict[str, Any]) -> str:
    waves = Counter(str(wave["status"]) for wave in execution.get("waves", []))
    return f"{execution['status']} waves " + ", ".join(f"{n} {status}" for status, n in sorted(waves.items()))


def _drill(endpoints: dict[str, Any], limit: float, poll: float) -> dict[str, Any]:
    api, token = endpoints["api"], sign_in(endpoints, "Operator")
    began = time.monotonic()
    body = {"planId": endpoints["demoPlanId"], "mode": "DRILL"}
    status, started = _http("POST", f"{api}/executions", body, token)
    if status != 202:
        raise SystemExit(f"POST /executions answered {status}: {started}")
    execution_id, last = started["executionId"], ""
    execution: dict[str, Any] = {"status": "STARTED"}
    while time.monotonic() - began < limit:
        time.sleep(poll)
        try:
            status, reply = _http("GET", f"{api}/executions/{execution_id}", token=token)
        except OSError as error:  # a slow answer is reported and asked again
            status, reply = 0, str(error)
        execution = reply if status == 200 else execution
        line = _progress(execution) if status == 200 else f"GET: {status} {reply}"[:200]
        if line != last:
            print(f"{time.monotonic() - began:7.1f} s  {line}", flush=True)
            last = line
        if status == 200 and execution["status"] in ENDED:
            break
    real = time.monotonic() - began
    simulated = None
    if execution.get("endedAt"):
        simulated = (_at(execution["endedAt"]) - _at(execution["startedAt"])).total_seconds()
    return {
        "waves": [_wave(wave) for wave in execution.get("waves", [])],
        "executionId": execution_id,
        "status": execution["status"],
        "progress": _progress(execution),
        "realSeconds": round(real, 1),
        "simulatedSeconds": simulated,
    }


def _wave(wave: dict[str, Any]) -> dict[str, Any]:
    """A wave's outcome: servers by launch status and health, and its simulated minutes."""
    servers = wave.get("servers", [])
    minutes = None
    if wave.get("startedAt") and wave.get("endedAt"):
        minutes = round((_at(wave["endedAt"]) - _at(wave["startedAt"])).total_seconds() / 60, 1)
    return {
        "id": wave["id"],
        "status": wave["status"],
        "servers": len(servers),
        "launched": sum(1 for server in servers if server.get("launchStatus") == "LAUNCHED"),
        "healthy": sum(1 for server in servers if server.get("health") == "HEALTHY"),
        "simulatedMinutes": minutes,
    }


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fleet", type=int, default=4000)
    parser.add_argument("--targets", default="2x2")
    parser.add_argument("--time-scale", type=float, default=600.0)
    parser.add_argument("--limit", type=float, default=1800.0, help="real seconds to wait for the drill")
    parser.add_argument("--poll", type=float, default=15.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    state_dir = Path(tempfile.mkdtemp(prefix="drill-at-scale-"))
    arguments = ["--fleet", str(args.fleet), "--targets", args.targets, "--time-scale", str(args.time_scale)]
    with local_mode([*arguments, "--skip-console-build"], state_dir, 600) as (endpoints, ready):
        result = {"fleet": args.fleet, "targets": args.targets, "timeScale": args.time_scale}
        result |= {"readySeconds": round(ready, 1), **_drill(endpoints, args.limit, args.poll)}
    print(json.dumps(result, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
