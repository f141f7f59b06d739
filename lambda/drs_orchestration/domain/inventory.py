"""The DRS inventory of one account and Region as the API serves it: read once, paged and filtered.

An ``InventorySnapshot`` holds every source server of a target sorted by id, so a page is a binary
search plus the filter, whatever the inventory's size. A page resumes after the last id it returned:
paging through a changing inventory (a new read between two pages) never repeats a server, and never
skips one present on both reads.

``SourceServerInventory`` is the port the API reads it through. ``fresh=True`` reads DRS now (the
write paths, whose claims and checks must see the current tags); otherwise an implementation may
answer from a recent read (the API keeps one per account and Region for a short time).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from drs_orchestration.domain.models.drs import DrsTarget, SourceServer
from drs_orchestration.domain.ports import DrsGatewayFactory, Page
from drs_orchestration.domain.services.paging import value_cursor, value_from_cursor

__all__ = [
    "CURSOR_NAME",
    "DirectInventory",
    "InventorySnapshot",
    "ServerFilter",
    "SourceServerInventory",
    "page_servers",
]

CURSOR_NAME = "sourceServerId"
"""What a page's ``nextToken`` carries: the last source server id it returned."""


@dataclass(frozen=True)
class InventorySnapshot:
    """Every source server of one account and Region, sorted by id, with an index by id."""

    servers: tuple[SourceServer, ...]
    ids: tuple[str, ...] = field(repr=False)
    by_id: Mapping[str, SourceServer] = field(repr=False)
    search_keys: tuple[str, ...] = field(repr=False)
    """Each server's id and hostname, case-folded, for searches."""

    @classmethod
    def of(cls, servers: Iterable[SourceServer]) -> InventorySnapshot:
        ordered = tuple(sorted(servers, key=lambda server: server.source_server_id))
        by_id = {server.source_server_id: server for server in ordered}
        keys = tuple(f"{s.source_server_id}\n{s.hostname or ''}".casefold() for s in ordered)
        return cls(servers=ordered, ids=tuple(by_id), by_id=by_id, search_keys=keys)

    def __len__(self) -> int:
        return len(self.servers)

    def index_after(self, source_server_id: str) -> int:
        """Where the servers after ``source_server_id`` (listed or not) start."""
        return bisect_right(self.ids, source_server_id)


class SourceServerInventory(Protocol):
    def snapshot(self, target: DrsTarget, *, fresh: bool = False) -> InventorySnapshot:
        """The target's inventory; ``fresh`` reads DRS now instead of answering from a recent read."""
        ...

    def launch_configured(self, target: DrsTarget, source_server_ids: Sequence[str]) -> dict[str, bool]:
        """Whether each server has a launch configuration DRS can use (one DRS call a server, so an
        implementation may answer from recent calls)."""
        ...


class DirectInventory:
    """Reads DRS on every call (no cache): where no recent read may be reused."""

    def __init__(self, drs: DrsGatewayFactory) -> None:
        self.drs = drs

    def snapshot(self, target: DrsTarget, *, fresh: bool = False) -> InventorySnapshot:
        return InventorySnapshot.of(self.drs.for_target(target).list_source_servers())

    def launch_configured(self, target: DrsTarget, source_server_ids: Sequence[str]) -> dict[str, bool]:
        return self.drs.for_target(target).launch_configuration_present(source_server_ids)


@dataclass(frozen=True)
class ServerFilter:
    """Which servers a listing keeps: every tag given (exact ``Key=Value``), and ``search``, a piece
    of the hostname or of the source server id (any case)."""

    tags: Mapping[str, str] = field(default_factory=dict)
    search: str | None = None

    def keeps(self, server: SourceServer, search_key: str) -> bool:
        """Whether ``server`` (whose ``InventorySnapshot.search_keys`` entry is ``search_key``) is kept."""
        if self.search and self.search.casefold() not in search_key:
            return False
        return all(server.tags.get(key) == value for key, value in self.tags.items())


def page_servers(
    snapshot: InventorySnapshot, wanted: ServerFilter, *, limit: int, next_token: str | None
) -> Page[SourceServer]:
    """``limit`` servers that ``wanted`` keeps, by id, after the token's server (which need not be
    listed any more); a ``nextToken`` only when another kept server follows."""
    start = 0 if next_token is None else snapshot.index_after(value_from_cursor(next_token, CURSOR_NAME))
    kept: list[SourceServer] = []
    for index in range(start, len(snapshot.servers)):
        server = snapshot.servers[index]
        if wanted.keeps(server, snapshot.search_keys[index]):
            if len(kept) == limit:
                token = value_cursor(CURSOR_NAME, kept[-1].source_server_id)
                return Page[SourceServer](items=kept, next_token=token)
            kept.append(server)
    return Page[SourceServer](items=kept)
