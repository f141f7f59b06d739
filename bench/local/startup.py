"""Time from ``./deploy.sh --local`` to a ready console, with everything already installed and built.

One warm-up run comes first and is not counted (it installs or builds whatever is missing or out of
date, as a first start would). Each counted run starts ``./deploy.sh --local`` on a free port with its
own state directory, polls until
``GET /`` serves the console's ``index.html`` and ``GET /config.json`` answers (``endpoints.json``
written), records the wall time, then stops it with SIGINT and waits for it to exit.

    python bench/local/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _ready(url: str, endpoints: Path) -> bool:
    if not endpoints.is_file():
        return False
    try:
        with urllib.request.urlopen(f"{url}/", timeout=2) as page:
            html = page.read()
        with urllib.request.urlopen(f"{url}/config.json", timeout=2) as config:
            json.loads(config.read())
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return b"<html" in html.lower()


def one_run() -> tuple[float, float]:
    """Seconds to a ready console, and seconds from SIGINT to exit."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as state:
        endpoints = Path(state) / "endpoints.json"
        started = time.monotonic()
        process = subprocess.Popen(
            [str(ROOT / "deploy.sh"), "--local", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "DRS_LOCAL_DIR": state},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while not _ready(f"http://127.0.0.1:{port}", endpoints):
                if process.poll() is not None:
                    raise RuntimeError(f"deploy.sh --local exited with {process.returncode}")
                time.sleep(0.05)
            ready = time.monotonic() - started
            stopping = time.monotonic()
            process.send_signal(signal.SIGINT)
            process.wait(60)
            return ready, time.monotonic() - stopping
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    warm_up, _ = one_run()
    results = [one_run() for _ in range(args.runs)]
    ready = [r for r, _ in results]
    stop = [s for _, s in results]
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"warm-up (not counted): {warm_up:.2f} s")
    print(f"runs: {args.runs}")
    print("ready (s): " + ", ".join(f"{value:.2f}" for value in ready))
    print(f"ready: min {min(ready):.2f} s, median {statistics.median(ready):.2f} s, max {max(ready):.2f} s")
    print(f"stop after SIGINT: median {statistics.median(stop):.2f} s, max {max(stop):.2f} s")


if __name__ == "__main__":
    main()
