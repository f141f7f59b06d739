"""Run the DRS simulator standalone: ``python -m drs_simulator --port 8300 --fleet demo --time-scale 60``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .clock import SimClock
from .config import Quotas, SimConfig
from .ec2_mirror import Ec2Mirror
from .events import EventBridgeSink, EventSink, WebhookSink
from .server import serve
from .simulator import FleetSpec, Simulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m drs_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300, help="0 picks a free port")
    parser.add_argument("--fleet", default="demo", help='"demo", a server count, or "none"')
    parser.add_argument("--time-scale", type=float, default=None, help="simulated seconds per real second")
    parser.add_argument("--clock", choices=["realtime", "scaled", "manual"], default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--config", help="JSON file with SimConfig fields (quotas, timings, faults, ...)")
    parser.add_argument("--quotas", choices=["current", "legacy"], default=None)
    parser.add_argument("--webhook", action="append", default=[], help="POST every event to this URL")
    parser.add_argument("--eventbridge-endpoint", help="PutEvents every event to this endpoint")
    parser.add_argument("--ec2-endpoint", help="mirror recovery instances into this EC2 endpoint")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> Simulator:
    config = SimConfig.from_file(args.config) if args.config else SimConfig()
    if args.seed is not None:
        config.seed = args.seed
    if args.quotas:
        config.quotas = Quotas.profile(args.quotas)
    if args.time_scale is not None:
        config.time_scale = args.time_scale
        config.clock_mode = "scaled"
    if args.clock:
        config.clock_mode = args.clock
    sinks: list[EventSink] = [WebhookSink(url) for url in args.webhook]
    if args.eventbridge_endpoint:
        sinks.append(EventBridgeSink(args.eventbridge_endpoint))
    mirror = Ec2Mirror(args.ec2_endpoint) if args.ec2_endpoint else None
    simulator = Simulator(
        config, clock=SimClock(config.clock_mode, config.time_scale), sinks=sinks, ec2_mirror=mirror
    )
    if args.fleet != "none":
        fleet: FleetSpec = int(args.fleet) if args.fleet.isdigit() else args.fleet
        simulator.load_fleet(fleet)
    return simulator


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        simulator = build(args)
    except (ValueError, OSError) as exc:
        print(f"drs_simulator: {exc}", file=sys.stderr)
        return 2
    server, _ = serve(simulator, args.host, args.port)
    print(json.dumps({"drs": server.endpoint_url, **simulator.clock.describe()}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    server.server_close()
    simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
