"""Local mode started once for a test module: ``./deploy.sh --local`` on a free port, fast DRS time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.local_mode import LocalMode, start_local_mode


@pytest.fixture(scope="module")
def local_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMode]:
    mode = start_local_mode(tmp_path_factory.mktemp("local-state"))
    try:
        yield mode
    finally:
        mode.kill()
