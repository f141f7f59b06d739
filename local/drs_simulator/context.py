"""What operations and job lifecycles use of the simulator: its configuration and faults, the simulated
``now``, the scheduler, the fault dice, event emission and the recovery-instance bookkeeping.

``Simulator`` satisfies ``SimContext``; the modules that implement DRS operations depend on this
protocol, not on the ``Simulator`` class, so the package's modules form a DAG.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from .config import Faults, SimConfig, Span
from .records import Partition, RecoveryInstance, SourceServer
from .snapshots import PitRounds

__all__ = ["Handler", "SimContext"]


class SimContext(Protocol):
    config: SimConfig
    faults: Faults
    now: datetime
    """The simulated time the running action or request happens at."""
    pit_rounds: PitRounds
    """The point-in-time round grid every server's snapshot schedule follows."""

    def schedule(self, at: datetime, action: Callable[[], None]) -> None: ...

    def after(self, seconds: float, action: Callable[[], None]) -> None: ...

    def draw(self, part: Partition, span: Span, factor: float = 1.0) -> float: ...

    def chance(self, rate: float) -> bool: ...

    def partition(self, account: str, region: str) -> Partition: ...

    def partitions(self) -> list[Partition]: ...

    def emit(self, part: Partition, detail_type: str, resource: str, detail: dict[str, Any]) -> None: ...

    def mirror_call(self, action: str, part: Partition, instance_id: str, **kwargs: Any) -> None: ...

    def new_instance_id(self, part: Partition, server: SourceServer, job_id: str, is_drill: bool) -> str: ...

    def remove_instance(self, part: Partition, instance: RecoveryInstance, terminate_ec2: bool) -> None: ...


Handler = Callable[[SimContext, Partition, dict[str, Any]], dict[str, Any]]
"""One DRS operation: the simulator, the (account, region) partition and the request's parameters."""
