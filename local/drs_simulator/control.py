"""The ``/_sim/`` control API: reset, fixtures, clock, faults, events, request counters, failback
client, state dump. Paths under ``/_sim/`` never collide with DRS routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from pydantic import ValidationError

from .errors import DrsError

if TYPE_CHECKING:
    from .simulator import Simulator


Route = Callable[["Simulator", dict[str, Any], dict[str, str]], Any]


def handle(sim: Simulator, method: str, path: str, query: str, body: bytes) -> tuple[int, Any]:
    try:
        payload = json.loads(body) if body.strip() else {}
        if not isinstance(payload, dict):
            return 400, {"message": "body must be a JSON object"}
        args = {k: v[0] for k, v in parse_qs(query).items()}
        route: Route | None = ROUTES.get((method, path))
        if route is None:
            return 404, {"message": f"unknown control route {method} {path}"}
        return 200, route(sim, payload, args)
    except (ValueError, ValidationError, TypeError, KeyError) as exc:
        return 400, {"message": str(exc)}
    except DrsError as exc:
        return exc.status, {"message": exc.message, "type": exc.error_type}


def _reset(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    sim.reset()
    if "fleet" in body:
        return {"sourceServerIDs": sim.load_fleet(body["fleet"])}
    return {}


def _fixtures(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    fleet = body.get("servers", body.get("fleet"))
    if fleet is None:
        raise ValueError('give "servers": [...] or "fleet": "demo" | N')
    return {"sourceServerIDs": sim.load_fleet(fleet)}


def _advance(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    sim.clock.advance(float(body["seconds"]))
    return sim.clock.describe()


def _set_faults(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    return sim.set_faults(body).model_dump()


def _clear_faults(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    sim.clear_faults()
    return sim.faults.model_dump()


def _events(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    sim.process_due()
    events = sim.events.since(int(args.get("since", 0)))
    return {"events": events, "lastSeq": sim.events.last_seq}


def _connect(sim: Simulator, body: dict[str, Any], args: dict[str, str]) -> Any:
    account = body.get("accountId", sim.config.default_account)
    region = body.get("region", sim.config.default_region)
    return sim.connect_failback_client(account, region, body["recoveryInstanceID"])


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/_sim/reset"): _reset,
    ("POST", "/_sim/fixtures"): _fixtures,
    ("POST", "/_sim/clock/advance"): _advance,
    ("GET", "/_sim/clock"): lambda sim, body, args: sim.clock.describe(),
    ("GET", "/_sim/faults"): lambda sim, body, args: sim.faults.model_dump(),
    ("POST", "/_sim/faults"): _set_faults,
    ("DELETE", "/_sim/faults"): _clear_faults,
    ("GET", "/_sim/events"): _events,
    ("GET", "/_sim/requests"): lambda sim, body, args: {"requests": sim.request_counts(args.get("op"))},
    ("GET", "/_sim/concurrency"): lambda sim, body, args: {
        "peakInFlight": sim.peak_in_flight(args.get("op"))
    },
    ("POST", "/_sim/failback-client/connect"): _connect,
    ("GET", "/_sim/state"): lambda sim, body, args: sim.state(),
}
