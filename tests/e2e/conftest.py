"""Local mode started once for a test module: ``./deploy.sh --local`` on a free port, fast DRS time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.local_mode import ROOT, LocalMode, free_port, run_deploy_local

TIME_SCALE = "600"


@pytest.fixture(scope="module")
def local_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMode]:
    state_dir: Path = tmp_path_factory.mktemp("local-state")
    log = state_dir / "deploy-local.log"
    arguments = ["--port", str(free_port()), "--time-scale", TIME_SCALE]
    if (ROOT / "frontend" / "dist" / "index.html").is_file():
        # Any build serves these tests; rebuilding here would race with whoever is editing the console.
        arguments.append("--skip-console-build")
    process = run_deploy_local(*arguments, state_dir=state_dir, log=log)
    mode = LocalMode(process, state_dir, log)
    try:
        mode.wait_ready()
        yield mode
    finally:
        mode.kill()
