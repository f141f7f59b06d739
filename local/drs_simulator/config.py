"""Simulator configuration (quotas, timings, behaviour switches) and fault-injection knobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_ACCOUNT = "111122223333"

Phase = Literal["cleanup", "snapshot", "use_previous_snapshot", "conversion", "launch", "post_launch"]
PHASES: tuple[str, ...] = (
    "cleanup",
    "snapshot",
    "use_previous_snapshot",
    "conversion",
    "launch",
    "post_launch",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Quotas(_Model):
    """DRS service quotas; ``profile`` picks the current (100/500/4000) or legacy (200/200/3000) values."""

    max_servers_per_job: int = 100  # L-B827C881
    max_servers_in_active_jobs: int = 500  # L-05AFA8C6
    max_concurrent_jobs: int = 20  # L-D88FAC3A
    max_jobs_per_server: int = 1  # L-DD6D028C
    max_replicating_servers: int = 300  # L-C1D14A2B
    max_source_servers: int = 4000  # L-E28BE5E0
    per_server_conflict_error: Literal["ConflictException", "ServiceQuotaExceededException"] = (
        "ConflictException"
    )

    @classmethod
    def profile(cls, name: str, **overrides: Any) -> Quotas:
        if name not in QUOTA_PROFILES:
            raise ValueError(f"unknown quota profile {name!r}; choose one of {sorted(QUOTA_PROFILES)}")
        return cls(**{**QUOTA_PROFILES[name], **overrides})


QUOTA_PROFILES: dict[str, dict[str, Any]] = {
    "current": {},
    "legacy": {"max_servers_per_job": 200, "max_servers_in_active_jobs": 200, "max_source_servers": 3000},
}


class Span(_Model):
    """A duration in simulated seconds drawn uniformly from [min, max]."""

    min: float
    max: float


class Timings(_Model):
    pending_to_started: Span = Span(min=2, max=15)
    cleanup_with_instance: Span = Span(min=60, max=180)
    cleanup_without_instance: Span = Span(min=3, max=8)
    snapshot: Span = Span(min=30, max=300)
    use_previous_snapshot: Span = Span(min=3, max=8)
    conversion_linux: Span = Span(min=240, max=600)
    conversion_windows: Span = Span(min=360, max=1200)
    conversion_fast: Span = Span(min=30, max=90)
    launch: Span = Span(min=30, max=120)
    boot_linux: Span = Span(min=60, max=300)
    boot_windows: Span = Span(min=300, max=1200)
    terminate: Span = Span(min=30, max=180)
    server_jitter: Span = Span(min=0, max=30)
    failback_sync: Span = Span(min=600, max=1800)
    initial_sync: Span = Span(min=3600, max=7200)


class PitRule(_Model):
    units: Literal["MINUTE", "HOUR", "DAY"]
    interval: int
    retention_duration: int


class Behaviour(_Model):
    default_is_drill: bool = False
    cleanup_previous_instance_on_launch: bool = True
    drill_cleans_recovery_instances: bool = True
    recoverable_states: list[str] = Field(
        default_factory=lambda: ["CONTINUOUS", "BACKLOG", "CREATING_SNAPSHOT", "RESCAN", "PAUSED", "STALLED"]
    )
    not_ready_handling: Literal["fail_in_job", "skip"] = "fail_in_job"
    pit_policy: list[PitRule] = Field(
        default_factory=lambda: [
            PitRule(units="MINUTE", interval=10, retention_duration=60),
            PitRule(units="HOUR", interval=1, retention_duration=24),
            PitRule(units="DAY", interval=1, retention_duration=7),
        ]
    )
    pit_snapshot_events: bool = True


class Pagination(_Model):
    default_page_size: int = 1000
    describe_max_page: int = 1000


class Bucket(_Model):
    rps: float
    burst: int


class RateLimits(_Model):
    """Token buckets per (account, region, read|mutate). Off by default so tests stay deterministic."""

    enabled: bool = False
    read: Bucket = Bucket(rps=20, burst=40)
    mutate: Bucket = Bucket(rps=5, burst=10)


class Throttle(_Model):
    operation: str = "*"
    rate: float = 1.0
    count: int | None = None  # throttle only the next ``count`` matching requests
    retry_after: int = 1


class Faults(_Model):
    """Fault-injection knobs (spec section 10). Merged by ``Simulator.set_faults``."""

    launch_failure_rate: float = 0.0
    launch_failure_phase: Phase = "launch"
    fail_servers: dict[str, Phase] = Field(default_factory=dict)
    fail_on_attempt: dict[str, list[int]] = Field(default_factory=dict)
    transient_retry_count: int = 0
    slow_factors: dict[str, float] = Field(default_factory=dict)  # phase -> multiplier
    stuck_phase: dict[str, Phase] = Field(default_factory=dict)  # server id (or "*") -> phase
    job_stuck_pending: bool = False
    replication_state: dict[str, dict[str, Any]] = Field(default_factory=dict)
    throttle: list[Throttle] = Field(default_factory=list)
    internal_error_rate: dict[str, float] = Field(default_factory=dict)  # op (or "*") -> rate
    access_denied: list[str] = Field(default_factory=list)
    uninitialized: bool = False
    latency_ms: dict[str, int] = Field(default_factory=dict)
    ec2_instance_vanishes: list[str] = Field(default_factory=list)
    boot_failure_rate: float = 0.0
    boot_failure_servers: list[str] = Field(default_factory=list)
    windows_low_disk: bool = False  # Windows servers fail conversion (needs 2 GB free)
    stall_rate_per_hour: float = 0.0  # chance per healthy server per hour of a 10-60 minute stall
    terminate_failure_rate: float = 0.0
    failback_error: bool = False
    event_drop_rate: float = 0.0
    event_duplicate_rate: float = 0.0
    event_delay_seconds: float = 0.0


class SimConfig(_Model):
    default_account: str = DEFAULT_ACCOUNT
    accounts: dict[str, str] = Field(default_factory=dict)  # access key id -> account id
    default_region: str = "us-east-1"
    clock_mode: Literal["realtime", "scaled", "manual"] = "realtime"
    time_scale: float = 1.0
    seed: int = 42
    quotas: Quotas = Field(default_factory=Quotas)
    timings: Timings = Field(default_factory=Timings)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    pagination: Pagination = Field(default_factory=Pagination)
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    faults: Faults = Field(default_factory=Faults)
    event_log_size: int = 100_000
    tick_seconds: float = 0.05  # real seconds between background ticks

    @classmethod
    def from_file(cls, path: str | Path) -> SimConfig:
        return cls.model_validate(json.loads(Path(path).read_text()))
