"""The DRS inventory kept in the API function's memory: one read per account and Region per TTL.

Listing 4,000 source servers takes four DescribeSourceServers pages of 1,000 and their translation;
a console paging through them 50 at a time would otherwise repeat that for every page (80 pages,
320 DRS calls), and DRS throttles its read calls per account and Region. So the API keeps each
target's last read for ``INVENTORY_TTL`` (30 s) on the product's clock:

- 30 s is below what an operator notices after changing a tag or installing an agent (the console's
  own inventory views refresh every 60 s), and longer than it takes to page through an inventory or
  to edit a group, so those cost one read. A paged listing stays consistent whatever is read between
  two of its pages (``domain.inventory.page_servers``).
- Writes never use it: creating or updating a group, and creating or updating a plan, read DRS now
  (``fresh``), claim and check on that read, and leave it here, so the writer's next view of its
  group, served by this function instance, resolves tag matches against the same servers that were
  claimed. Another instance may answer from an older read for up to 30 s; a group's explicit
  servers and selector come from DynamoDB on every request, so only a tag or replication change made
  in DRS within those 30 s can show late. Runs never read it (the engine functions have no cache).

Whether a server has a launch configuration (one GetLaunchConfiguration call a server, 50 for a page
of a group's servers, which DRS's read rate makes seconds) is kept the same way, per server, for the
group view; a plan's validation asks DRS again.

At most ``max_targets`` (16) targets are kept, the one read longest ago dropped first: an entry holds
about 7 MB at 4,000 servers, so 16 stay near 115 MB of the API function's 512 MB.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from drs_orchestration.domain.clock import Clock
from drs_orchestration.domain.inventory import InventorySnapshot
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.ports import DrsGatewayFactory

__all__ = ["INVENTORY_TTL", "CachedInventory"]

INVENTORY_TTL = timedelta(seconds=30)
_MAX_TARGETS = 16


@dataclass(frozen=True)
class _Entry:
    snapshot: InventorySnapshot
    expires_at: datetime


class CachedInventory:
    """``SourceServerInventory`` answering from a read younger than ``ttl``, per account and Region."""

    def __init__(
        self,
        drs: DrsGatewayFactory,
        clock: Clock,
        *,
        ttl: timedelta = INVENTORY_TTL,
        max_targets: int = _MAX_TARGETS,
    ) -> None:
        self.drs = drs
        self.clock = clock
        self.ttl = ttl
        self.max_targets = max_targets
        self.reads = 0
        """How many times DRS was read (every page of a target counts once)."""
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._configured: OrderedDict[tuple[str, str], dict[str, tuple[bool, datetime]]] = OrderedDict()
        self._lock = threading.Lock()

    def snapshot(self, target: DrsTarget, *, fresh: bool = False) -> InventorySnapshot:
        key = (target.account_id, target.region)
        if not fresh:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None and self.clock.now() < entry.expires_at:
                    return entry.snapshot
        # The TTL runs from before the read: an entry is never younger than the data it holds.
        started = self.clock.now()
        snapshot = InventorySnapshot.of(self.drs.for_target(target).list_source_servers())
        with self._lock:
            self.reads += 1
            self._entries[key] = _Entry(snapshot, started + self.ttl)
            self._entries.move_to_end(key)
            _bound(self._entries, self.max_targets)
        return snapshot

    def launch_configured(self, target: DrsTarget, source_server_ids: Sequence[str]) -> dict[str, bool]:
        key = (target.account_id, target.region)
        now = self.clock.now()
        with self._lock:
            known = self._configured.get(key, {})
            answer = {i: known[i][0] for i in source_server_ids if i in known and now < known[i][1]}
        missing = [i for i in dict.fromkeys(source_server_ids) if i not in answer]
        if not missing:
            return answer
        read = self.drs.for_target(target).launch_configuration_present(missing)
        expires_at = now + self.ttl
        with self._lock:
            known = self._configured.setdefault(key, {})
            for server_id in [i for i, (_, until) in known.items() if until <= now]:
                del known[server_id]
            known.update({server_id: (present, expires_at) for server_id, present in read.items()})
            self._configured.move_to_end(key)
            _bound(self._configured, self.max_targets)
        return {**answer, **read}


def _bound(entries: OrderedDict[tuple[str, str], Any], size: int) -> None:
    """Drop the entries written longest ago until ``size`` are left."""
    while len(entries) > size:
        entries.popitem(last=False)
