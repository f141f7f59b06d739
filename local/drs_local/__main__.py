"""Local mode: ``python -m drs_local [--port 8000] [--time-scale 60] [--fleet demo|N] [--targets AxR]`` (what
``./deploy.sh --local`` runs). Serves the console and API, local AWS and the DRS simulator on 127.0.0.1
until Ctrl-C (SIGINT) or SIGTERM, then stops every part it started."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from drs_local.mode.console import ConsoleBuildError
from drs_local.mode.endpoints import ENDPOINTS_FILE, Endpoints, default_state_dir
from drs_local.mode.front import PortInUse
from drs_local.mode.runtime import LocalMode, Options
from drs_local.mode.targets import Targets, parse_targets
from drs_simulator.simulator import FleetSpec

ROOT = Path(__file__).resolve().parents[2]


def _fleet(value: str) -> FleetSpec:
    if value == "demo":
        return "demo"
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise argparse.ArgumentTypeError('give "demo" or a number of servers')


def _scale(value: str) -> float:
    scale = float(value)
    if scale <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return scale


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return port


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./deploy.sh --local", description=__doc__)
    parser.add_argument("--port", type=_port, default=8000, help="console and API port (default 8000)")
    parser.add_argument(
        "--time-scale", type=_scale, default=60.0, help="simulated DRS seconds per real second (default 60)"
    )
    parser.add_argument(
        "--fleet", type=_fleet, default="demo", help='"demo" (default) or a number of servers'
    )
    parser.add_argument(
        "--targets",
        type=parse_targets,
        default=Targets(),
        help="a generated fleet over A accounts x R Regions, e.g. 2x2 (default 1x1)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="where endpoints.json goes (default .local, or $DRS_LOCAL_DIR)",
    )
    parser.add_argument("--skip-console-build", action="store_true", help="serve frontend/dist as it is")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def banner(endpoints: Endpoints, endpoints_file: Path) -> str:
    width = max(len(user.username) for user in endpoints.users) if endpoints.users else 0
    lines = [
        "",
        f"DRS Orchestration is running locally (DRS time x{endpoints.time_scale:g}).",
        "",
        f"  Console      {endpoints.console}",
        f"  API          {endpoints.api}",
        f"  Local AWS    {endpoints.aws}",
        f"  DRS          {endpoints.drs}",
        "",
        "  Sign in as:",
        *(f"    {user.username:<{width}}  {user.password}  ({user.group})" for user in endpoints.users),
        "",
    ]
    lines += [
        f"  Demo plan    {endpoints.demo_plan_name} ({endpoints.demo_plan_id})",
        f"  Endpoints    {endpoints_file}",
        "",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.targets != Targets() and args.fleet == "demo":
        print("deploy.sh --local: --targets needs a generated fleet (--fleet N)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    state_dir = args.state_dir or default_state_dir(args.root)
    options = Options(
        root=args.root,
        state_dir=state_dir,
        port=args.port,
        time_scale=args.time_scale,
        fleet=args.fleet,
        targets=args.targets,
        build_console=not args.skip_console_build,
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    mode = LocalMode(options, say=lambda text: print(f"==> {text}", file=sys.stderr, flush=True))
    try:
        endpoints = mode.start()
    except PortInUse as error:
        print(f"deploy.sh --local: {error}", file=sys.stderr)
        return 3
    except ConsoleBuildError as error:
        print(f"deploy.sh --local: {error}", file=sys.stderr)
        return 4
    print(banner(endpoints, state_dir / ENDPOINTS_FILE), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        print("stopping ...", file=sys.stderr, flush=True)
        mode.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
