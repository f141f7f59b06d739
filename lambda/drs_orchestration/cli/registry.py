"""The table of commands: each is a path (``("plans", "show")``), a help line, its arguments and one
function that runs it with a :class:`Context` and returns the exit code."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from drs_orchestration.cli.api_client import ApiClient
from drs_orchestration.cli.output import Output

__all__ = ["Arguments", "Command", "Context", "Runner"]


@dataclass
class Context:
    """What a command works with: the API, where it prints, and the time it waits on."""

    api: ApiClient
    out: Output
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


Runner = Callable[[Context, argparse.Namespace], int]
Arguments = Callable[[argparse.ArgumentParser], None]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    return None


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    help: str
    run: Runner
    arguments: Arguments = field(default=_no_arguments)
