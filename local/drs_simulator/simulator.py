"""The in-process DRS simulator: partitions per (account, region), a scheduler on the simulated clock,
fault knobs, request counters and event emission. The HTTP server (``server.py``) is a thin front.

State changes happen only under one re-entrant lock. Time-dependent changes are scheduled actions
(a heap ordered by simulated time) run lazily before every request, after every clock advance, and by
a background ticker in real/scaled time. An action runs with ``sim.now`` set to its scheduled time,
so logs and events carry the same timestamps however late the processing happens.
"""

from __future__ import annotations

import heapq
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from . import failback, replication
from .clock import SimClock, iso
from .config import Faults, SimConfig, Span
from .ec2_mirror import Ec2Mirror
from .errors import DrsError
from .events import EventLog, EventSink, make_event
from .fleet import ServerFixture, demo_fleet, generate_fleet
from .operations import OPERATIONS, unsupported
from .records import Partition, RecoveryInstance, SourceServer

logger = logging.getLogger(__name__)

FleetSpec = str | int | Iterable[ServerFixture | dict[str, Any]]


class Simulator:
    def __init__(
        self,
        config: SimConfig | None = None,
        *,
        clock: SimClock | None = None,
        sinks: Iterable[EventSink] = (),
        ec2_mirror: Ec2Mirror | None = None,
    ) -> None:
        self.config = config or SimConfig()
        self.clock = clock or SimClock(self.config.clock_mode, self.config.time_scale)
        self.events = EventLog(self.config.event_log_size, list(sinks))
        self.ec2 = ec2_mirror
        self.faults = self.config.faults.model_copy(deep=True)
        self._lock = threading.RLock()
        self._heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self._heap_seq = 0
        self._partitions: dict[tuple[str, str], Partition] = {}
        self._requests: Counter[str] = Counter()
        self._in_flight: Counter[str] = Counter()
        self._peak_in_flight: Counter[str] = Counter()
        self._throttled: Counter[int] = Counter()
        self._buckets: dict[tuple[str, str, str], tuple[float, float]] = {}
        self._fault_rng = random.Random(f"{self.config.seed}:faults")
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self.now = self.clock.now()
        self.clock.on_advance(self._after_advance)
        self.pit_rounds = replication.new_pit_rounds(self)
        replication.start_pit_rounds(self)

    # ---- scheduling -------------------------------------------------------------------------
    def schedule(self, at: datetime, action: Callable[[], None]) -> None:
        with self._lock:
            self._heap_seq += 1
            heapq.heappush(self._heap, (at, self._heap_seq, action))

    def after(self, seconds: float, action: Callable[[], None]) -> None:
        self.schedule(self.now + timedelta(seconds=seconds), action)

    def draw(self, part: Partition, span: Span, factor: float = 1.0) -> float:
        return part.rng.uniform(span.min, span.max) * factor

    def process_due(self) -> None:
        """Run every scheduled action whose time has come, in time order."""
        with self._lock:
            target = self.clock.now()
            while self._heap and self._heap[0][0] <= target:
                at, _, action = heapq.heappop(self._heap)
                self.now = max(self.now, at)
                action()
            self.now = max(self.now, target)

    def next_due(self) -> datetime | None:
        """When the earliest scheduled action is due (None when nothing is scheduled)."""
        with self._lock:
            return self._heap[0][0] if self._heap else None

    def _after_advance(self) -> None:
        self.process_due()
        self.events.flush()

    def start(self) -> None:
        """Start the background ticker (clocks that advance by themselves only)."""
        if not self.clock.advances_itself or self._ticker is not None:
            return
        self._stop.clear()
        self._ticker = threading.Thread(target=self._tick, name="drs-sim-ticker", daemon=True)
        self._ticker.start()

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None
        self.events.close()

    def _tick(self) -> None:
        while not self._stop.wait(self.config.tick_seconds):
            try:
                self.process_due()
            except Exception:
                logger.exception("simulator tick failed")

    # ---- partitions and fixtures ------------------------------------------------------------
    def partition(self, account: str, region: str) -> Partition:
        with self._lock:
            key = (account, region)
            if key not in self._partitions:
                rng = random.Random(f"{self.config.seed}:{account}:{region}")
                self._partitions[key] = Partition(account, region, rng)
            return self._partitions[key]

    def partitions(self) -> list[Partition]:
        # A copy taken without the lock (one atomic step): readers that hold the local AWS backends'
        # lock (the EC2 status emulation) must not wait for a simulator that is calling into them.
        return list(self._partitions.values())

    def load_fleet(self, fleet: FleetSpec, seed: int | None = None) -> list[str]:
        """Load source servers: ``"demo"``, a count for :func:`generate_fleet`, or fixtures.

        Returns the new source server IDs. Refuses (ValueError) a fleet that would pass the
        replicating-server or total source-server quota of any (account, region).
        """
        if isinstance(fleet, str):
            if fleet != "demo":
                raise ValueError(f"unknown named fleet {fleet!r} (known: demo)")
            fixtures = demo_fleet()
        elif isinstance(fleet, int):
            fixtures = generate_fleet(fleet, seed=self.config.seed if seed is None else seed)
        else:
            fixtures = [f if isinstance(f, ServerFixture) else ServerFixture.model_validate(f) for f in fleet]
        with self._lock:
            self.process_due()
            replication.check_quotas(self, fixtures)
            return [replication.load_server(self, fixture).source_server_id for fixture in fixtures]

    def reset(self) -> None:
        """Forget every partition, job, event, request count and fault (the clock keeps its time)."""
        with self._lock:
            self._partitions.clear()
            self._heap.clear()
            self._requests.clear()
            self._peak_in_flight.clear()
            self._throttled.clear()
            self.faults = self.config.faults.model_copy(deep=True)
            self.events.clear()
            self.pit_rounds = replication.new_pit_rounds(self)
            replication.start_pit_rounds(self)

    # ---- faults -----------------------------------------------------------------------------
    def set_faults(self, faults: Faults | dict[str, Any] | None = None, **knobs: Any) -> Faults:
        """Merge fault knobs (a Faults, a dict, or keyword arguments) into the active faults."""
        given = faults.model_dump(exclude_unset=True) if isinstance(faults, Faults) else dict(faults or {})
        given.update(knobs)
        with self._lock:
            self.process_due()
            self.faults = Faults.model_validate({**self.faults.model_dump(), **given})
            replication.apply_replication_faults(self, given.get("replication_state", {}))
            for instance_id in given.get("ec2_instance_vanishes", []):
                self._vanish(instance_id)
            return self.faults

    def clear_faults(self) -> None:
        with self._lock:
            self.faults = Faults()

    def _vanish(self, instance_id: str) -> None:
        for part in self.partitions():
            instance = part.instances.get(instance_id)
            if instance is not None:
                instance.ec2_state = "NOT_FOUND"
                self.mirror_call("terminate", part, instance_id)

    def chance(self, rate: float) -> bool:
        return rate > 0 and self._fault_rng.random() < rate

    # ---- events -----------------------------------------------------------------------------
    def emit(self, part: Partition, detail_type: str, resource: str, detail: dict[str, Any]) -> None:
        """Emit a DRS EventBridge event (best effort: the drop/duplicate/delay knobs apply)."""
        event = make_event(detail_type, part.account_id, part.region, iso(self.now), resource, detail)
        if self.chance(self.faults.event_drop_rate):
            return
        copies = 2 if self.chance(self.faults.event_duplicate_rate) else 1
        for _ in range(copies):
            if self.faults.event_delay_seconds > 0:
                self.after(self.faults.event_delay_seconds, partial(self.events.append, dict(event)))
            else:
                self.events.append(dict(event))

    # ---- EC2 mirror -------------------------------------------------------------------------
    def mirror_call(self, action: str, part: Partition, instance_id: str, **kwargs: Any) -> None:
        if self.ec2 is None:
            return
        try:
            getattr(self.ec2, action)(part.account_id, part.region, instance_id, **kwargs)
        except Exception:
            logger.exception("EC2 mirror %s of %s failed", action, instance_id)

    def new_instance_id(self, part: Partition, server: SourceServer, job_id: str, is_drill: bool) -> str:
        if self.ec2 is None:
            return part.new_id("i-")
        tags = {
            "Name": server.hostname,
            "AWSElasticDisasterRecoveryManaged": "drs.amazonaws.com",
            "AWSElasticDisasterRecoverySourceServerID": server.source_server_id,
            "AWSElasticDisasterRecoveryJobID": job_id,
            "AWSElasticDisasterRecoveryDrill": str(is_drill).lower(),
        }
        if server.launch_configuration.get("copyTags"):
            tags = {**server.tags, **tags}
        return self.ec2.run_instance(part.account_id, part.region, server.instance_type, tags)

    def remove_instance(self, part: Partition, instance: RecoveryInstance, terminate_ec2: bool) -> None:
        part.instances.pop(instance.recovery_instance_id, None)
        if instance.server.recovery_instance_id == instance.recovery_instance_id:
            instance.server.recovery_instance_id = None
        if terminate_ec2:
            self.mirror_call("terminate", part, instance.recovery_instance_id)

    # ---- requests ---------------------------------------------------------------------------
    def count_request(self, operation: str) -> None:
        with self._lock:
            self._requests[operation] += 1

    @contextmanager
    def serving(self, operation: str) -> Iterator[None]:
        """While one request of ``operation`` is being answered (to measure how many run at once)."""
        with self._lock:
            self._in_flight[operation] += 1
            self._peak_in_flight[operation] = max(self._peak_in_flight[operation], self._in_flight[operation])
        try:
            yield
        finally:
            with self._lock:
                self._in_flight[operation] -= 1

    def peak_in_flight(self, operation: str | None = None) -> dict[str, int]:
        """The most requests of each operation (or of ``operation``) answered at the same time."""
        with self._lock:
            if operation is not None:
                return {operation: self._peak_in_flight.get(operation, 0)}
            return dict(self._peak_in_flight)

    def request_counts(self, operation: str | None = None) -> dict[str, int]:
        with self._lock:
            if operation is not None:
                return {operation: self._requests.get(operation, 0)}
            return dict(self._requests)

    def injected_fault(self, operation: str, account: str, region: str) -> DrsError | None:
        """The throttling / 500 / 403 / uninitialized fault this request meets, if any."""
        with self._lock:
            faults = self.faults
            for index, rule in enumerate(faults.throttle):
                if rule.operation not in ("*", operation):
                    continue
                if rule.count is not None and self._throttled[index] >= rule.count:
                    continue
                if self.chance(rule.rate):
                    self._throttled[index] += 1
                    return DrsError(
                        "ThrottlingException",
                        "Rate exceeded",
                        retry_after=rule.retry_after,
                        serviceCode="drs",
                    )
            if self._rate_limited(operation, account, region):
                return DrsError("ThrottlingException", "Rate exceeded", retry_after=1, serviceCode="drs")
            rate = faults.internal_error_rate.get(operation, faults.internal_error_rate.get("*", 0.0))
            if self.chance(rate):
                return DrsError("InternalServerException", "Internal service error", retry_after=1)
            if operation in faults.access_denied or "*" in faults.access_denied:
                return DrsError("AccessDeniedException", f"Not authorized to perform {operation}")
            return None

    def _rate_limited(self, operation: str, account: str, region: str) -> bool:
        limits = self.config.rate_limits
        if not limits.enabled:
            return False
        kind = "read" if operation.startswith(("Describe", "Get", "List")) else "mutate"
        bucket = limits.read if kind == "read" else limits.mutate
        key = (account, region, kind)
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (float(bucket.burst), now))
        tokens = min(float(bucket.burst), tokens + (now - last) * bucket.rps)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return True
        self._buckets[key] = (tokens - 1, now)
        return False

    def handle(self, operation: str, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one DRS operation for (account, region) and return its response members."""
        with self._lock:
            self.process_due()
            part = self.partition(account, region)
            handler = OPERATIONS.get(operation)
            if handler is None:
                return unsupported(operation)
            exempt = ("InitializeService", "TagResource", "UntagResource", "ListTagsForResource")
            if operation not in exempt and (self.faults.uninitialized or not part.initialized):
                raise DrsError(
                    "UninitializedAccountException",
                    f"Account {account} is not initialized in {region}. Call InitializeService first.",
                )
            return handler(self, part, params)

    def state(self) -> dict[str, Any]:
        """A JSON dump of every partition (for debugging and the control API)."""
        with self._lock:
            self.process_due()
            return {
                "clock": self.clock.describe(),
                "faults": self.faults.model_dump(),
                "partitions": [
                    {
                        "accountId": part.account_id,
                        "region": part.region,
                        "initialized": part.initialized,
                        "sourceServers": [s.render(self.now) for s in part.servers.values()],
                        "jobs": [job.render() for job in part.jobs.values()],
                        "recoveryInstances": [ri.render() for ri in part.instances.values()],
                    }
                    for part in self._partitions.values()
                ],
            }

    def connect_failback_client(self, account: str, region: str, recovery_instance_id: str) -> dict[str, Any]:
        """Simulate a DRS Failback Client pairing with a recovery instance (starts failback replication)."""
        with self._lock:
            self.process_due()
            return failback.connect_failback_client(
                self, self.partition(account, region), recovery_instance_id
            )
