"""Fixtures for the deploy/cleanup script tests: a moto server, the DRS simulator, and an
environment for the scripts with fake credentials and an AWS CLI that reports version 2."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.infra.templates import ROOT

REGION = "us-east-1"
AWS_CLI = shutil.which("aws")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    # "localhost" in the URL lets moto read templates uploaded to its S3 by path (TemplateURL).
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)  # waiting for another process to listen, not for a clock
        yield f"http://localhost:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def drs_endpoint() -> Iterator[str]:
    """A DRS simulator with no fleet, not initialized in any account or Region."""
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'local'}:{ROOT / 'lambda'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "drs_simulator", "--port", "0", "--fleet", "none"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    try:
        assert server.stdout is not None
        yield str(json.loads(server.stdout.readline())["drs"])
    finally:
        server.terminate()
        server.wait(timeout=30)


def aws_cli_reporting(version: str, directory: Path) -> Path:
    """A directory holding an ``aws`` that reports ``version`` and otherwise runs the installed
    CLI (the tests install version 1 from PyPI; the scripts use only commands both versions have)."""
    assert AWS_CLI is not None
    directory.mkdir(parents=True, exist_ok=True)
    shim = directory / "aws"
    shim.write_text(
        "#!/usr/bin/env bash\n"
        f'if [ "${{1:-}}" = --version ]; then\n  echo "aws-cli/{version} Python/3.12.6 Linux exe/x86_64"\n'
        "  exit 0\nfi\n"
        f'exec "{AWS_CLI}" "$@"\n'
    )
    shim.chmod(0o755)
    return directory


@pytest.fixture
def script_env(tmp_path: Path) -> dict[str, str]:
    shims = aws_cli_reporting("2.22.35", tmp_path / "aws-cli-v2") if AWS_CLI else tmp_path
    return {
        "PATH": f"{shims}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
