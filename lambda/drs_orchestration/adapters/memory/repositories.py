"""In-memory repositories with the same contract as the DynamoDB ones (see ``domain.ports``).

Stored and returned values are deep copies, so a caller's later changes never leak into the store.
Page tokens are opaque (base64 of the last key returned); a token that was not issued is refused.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from pydantic import BaseModel

from drs_orchestration.adapters.execution_items import check_new_execution
from drs_orchestration.domain.errors import Conflict, FieldError, NotFound, StaleVersion, ValidationFailed
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    ACTIVE_EXECUTION_STATUSES,
    ExecutionEvent,
    ExecutionHeader,
    ExecutionStatus,
    LaunchBatch,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.health_gate import HealthGateChunk
from drs_orchestration.domain.models.operator_requests import OperatorRequest
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.models.server_listing import ServerFilter
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page, iterate_pages
from drs_orchestration.domain.services.errors import membership_conflict
from drs_orchestration.domain.services.paging import decode_cursor, encode_cursor, invalid_token, page_after

__all__ = [
    "InMemoryAccountRepository",
    "InMemoryAuditRepository",
    "InMemoryExecutionRepository",
    "InMemoryProtectionGroupRepository",
    "InMemoryRecoveryPlanRepository",
]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
V = TypeVar("V", ProtectionGroup, RecoveryPlan, TargetAccount, ExecutionHeader, WaveState)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """A timestamp as the DynamoDB adapters store it in sort keys (sorts in time order)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _page(
    items: Sequence[tuple[str, M]],
    limit: int,
    next_token: str | None,
    *,
    scope: str = "",
    newest_first: bool = False,
) -> Page[M]:
    """One page of ``(sort key, item)`` pairs already in listing order (keys ascending, or descending
    when ``newest_first``), resumed after the token's key as a DynamoDB query resumes after its
    cursor, even when that item is gone meanwhile. A token of another ``scope`` (another partition
    in DynamoDB) or one this adapter did not issue is refused."""
    if limit < 1:
        raise ValidationFailed([FieldError(name="limit", message="must be at least 1")])
    start = 0
    if next_token is not None:
        cursor = decode_cursor(next_token, frozenset({"after", "scope"}))
        if cursor["scope"]["S"] != scope:
            raise invalid_token()
        after: str = cursor["after"]["S"]
        start = next(
            (i for i, (key, _) in enumerate(items) if (key < after if newest_first else key > after)),
            len(items),
        )
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    token = encode_cursor({"after": {"S": chunk[-1][0]}, "scope": {"S": scope}}) if more and chunk else None
    return Page[M](items=[item.model_copy(deep=True) for _, item in chunk], next_token=token)


def _by_name(name: str, item_id: str) -> str:
    """The listing order of groups and plans: by name (case-insensitive), then id."""
    return f"{name.casefold()}#{item_id}"


