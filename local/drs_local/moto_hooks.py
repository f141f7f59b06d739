"""The few pieces every local emulation shares: moto internals patched and restored exactly, a guard
that fails loudly when a moto upgrade moves what we patch, the clock emulated work runs on, and the
one lock every request into moto's backends runs under (:class:`SerializedBackends`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self

from moto.core.botocore_stubber import BotocoreStubber
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sqs.models import Queue

from drs_simulator.clock import SimClock

from .backend_lock import BACKENDS
from .step_functions import HookMissingError

__all__ = [
    "Clock",
    "Emulation",
    "HookMissingError",
    "Hooks",
    "Patches",
    "SerializedBackends",
    "require_attributes",
    "scaled_clock",
]

_ABSENT = object()


class Clock(Protocol):
    """Simulated time (the DRS simulator's ``SimClock`` is one): emulated work is measured against it."""

    def now(self) -> datetime: ...


def scaled_clock(time_scale: float) -> Clock:
    """A clock that runs ``time_scale`` times faster than real time."""
    return SimClock("scaled", time_scale)


def require_attributes(hooks: Iterable[tuple[object, str]]) -> None:
    """Raise :class:`HookMissingError` when any ``(owner, name)`` is gone from moto."""
    for owner, name in hooks:
        if not hasattr(owner, name):
            raise HookMissingError(f"moto has no {getattr(owner, '__name__', owner)}.{name} any more")


class Patches:
    """Attributes set on moto classes or modules, undone in reverse order, each back to exactly what it
    was (an attribute that was only inherited is deleted again, not copied down)."""

    def __init__(self) -> None:
        self._saved: list[tuple[object, str, Any]] = []

    @property
    def active(self) -> bool:
        return bool(self._saved)

    def set(self, owner: object, name: str, value: Any) -> None:
        self._saved.append((owner, name, vars(owner).get(name, _ABSENT)))
        setattr(owner, name, value)

    def restore(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            if value is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, value)


class Hooks:
    """Patches into moto, set by ``_patch`` on ``install`` and undone on ``uninstall``."""

    _patches: Patches

    def _patch(self, patches: Patches) -> None:
        raise NotImplementedError

    def install(self) -> None:
        if self._patches.active:
            raise RuntimeError(f"{type(self).__name__} is already installed")
        self._patch(self._patches)

    def uninstall(self) -> None:
        self._patches.restore()

    @contextmanager
    def installed(self) -> Iterator[Self]:
        self.install()
        try:
            yield self
        finally:
            self.uninstall()


@dataclass
class Emulation(Hooks):
    """An emulation hooked into moto for the duration of ``with x.installed(): ...``.

    Emulated work runs on ``clock`` (default: real time scaled by ``time_scale``); pass the DRS
    simulator's clock to share it. Subclasses check their hooks and set their patches in ``_patch``.
    """

    time_scale: float = 1.0
    clock: Clock | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _patches: Patches = field(default_factory=Patches)

    def __post_init__(self) -> None:
        if self.time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self._clock: Clock = self.clock or scaled_clock(self.time_scale)


def check_serialization_hooks() -> None:
    """Raise if moto's request entry points or its SQS long poll have moved."""
    require_attributes(
        [
            (BotocoreStubber, "process_request"),
            (DomainDispatcherApplication, "__call__"),
            (Queue, "wait_for_messages"),
        ]
    )


def _serialized(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        with BACKENDS.hold():
            return function(*args, **kwargs)

    return call


class SerializedBackends(Hooks):
    """Every request into moto's backends runs under :data:`drs_local.backend_lock.BACKENDS`: in-process
    (the botocore stubber ``mock_aws`` installs) and in server mode (the server's request dispatch).
    An SQS long poll waits for messages with the lock let go, so a waiting drainer blocks no one."""

    def __init__(self) -> None:
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        check_serialization_hooks()
        wait_for_messages = Queue.wait_for_messages

        def wait_released(queue: Queue, timeout: int) -> None:
            with BACKENDS.released():
                wait_for_messages(queue, timeout)

        patches.set(BotocoreStubber, "process_request", _serialized(BotocoreStubber.process_request))
        dispatch = DomainDispatcherApplication.__call__
        patches.set(DomainDispatcherApplication, "__call__", _serialized(dispatch))
        patches.set(Queue, "wait_for_messages", wait_released)
