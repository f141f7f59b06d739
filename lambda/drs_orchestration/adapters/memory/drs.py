"""An in-memory DRS with the gateway contract (``domain.ports.DrsGateway``), for unit tests.

Jobs of each account and Region run until ``finish_jobs`` ends them (every server LAUNCHED, or FAILED
when named). StartRecovery is refused as DRS refuses it: ``DrsLaunchRefused`` with
``ServiceQuotaExceededException`` when the job would pass a quota of the account and Region, or
``ConflictException`` when one of its servers is already in an active job; no job is created then,
and the refusal is recorded. ``peaks`` keeps the most jobs and servers ever active at once, ``calls``
how often the jobs were scanned.

``after_read`` lets a test interleave work between a read and its caller using the answer: it runs
after ``list_active_jobs`` has read DRS and before the answer is returned, as if another run (or a
person in the DRS console) acted in the meantime.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from drs_orchestration.domain.errors import DrsLaunchRefused
from drs_orchestration.domain.models.drs import (
    DEFAULT_QUOTAS,
    DrsJob,
    DrsQuotas,
    DrsTarget,
    JobLogItem,
    JobStatus,
    JobType,
    LaunchStatus,
    ParticipatingServer,
    RecoveryInstance,
    RecoverySnapshot,
    SourceServer,
)

__all__ = ["InMemoryDrs", "InMemoryDrsGateway", "Peak"]

Key = tuple[str, str]


@dataclass
class Peak:
    """The most jobs, and the most servers in jobs, active at once in one account and Region."""

    jobs: int = 0
    servers: int = 0


def _key(target: DrsTarget) -> Key:
    return (target.account_id, target.region)


class InMemoryDrs:
    """Every account and Region's DRS; ``for_target`` is the gateway factory."""

    def __init__(self, quotas: DrsQuotas = DEFAULT_QUOTAS) -> None:
        self.quotas = quotas
        self.jobs: dict[Key, dict[str, DrsJob]] = {}
        self.instances: dict[Key, dict[str, RecoveryInstance]] = {}
        self.refusals: list[tuple[Key, str, list[str]]] = []
        """``((account, region), DRS error code, server ids)`` of every refused StartRecovery."""
        self.peaks: dict[Key, Peak] = {}
        self.calls: Counter[tuple[Key, str]] = Counter()
        """How many times each account and Region's jobs were scanned, by gateway method
        (``list_active_jobs``, ``find_jobs_by_tag``): each scan pages through every job on AWS."""
        self.after_read: Callable[[DrsTarget], None] | None = None
        self.snapshots: dict[Key, list[RecoverySnapshot]] = {}
        """Each account and Region's recovery snapshots (``add_snapshot``)."""
        self.launched_from: dict[str, dict[str, str]] = {}
        """Job id -> the recovery snapshot id each of its servers was launched from (none: latest data)."""
        self._seq = 0
        self._lock = threading.RLock()

    def for_target(self, target: DrsTarget) -> InMemoryDrsGateway:
        return InMemoryDrsGateway(self, target)

    # -- what the gateways call ------------------------------------------------------------------
    def _jobs(self, target: DrsTarget) -> dict[str, DrsJob]:
        return self.jobs.setdefault(_key(target), {})

    def active_jobs(self, target: DrsTarget) -> list[DrsJob]:
        with self._lock:
            return [job.model_copy(deep=True) for job in self._jobs(target).values() if job.is_active]

    def _refuse(self, target: DrsTarget, code: str, server_ids: list[str], message: str) -> DrsLaunchRefused:
        self.refusals.append((_key(target), code, server_ids))
        return DrsLaunchRefused(code, message)

    def add_snapshot(self, target: DrsTarget, snapshot: RecoverySnapshot) -> None:
        with self._lock:
            self.snapshots.setdefault(_key(target), []).append(snapshot)

    def latest_snapshot(
        self, target: DrsTarget, server_id: str, at_or_before: datetime
    ) -> RecoverySnapshot | None:
        with self._lock:
            taken = [
                s
                for s in self.snapshots.get(_key(target), [])
                if s.source_server_id == server_id and s.taken_at <= at_or_before
            ]
        return max(taken, key=lambda s: s.taken_at, default=None)

    def start(
        self,
        target: DrsTarget,
        server_ids: Sequence[str],
        *,
        is_drill: bool,
        tags: dict[str, str],
        recovery_snapshots: Mapping[str, str] | None = None,
    ) -> DrsJob:
        ids = list(server_ids)
        with self._lock:
            active = self.active_jobs(target)
            busy = {p.source_server_id for job in active for p in job.participating_servers}
            quotas = self.quotas
            if busy & set(ids):
                raise self._refuse(target, "ConflictException", ids, "Source server is in an active job")
            if (
                len(ids) > quotas.max_servers_per_job
                or len(active) >= quotas.max_concurrent_jobs
                or len(busy) + len(ids) > quotas.max_servers_in_active_jobs
            ):
                raise self._refuse(target, "ServiceQuotaExceededException", ids, "a DRS job quota is full")
            self._seq += 1
            job = DrsJob(
                job_id=f"drsjob-{self._seq:017x}",
                status=JobStatus.PENDING,
                is_drill=is_drill,
                participating_servers=[
                    ParticipatingServer(source_server_id=i, launch_status=LaunchStatus.PENDING) for i in ids
                ],
                tags=dict(tags),
            )
            self._jobs(target)[job.job_id] = job
            self.launched_from[job.job_id] = dict(recovery_snapshots or {})
            peak = self.peaks.setdefault(_key(target), Peak())
            peak.jobs = max(peak.jobs, len(active) + 1)
            peak.servers = max(peak.servers, len(busy) + len(ids))
            return job.model_copy(deep=True)

    def finish_jobs(self, target: DrsTarget, failed: Collection[str] = ()) -> int:
        """End every active job of the target: its servers LAUNCHED (with a drill or recovery
        instance), or FAILED for those in ``failed``; how many jobs ended."""
        with self._lock:
            jobs = self._jobs(target)
            ended = [job for job in jobs.values() if job.is_active]
            for job in ended:
                servers = []
                for server in job.participating_servers:
                    if server.source_server_id in failed:
                        servers.append(server.model_copy(update={"launch_status": LaunchStatus.FAILED}))
                        continue
                    instance = RecoveryInstance(
                        recovery_instance_id=f"i-{server.source_server_id.removeprefix('s-')}",
                        source_server_id=server.source_server_id,
                        is_drill=bool(job.is_drill),
                        job_id=job.job_id,
                    )
                    self.instances.setdefault(_key(target), {})[instance.recovery_instance_id] = instance
                    servers.append(
                        server.model_copy(
                            update={
                                "launch_status": LaunchStatus.LAUNCHED,
                                "recovery_instance_id": instance.recovery_instance_id,
                            }
                        )
                    )
                jobs[job.job_id] = job.model_copy(
                    update={"status": JobStatus.COMPLETED, "participating_servers": servers}
                )
            return len(ended)

    def launches(self, target: DrsTarget) -> dict[str, int]:
        """How many launch jobs each server has been in."""
        counts: dict[str, int] = {}
        with self._lock:
            for job in self._jobs(target).values():
                if job.type is JobType.LAUNCH:
                    for server in job.participating_servers:
                        counts[server.source_server_id] = counts.get(server.source_server_id, 0) + 1
        return counts