class _VersionedStore(Generic[V]):
    """Items keyed by id with optimistic locking on ``version``.

    A write given an audit record appends it under the same lock, both or neither, as the DynamoDB
    adapters write both in one transaction.
    """

    def __init__(
        self,
        resource: str,
        key: Callable[[V], str],
        audit: InMemoryAuditRepository | None = None,
        *,
        order: Callable[[V], str] | None = None,
    ) -> None:
        self._resource = resource
        self._key: Callable[[V], str] = key
        self._order: Callable[[V], str] = order or key
        """The listing's sort key (unique), as the DynamoDB adapter's index sorts."""
        self._items: dict[str, V] = {}
        self._audit = audit
        self._lock = threading.RLock()

    def get(self, item_id: str) -> V:
        try:
            return self._items[item_id].model_copy(deep=True)
        except KeyError:
            raise NotFound(self._resource, item_id) from None

    def list(self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None) -> Page[V]:
        return _page(self._ordered(self._items.values()), limit, next_token)

    def _ordered(self, items: Iterable[V]) -> builtins.list[tuple[str, V]]:
        return sorted(((self._order(item), item) for item in items), key=lambda pair: pair[0])

    def _audited(self, record: AuditRecord | None, write: Callable[[], T]) -> T:
        with self._lock:
            if record is not None:
                if self._audit is None:
                    raise RuntimeError("this repository was built without an audit repository")
                self._audit.check_new(record)
            result = write()
            if record is not None and self._audit is not None:
                self._audit.append(record)
            return result

    def create(self, item: V, *, audit: AuditRecord | None = None) -> V:
        def write() -> V:
            item_id = self._key(item)
            if item_id in self._items:
                raise Conflict(f"{self._resource} {item_id} already exists")
            self._items[item_id] = item.model_copy(deep=True)
            return item.model_copy(deep=True)

        return self._audited(audit, write)

    def _check_version(self, item_id: str, expected_version: int | None) -> V:
        current = self._items.get(item_id)
        if current is None:
            raise NotFound(self._resource, item_id)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(
                self._resource, item_id, expected_version=expected_version, current_version=current.version
            )
        return current

    def update(self, item: V, expected_version: int, *, audit: AuditRecord | None = None) -> V:
        def write() -> V:
            item_id = self._key(item)
            self._check_version(item_id, expected_version)
            stored = item.model_copy(update={"version": expected_version + 1}, deep=True)
            self._items[item_id] = stored
            return stored.model_copy(deep=True)

        return self._audited(audit, write)

    def delete(
        self, item_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        def write() -> None:
            self._check_version(item_id, expected_version)
            del self._items[item_id]

        self._audited(audit, write)

    def values(self) -> builtins.list[V]:
        return [item.model_copy(deep=True) for item in self._items.values()]


Claim = tuple[str, str, str]
"""``(accountId, region, sourceServerId)``."""


class InMemoryProtectionGroupRepository(_VersionedStore[ProtectionGroup]):
    """Claims each member server for one group, as the DynamoDB adapter's claim items do (any number
    of servers a write)."""

    def __init__(self, audit: InMemoryAuditRepository | None = None) -> None:
        super().__init__(
            "protection group", lambda group: group.id, audit, order=lambda g: _by_name(g.name, g.id)
        )
        self._claims: dict[Claim, str] = {}
        self._claimed: dict[str, builtins.list[Claim]] = {}
        self._used_by: dict[str, set[str]] = {}
        """Group id -> the plans naming it (kept by ``InMemoryRecoveryPlanRepository``)."""

    def _wanted(self, group: ProtectionGroup, members: Sequence[str]) -> builtins.list[Claim]:
        wanted = [(group.account_id, group.region, server) for server in dict.fromkeys(members)]
        refused = [claim for claim in wanted if self._claims.get(claim, group.id) != group.id]
        if refused:
            named = [(claim[2], self._items[self._claims[claim]].name) for claim in refused[:5]]
            raise membership_conflict(named, len(refused))
        return wanted

    def _reclaim(self, group_id: str, claims: Sequence[Claim]) -> None:
        for claim in self._claimed.pop(group_id, []):
            del self._claims[claim]
        self._claims.update(dict.fromkeys(claims, group_id))
        if claims:
            self._claimed[group_id] = list(claims)

    def create(
        self, item: ProtectionGroup, *, members: Sequence[str] = (), audit: AuditRecord | None = None
    ) -> ProtectionGroup:
        with self._lock:
            wanted = self._wanted(item, members)
            stored = super().create(item, audit=audit)
            self._reclaim(item.id, wanted)
            return stored

    def update(
        self,
        item: ProtectionGroup,
        expected_version: int,
        *,
        members: Sequence[str] = (),
        audit: AuditRecord | None = None,
    ) -> ProtectionGroup:
        with self._lock:
            self._check_version(item.id, expected_version)
            wanted = self._wanted(item, members)
            stored = super().update(item, expected_version, audit=audit)
            self._reclaim(item.id, wanted)
            return stored

    def delete(
        self, item_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        """Refused with ``Conflict`` while a stored plan names the group."""
        with self._lock:
            current = self._check_version(item_id, expected_version)
            users = sorted(self._used_by.get(item_id, ()))
            if users:
                raise Conflict(
                    f"protection group {item_id} is used by recovery plan(s) {', '.join(users)}",
                    current_version=current.version,
                )
            super().delete(item_id, expected_version, audit=audit)
            self._reclaim(item_id, [])

    def missing(self, group_ids: Iterable[str]) -> builtins.list[str]:
        with self._lock:
            return [group_id for group_id in group_ids if group_id not in self._items]

    def use(self, plan_id: str, added: Iterable[str], dropped: Iterable[str]) -> None:
        """Record that plan ``plan_id`` names the ``added`` groups and no longer the ``dropped`` ones."""
        with self._lock:
            for group_id in added:
                self._used_by.setdefault(group_id, set()).add(plan_id)
            for group_id in dropped:
                self._used_by.get(group_id, set()).discard(plan_id)
                if not self._used_by.get(group_id, True):
                    del self._used_by[group_id]

    def list(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> Page[ProtectionGroup]:
        groups = self._ordered(
            g for g in self.values() if account_id in (None, g.account_id) and region in (None, g.region)
        )
        scope = f"{account_id}#{region}" if account_id is not None and region is not None else ""
        return _page(groups, limit, next_token, scope=scope)


class InMemoryRecoveryPlanRepository(_VersionedStore[RecoveryPlan]):
    """Given ``groups``, a plan write names only groups that exist, and a group a stored plan names
    cannot be deleted, as the DynamoDB adapter keeps each group's ``usedBy`` set."""

    def __init__(
        self,
        audit: InMemoryAuditRepository | None = None,
        *,
        groups: InMemoryProtectionGroupRepository | None = None,
    ) -> None:
        super().__init__("recovery plan", lambda plan: plan.id, audit, order=lambda p: _by_name(p.name, p.id))
        self._groups = groups

    def _check_groups(self, added: Sequence[str]) -> None:
        missing = self._groups.missing(added) if self._groups is not None else []
        if missing:
            raise Conflict(f"protection group(s) {', '.join(missing)} do not exist")

    def _use(self, plan_id: str, added: Sequence[str], dropped: Iterable[str]) -> None:
        if self._groups is not None:
            self._groups.use(plan_id, added, dropped)

    def create(self, item: RecoveryPlan, *, audit: AuditRecord | None = None) -> RecoveryPlan:
        with self._lock:
            self._check_groups(item.protection_group_ids())
            stored = super().create(item, audit=audit)
            self._use(item.id, item.protection_group_ids(), [])
            return stored

    def update(
        self, item: RecoveryPlan, expected_version: int, *, audit: AuditRecord | None = None
    ) -> RecoveryPlan:
        with self._lock:
            before = self._check_version(item.id, expected_version).protection_group_ids()
            after = item.protection_group_ids()
            self._check_groups([g for g in after if g not in before])
            stored = super().update(item, expected_version, audit=audit)
            self._use(item.id, [g for g in after if g not in before], [g for g in before if g not in after])
            return stored

    def delete(
        self, item_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        with self._lock:
            current = self._check_version(item_id, expected_version)
            super().delete(item_id, expected_version, audit=audit)
            self._use(item_id, [], current.protection_group_ids())


class InMemoryAccountRepository(_VersionedStore[TargetAccount]):
    def __init__(self, audit: InMemoryAuditRepository | None = None) -> None:
        super().__init__("target account", lambda account: account.account_id, audit)

    def list(self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None) -> Page[TargetAccount]:
        """Ordered by account id, paged as the DynamoDB adapter pages its small table."""
        return page_after(
            self.values(), lambda a: a.account_id, name="accountId", limit=limit, next_token=next_token
        )


class InMemoryExecutionRepository:
    """An execution's items kept apart, as the DynamoDB adapter keeps them."""

    def __init__(self, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.clock = clock
        """What time it is for the launch lease, as the DynamoDB adapter has it."""
        self._headers = _VersionedStore[ExecutionHeader]("execution", lambda header: header.id)
        self._waves: dict[str, _VersionedStore[WaveState]] = {}
        self._servers: dict[str, dict[str, ServerState]] = {}
        self._batches: dict[str, dict[str, LaunchBatch]] = {}
        self._gates: dict[tuple[str, str], dict[int, HealthGateChunk]] = {}
        self._events: dict[str, dict[str, ExecutionEvent]] = {}
        self._requests: dict[str, list[OperatorRequest]] = {}
        self._request_lock = threading.Lock()
        self._leases: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._lease_lock = threading.Lock()

    def create(
        self, header: ExecutionHeader, waves: Sequence[WaveState], servers: Sequence[ServerState]
    ) -> None:
        check_new_execution(header, waves, servers)
        server_items = {server.source_server_id: server.model_copy(deep=True) for server in servers}
        wave_store = _VersionedStore[WaveState]("wave", lambda wave: wave.wave_id)
        for wave in waves:
            wave_store.create(wave)
        self._headers.create(header)
        self._waves[header.id] = wave_store
        self._servers[header.id] = server_items
        self._batches[header.id] = {}
        self._events[header.id] = {}
        self._requests[header.id] = []

    def get_header(self, execution_id: str) -> ExecutionHeader:
        return self._headers.get(execution_id)

    def list_headers(
        self,
        *,
        plan_id: str | None = None,
        status: Sequence[ExecutionStatus] = (),
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ExecutionHeader]:
        headers = [
            (f"{_stamp(h.created_at)}#{h.id}", h)
            for h in self._headers.values()
            if plan_id in (None, h.plan_id) and (not status or h.status in status)
        ]
        headers.sort(key=lambda pair: pair[0], reverse=True)
        return _page(headers, limit, next_token, scope=plan_id or "", newest_first=True)

    def list_active(self, plan_id: str | None = None) -> list[ExecutionHeader]:
        active = sorted(ACTIVE_EXECUTION_STATUSES)
        return list(
            iterate_pages(lambda token: self.list_headers(plan_id=plan_id, status=active, next_token=token))
        )

    def update_header(self, header: ExecutionHeader, expected_version: int) -> ExecutionHeader:
        return self._headers.update(header, expected_version)

    def _wave_store(self, execution_id: str) -> _VersionedStore[WaveState]:
        self._headers.get(execution_id)
        return self._waves[execution_id]

    def get_waves(self, execution_id: str) -> list[WaveState]:
        waves = self._waves.get(execution_id)
        return sorted(waves.values(), key=lambda wave: wave.position) if waves else []

    def update_wave(self, wave: WaveState, expected_version: int) -> WaveState:
        return self._wave_store(wave.execution_id).update(wave, expected_version)

    def get_servers(self, execution_id: str, wave_id: str | None = None) -> list[ServerState]:
        """By wave id, then server id (as DynamoDB returns the ``SERVER#<wave>#<server>`` items)."""
        servers = self._servers.get(execution_id, {}).values()
        return [
            server.model_copy(deep=True)
            for server in sorted(servers, key=lambda server: (server.wave_id, server.source_server_id))
            if wave_id is None or server.wave_id == wave_id
        ]

    def get_servers_by_id(self, execution_id: str, keys: Sequence[tuple[str, str]]) -> list[ServerState]:
        servers = self._servers.get(execution_id, {})
        found = [
            servers[server_id].model_copy(deep=True)
            for wave_id, server_id in dict.fromkeys(keys)
            if server_id in servers and servers[server_id].wave_id == wave_id
        ]
        return sorted(found, key=lambda server: (server.wave_id, server.source_server_id))

    def list_servers(
        self,
        execution_id: str,
        where: ServerFilter,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ServerState]:
        servers = [
            (f"{server.wave_id}#{server.source_server_id}", server)
            for server in self.get_servers(execution_id, where.wave_id)
            if where.matches(server)
        ]
        return _page(servers, limit, next_token, scope=execution_id)

    def get_gate(self, execution_id: str, wave_id: str) -> list[HealthGateChunk]:
        chunks = self._gates.get((execution_id, wave_id), {})
        return [chunks[index].model_copy(deep=True) for index in sorted(chunks)]

    def put_gate(self, chunks: Sequence[HealthGateChunk]) -> None:
        for chunk in chunks:
            self._headers.get(chunk.execution_id)
            self._gates.setdefault((chunk.execution_id, chunk.wave_id), {})[chunk.index] = chunk.model_copy(
                deep=True
            )

    def put_servers(self, servers: Sequence[ServerState]) -> None:
        for execution_id in {server.execution_id for server in servers}:
            self._headers.get(execution_id)
        for server in servers:
            self._servers[server.execution_id][server.source_server_id] = server.model_copy(deep=True)

    def put_batch(self, batch: LaunchBatch) -> None:
        self._headers.get(batch.execution_id)
        self._batches[batch.execution_id][batch.batch_id] = batch.model_copy(deep=True)

    def get_batches(self, execution_id: str, wave_id: str | None = None) -> list[LaunchBatch]:
        batches = self._batches.get(execution_id, {})
        return [
            batches[batch_id].model_copy(deep=True)
            for batch_id in sorted(batches)
            if wave_id in (None, batches[batch_id].wave_id)
        ]

    def append_event(self, event: ExecutionEvent) -> None:
        self._headers.get(event.execution_id)
        events = self._events[event.execution_id]
        if event.event_id in events:
            raise Conflict(f"event {event.event_id} of execution {event.execution_id} already exists")
        events[event.event_id] = event.model_copy(deep=True)

    def list_events(
        self,
        execution_id: str,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        after: str | None = None,
    ) -> Page[ExecutionEvent]:
        events = sorted(
            (event_id, event)
            for event_id, event in self._events.get(execution_id, {}).items()
            if after is None or event_id > after
        )
        return _page(events, limit, next_token, scope=execution_id)

    def add_request(self, request: OperatorRequest, event: ExecutionEvent) -> OperatorRequest:
        with self._request_lock:
            self._headers.get(request.execution_id)
            requests = self._requests[request.execution_id]
            stored = request.model_copy(update={"sequence": len(requests) + 1, "event_id": event.event_id})
            self.append_event(event)
            requests.append(stored)
            return stored.model_copy(deep=True)

    def list_requests(self, execution_id: str, *, after: int = 0) -> list[OperatorRequest]:
        self._headers.get(execution_id)
        return [r.model_copy(deep=True) for r in self._requests[execution_id] if r.sequence > after]

    def acquire_launch_lease(self, target: DrsTarget, holder: str, *, seconds: float) -> bool:
        key = (target.account_id, target.region)
        with self._lease_lock:
            now = self.clock()
            current = self._leases.get(key)
            if current is not None and current[0] != holder and current[1] > now:
                return False
            self._leases[key] = (holder, now + timedelta(seconds=seconds))
            return True

    def release_launch_lease(self, target: DrsTarget, holder: str) -> None:
        key = (target.account_id, target.region)
        with self._lease_lock:
            current = self._leases.get(key)
            if current is not None and current[0] == holder:
                del self._leases[key]


class InMemoryAuditRepository:
    def __init__(self) -> None:
        self._records: dict[str, AuditRecord] = {}

    def check_new(self, record: AuditRecord) -> None:
        if record.id in self._records:
            raise Conflict(f"audit record {record.id} already exists")

    def append(self, record: AuditRecord) -> None:
        self.check_new(record)
        self._records[record.id] = record.model_copy(deep=True)

    def list(
        self,
        *,
        resource_id: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[AuditRecord]:
        records = [r for r in self._records.values() if resource_id is None or r.resource_id == resource_id]
        ordered = sorted(((f"{_stamp(r.at)}#{r.id}", r) for r in records), key=lambda pair: pair[0])
        return _page(ordered[::-1], limit, next_token, newest_first=True)
