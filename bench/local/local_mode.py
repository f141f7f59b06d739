"""Local mode for the fleet-scale benchmarks: ``python -m drs_local`` on a free port with its own state
directory, ready once ``endpoints.json`` is written, stopped with SIGINT; and a sign-in as a demo user
through the local Cognito."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(arguments: Sequence[str], state_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "drs_local", "--port", str(_free_port()), *arguments]
    command += ["--state-dir", str(state_dir)]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    environment["PYTHONPATH"] = f"{ROOT / 'lambda'}{os.pathsep}{ROOT / 'local'}"
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)


def _wait_ready(process: subprocess.Popen[bytes], path: Path, limit: float) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while not path.is_file():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"local mode not ready (exit code {process.returncode})")
        time.sleep(0.2)
    endpoints: dict[str, Any] = json.loads(path.read_text())
    return endpoints


@contextmanager
def local_mode(
    arguments: Sequence[str], state_dir: Path, limit: float
) -> Iterator[tuple[dict[str, Any], float]]:
    """Local mode started with ``arguments``: its endpoints and the seconds it took to be ready (at most
    ``limit``); its log is ``local-mode.log`` in ``state_dir``."""
    log = state_dir / "local-mode.log"
    begun = time.monotonic()
    process = _start(arguments, state_dir, log)
    print(f"local mode pid {process.pid}, log {log}", flush=True)
    try:
        endpoints = _wait_ready(process, state_dir / "endpoints.json", limit)
        ready = time.monotonic() - begun
        print(f"ready in {ready:.1f} s", flush=True)
        yield endpoints, ready
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


def demo_user(endpoints: dict[str, Any], group: str) -> dict[str, str]:
    return next(user for user in endpoints["users"] if user["group"] == group)


def sign_in(endpoints: dict[str, Any], group: str) -> str:
    """The ID token of the demo user of ``group``."""
    user = demo_user(endpoints, group)
    cognito = boto3.client(
        "cognito-idp",
        region_name=endpoints["region"],
        endpoint_url=endpoints["aws"],
        config=Config(signature_version=UNSIGNED),
    )
    result = cognito.initiate_auth(
        ClientId=endpoints["userPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]},
    )
    return str(result["AuthenticationResult"]["IdToken"])
