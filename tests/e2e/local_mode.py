"""Drive ``./deploy.sh --local`` as a user would: a subprocess on a free port, its endpoints file in a
directory of the test's own (``DRS_LOCAL_DIR``), sign-in through its Cognito, calls to its API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy.sh"
START_LIMIT_SECONDS = 600.0  # a fresh clone builds the console first


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def http(method: str, url: str, body: Any = None, token: str | None = None) -> Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - local endpoint
            raw, status, reply_headers = reply.read(), reply.status, dict(reply.headers)
    except urllib.error.HTTPError as error:
        raw, status, reply_headers = error.read(), error.code, dict(error.headers)
    try:
        parsed: Any = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Response(status, parsed, reply_headers)


def run_deploy_local(*arguments: str, state_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "DRS_LOCAL_DIR": str(state_dir), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(DEPLOY), "--local", *arguments],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@dataclass
class LocalMode:
    process: subprocess.Popen[bytes]
    state_dir: Path
    log: Path
    endpoints: dict[str, Any] = field(default_factory=dict)

    def wait_ready(self, limit: float = START_LIMIT_SECONDS) -> dict[str, Any]:
        path = self.state_dir / "endpoints.json"
        deadline = time.monotonic() + limit
        while not path.is_file():
            if self.process.poll() is not None:
                raise AssertionError(f"local mode exited with {self.process.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"local mode not ready in {limit} s:\n{self.output()}")
            time.sleep(0.2)
        self.endpoints = json.loads(path.read_text())
        return self.endpoints

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def user(self, group: str) -> dict[str, str]:
        return next(user for user in self.endpoints["users"] if user["group"] == group)

    def sign_in(self, group: str, config: dict[str, str]) -> str:
        user = self.user(group)
        cognito = boto3.client(
            "cognito-idp",
            region_name=config["region"],
            endpoint_url=config["cognitoEndpoint"],
            config=Config(signature_version=UNSIGNED),
        )
        result = cognito.initiate_auth(
            ClientId=config["userPoolClientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]},
        )["AuthenticationResult"]
        return str(result["IdToken"])

    def aws(self, service: str) -> Any:
        return boto3.client(
            service,
            region_name=self.endpoints["region"],
            endpoint_url=self.endpoints["aws"],
            aws_access_key_id=self.endpoints["accountId"],
            aws_secret_access_key="local",
        )

    def interrupt(self, limit: float = 60.0) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(limit)

    def group_alive(self) -> bool:
        """Whether any process of local mode's session (deploy.sh and whatever it started) still runs."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        if self.group_alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


def start_local_mode(state_dir: Path, time_scale: str = "600") -> LocalMode:
    """``./deploy.sh --local`` on a free port with fast DRS time, ready to use (killed if it fails)."""
    log = state_dir / "deploy-local.log"
    arguments = ["--port", str(free_port()), "--time-scale", time_scale]
    if (ROOT / "frontend" / "dist" / "index.html").is_file():
        # Any build serves these tests; rebuilding here would race with whoever is editing the console.
        arguments.append("--skip-console-build")
    mode = LocalMode(run_deploy_local(*arguments, state_dir=state_dir, log=log), state_dir, log)
    try:
        mode.wait_ready()
    except BaseException:
        mode.kill()
        raise
    return mode


READINESS_SCAN_LIMIT_SECONDS = 120.0


def readiness_scan(api: str, operator: str, viewer: str) -> dict[str, Any]:
    """Ask for a readiness scan as an operator, then read ``GET /readiness`` until it holds a result
    newer than the request (compared as instants: the API's timestamps omit a zero fraction)."""
    started = http("POST", f"{api}/readiness/scans", token=operator)
    assert started.status == 202, started.body
    asked = datetime.fromisoformat(started.body["requestedAt"])
    deadline = time.monotonic() + READINESS_SCAN_LIMIT_SECONDS
    while True:
        read = http("GET", f"{api}/readiness", token=viewer)
        assert read.status == 200, read.body
        checked = read.body["checkedAt"]
        if checked is not None and datetime.fromisoformat(checked) >= asked:
            return dict(read.body)
        assert time.monotonic() < deadline, "the scan did not store a result"
        time.sleep(0.5)
