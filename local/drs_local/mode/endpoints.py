"""``.local/endpoints.json``: what local mode serves, for people, tests and the CLI.

The directory is ``.local/`` in the repository unless ``DRS_LOCAL_DIR`` (or ``--state-dir``) names
another one, so tests never touch a developer's. The file is written once everything is ready (its
appearance means "ready") and removed when local mode stops.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .private_files import write_private_json
from .seed import DemoUser

__all__ = ["ENDPOINTS_FILE", "STATE_DIR_VARIABLE", "Endpoints", "default_state_dir", "write_endpoints"]

STATE_DIR_VARIABLE = "DRS_LOCAL_DIR"
ENDPOINTS_FILE = "endpoints.json"


def default_state_dir(root: Path, environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ[STATE_DIR_VARIABLE]) if environ.get(STATE_DIR_VARIABLE) else root / ".local"


@dataclass(frozen=True)
class Endpoints:
    console: str
    api: str
    aws: str
    drs: str
    region: str
    account_id: str
    user_pool_id: str
    user_pool_client_id: str
    cognito_endpoint: str
    notifications_topic_arn: str
    event_bus_name: str
    state_machine_arn: str
    health_check_document: str
    demo_plan_id: str
    demo_plan_name: str
    time_scale: float
    pid: int
    users: list[DemoUser] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """camelCase keys, the users as ``{"username", "password", "group"}``."""
        raw = asdict(self)

        def camel(name: str) -> str:
            first, *others = name.split("_")
            return first + "".join(part.title() for part in others)

        return {camel(key): value for key, value in raw.items()}


def write_endpoints(state_dir: Path, endpoints: Endpoints) -> Callable[[], None]:
    """Write the file (owner-readable only: it holds the demo passwords); returns its remover."""
    path = state_dir / ENDPOINTS_FILE
    write_private_json(path, endpoints.as_json())

    def remove() -> None:
        path.unlink(missing_ok=True)

    return remove
