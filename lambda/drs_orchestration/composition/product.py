"""The product as one object: settings, a clock and overrides in, its parts built lazily, once each.

On Lambda each handler module's ``lambda_handler`` calls its ``handle(product, event, context)`` with
:func:`default_product` (the function's environment and the wall clock), built on first use and kept for
the life of the container. Local mode and the tests build their own ``Product`` (a simulated clock, their
own execution runner) and call the same ``handle`` functions through :meth:`Product.handler`, given the
``Handler`` a template names; nothing is patched into a module from outside.

A part is a builder declared with :func:`part` and the settings it needs: a function that uses it is
configured with those variables (``tests/infra`` reads the declarations), and building it without one
fails naming the variable.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.domain.clock import Clock

if TYPE_CHECKING:
    from drs_orchestration.config.settings import Settings
    from drs_orchestration.domain.ports import ExecutionRepository, ExecutionRunner

__all__ = ["Handler", "Part", "Product", "RunnerFactory", "cold_start", "default_product", "part"]

T = TypeVar("T")
Handler = Callable[[Any, Any], Any]
RunnerFactory = Callable[["ExecutionRepository"], "ExecutionRunner | None"]


@dataclass(frozen=True, eq=False)
class Part(Generic[T]):
    """One part of the product: how to build it and the settings fields it needs (its own and ``uses``')."""

    name: str
    build: Callable[[Product], T]
    needs: tuple[str, ...] = ()
    uses: tuple[Part[Any], ...] = ()

    def __call__(self, product: Product) -> T:
        return product.get(self)

    @property
    def all_needs(self) -> tuple[str, ...]:
        needs = list(self.needs)
        for used in self.uses:
            needs.extend(need for need in used.all_needs if need not in needs)
        return tuple(needs)


def part(*needs: str, uses: tuple[Part[Any], ...] = ()) -> Callable[[Callable[[Product], T]], Part[T]]:
    """Declare a builder as a part that needs the settings fields ``needs`` (and those of ``uses``)."""

    def declare(build: Callable[[Product], T]) -> Part[T]:
        return Part(build.__name__.replace("_", " "), build, needs, uses)

    return declare


@dataclass(eq=False)
class Product:
    """Settings, the clock every timestamp comes from, and optional overrides; parts built on demand.

    ``runner`` replaces how the API starts and steers runs (tests use the in-memory runner); by default
    it is Step Functions when ``STATE_MACHINE_ARN`` is set, and none otherwise.
    """

    settings: Settings
    clock: Clock
    runner: RunnerFactory | None = None
    _parts: dict[Part[Any], Any] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    def get(self, wanted: Part[T]) -> T:
        """``wanted``, built the first time it is asked for."""
        with self._lock:
            if wanted not in self._parts:
                self.settings.check(wanted.needs, f"the {wanted.name}")
                self._parts[wanted] = wanted.build(self)
            built: T = self._parts[wanted]
            return built

    def handler(self, path: str) -> Handler:
        """The entry point a template's ``Handler`` (``package.module.lambda_handler``) names, on this
        product.

        Every handler module has ``handle(product, event, context)``; its ``lambda_handler`` is that on
        the default product.
        """
        module_name, _, attribute = path.rpartition(".")
        if not module_name or attribute != "lambda_handler":
            raise ValueError(f"handler {path!r} is not of the form package.module.lambda_handler")
        handle: Callable[[Product, Any, Any], Any] = importlib.import_module(module_name).handle
        return partial(handle, self)


@lru_cache(maxsize=1)
def default_product() -> Product:
    """The function's own product: its environment, validated, and the wall clock (once per container).

    The settings library loads here, with the first invocation (or the cold-start check on Lambda), not
    when a handler module is imported."""
    from drs_orchestration.config.settings import Settings

    return Product(Settings(), SystemClock())


def cold_start(*parts: Part[Any]) -> None:
    """On Lambda, validate the environment while the module loads: a missing or malformed variable that
    ``parts`` need fails the init, naming it. Elsewhere (tools, tests) nothing happens."""
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        settings = default_product().settings
        for wanted in parts:
            settings.check(wanted.all_needs, f"the {wanted.name}")