class InMemoryDrsGateway:
    """DRS in one account and Region of an ``InMemoryDrs``."""

    def __init__(self, drs: InMemoryDrs, target: DrsTarget) -> None:
        self.drs = drs
        self.target = target

    def list_source_servers(self) -> list[SourceServer]:
        return []

    def launch_configuration_present(self, source_server_ids: Sequence[str]) -> dict[str, bool]:
        return dict.fromkeys(source_server_ids, True)

    def start_recovery(
        self,
        source_server_ids: Sequence[str],
        *,
        is_drill: bool,
        tags: dict[str, str],
        recovery_snapshots: Mapping[str, str] | None = None,
    ) -> DrsJob:
        return self.drs.start(
            self.target,
            source_server_ids,
            is_drill=is_drill,
            tags=tags,
            recovery_snapshots=recovery_snapshots,
        )

    def latest_recovery_snapshot(
        self, source_server_id: str, *, at_or_before: datetime
    ) -> RecoverySnapshot | None:
        with self.drs._lock:  # looked up from several threads at once
            self.drs.calls[(_key(self.target), "latest_recovery_snapshot")] += 1
        return self.drs.latest_snapshot(self.target, source_server_id, at_or_before)

    def _all(self) -> list[DrsJob]:
        with self.drs._lock:
            return [job.model_copy(deep=True) for job in self.drs._jobs(self.target).values()]

    def describe_jobs(self, job_ids: Sequence[str]) -> list[DrsJob]:
        wanted = set(job_ids)
        return [job for job in self._all() if job.job_id in wanted]

    def find_jobs_by_tag(
        self, key: str, values: Collection[str], *, since: datetime
    ) -> dict[str, list[DrsJob]]:
        self.drs.calls[(_key(self.target), "find_jobs_by_tag")] += 1
        wanted = set(values)
        found: dict[str, list[DrsJob]] = {}
        for job in self._all():
            value = job.tags.get(key)
            if value is not None and value in wanted:
                found.setdefault(value, []).append(job)
        return found

    def list_active_jobs(self, *, since: datetime) -> list[DrsJob]:
        # Jobs here carry no creation time and live only as long as the test: every one is in period.
        self.drs.calls[(_key(self.target), "list_active_jobs")] += 1
        active = self.drs.active_jobs(self.target)
        if self.drs.after_read is not None:
            self.drs.after_read(self.target)
        return active

    def describe_job_log_items(self, job_id: str) -> list[JobLogItem]:
        return []

    def list_recovery_instances(
        self, source_server_ids: Sequence[str] | None = None
    ) -> list[RecoveryInstance]:
        with self.drs._lock:
            instances = list(self.drs.instances.get(_key(self.target), {}).values())
        wanted = set(source_server_ids or ())
        return [i for i in instances if not wanted or i.source_server_id in wanted]

    def terminate_recovery_instances(self, recovery_instance_ids: Sequence[str]) -> DrsJob:
        with self.drs._lock:
            instances = self.drs.instances.get(_key(self.target), {})
            for instance_id in recovery_instance_ids:
                instances.pop(instance_id, None)
            self.drs._seq += 1
            job = DrsJob(
                job_id=f"drsjob-{self.drs._seq:017x}", type=JobType.TERMINATE, status=JobStatus.COMPLETED
            )
            self.drs._jobs(self.target)[job.job_id] = job
            return job.model_copy(deep=True)

    def describe_source_servers(self, source_server_ids: Sequence[str]) -> list[SourceServer]:
        return []

    def start_failback_launch(self, recovery_instance_ids: Sequence[str], *, tags: dict[str, str]) -> DrsJob:
        """A failback job of the instances' source servers (quotas as for StartRecovery)."""
        with self.drs._lock:
            instances = self.drs.instances.get(_key(self.target), {})
            server_ids = [instances[i].source_server_id for i in recovery_instance_ids]
        return self.drs.start(self.target, server_ids, is_drill=False, tags=tags)

    def reverse_replication(self, recovery_instance_id: str) -> str:
        account, region = _key(self.target)
        return f"arn:aws:drs:{region}:{account}:source-server/s-{recovery_instance_id[-17:]:0>17}"
