"""Point-in-time recovery snapshots, kept as a schedule and materialized when read.

DRS snapshots every replicating server on the PIT slot grid (every 10 minutes by default) and prunes
each server's snapshots by the retention rules. Storing and pruning every snapshot costs a round work
for every server; here a round only moves :attr:`PitRounds.last`. Each server keeps a
:class:`ServerPit`: the snapshots it came with, the first round that saw it, and when its replication
state entered or left a snapshotting state (as the first round that saw the change). A read computes
the snapshots the server holds after the last round: those it came with that the rules still keep,
then the slots the rules keep at which it was snapshotting. A round's snapshot has its IDs, EBS
snapshot IDs and seconds after the slot derived from the server and the slot, so it has the same ID on
every read and in its ``DRS PIT Snapshot Taken`` event.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .clock import iso

SNAPSHOT_STATES = frozenset({"CONTINUOUS", "BACKLOG", "RESCAN", "CREATING_SNAPSHOT", "PAUSED"})
"""Replication states in which a round takes a server's snapshot."""


@dataclass
class Snapshot:
    snapshot_id: str
    source_server_id: str
    expected: datetime
    taken: datetime
    ebs_snapshots: list[str]

    def render(self) -> dict[str, Any]:
        return {
            "snapshotID": self.snapshot_id,
            "sourceServerID": self.source_server_id,
            "expectedTimestamp": iso(self.expected),
            "timestamp": iso(self.taken),
            "ebsSnapshots": self.ebs_snapshots,
        }


@dataclass(frozen=True)
class Retention:
    """One retention rule in seconds: slots on multiples of ``every`` are kept ``keep_for`` seconds."""

    every: int
    keep_for: int


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def at_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class PitRounds:
    """The simulator-wide round grid: rounds every ``interval`` seconds from ``first``; ``last`` is the
    slot of the last round run (``None`` before the first)."""

    interval: int
    first: int
    rules: Callable[[], Sequence[Retention]]
    last: int | None = None

    @property
    def next_slot(self) -> int:
        """The slot of the next round to run: the first one to see a change made now."""
        return self.first if self.last is None else self.last + self.interval

    def horizon(self) -> int:
        """The longest any rule keeps a snapshot, in seconds."""
        return max((rule.keep_for for rule in self.rules()), default=0)


def kept(slot: int, now: int, rules: Sequence[Retention]) -> bool:
    """Whether a round at ``now`` keeps the snapshot of ``slot`` (some rule's slot, within its retention)."""
    return any(slot % rule.every == 0 and now - slot <= rule.keep_for for rule in rules)


@dataclass
class ServerPit:
    """One server's snapshot schedule (see the module docstring)."""

    rounds: PitRounds
    key: str
    """What the derived IDs are drawn from: the seed, the partition and the server ID."""
    source_server_id: str
    disks: int
    first_round: int
    seeded: list[Snapshot]
    """The snapshots it came with, taken before it was loaded (oldest first)."""
    changes: list[tuple[int, bool]] = field(default_factory=list)
    """``(first round that saw it, snapshotting)`` in round order."""
    _cache: tuple[tuple[int | None, int], list[Snapshot]] | None = None
    _version: int = 0

    def record_state(self, state: str) -> None:
        """The server's replication state changed now: the next round sees ``state``."""
        snapshotting = state in SNAPSHOT_STATES
        if self.changes and self.changes[-1][1] == snapshotting:
            return
        at = self.rounds.next_slot
        while self.changes and self.changes[-1][0] == at:
            self.changes.pop()
        if not self.changes or self.changes[-1][1] != snapshotting:
            self.changes.append((at, snapshotting))
        self._forget_before(at - self.rounds.interval - self.rounds.horizon())
        self._version += 1

    def clear(self) -> None:
        """Hold no snapshot from before now (the machine was rewritten): only later rounds add any."""
        self.seeded = []
        self.first_round = self.rounds.next_slot
        self._version += 1

    def _forget_before(self, horizon: int) -> None:
        """Drop the changes no kept slot can need (the last one at or before ``horizon`` still decides)."""
        index = bisect_right(self.changes, horizon, key=lambda change: change[0])
        if index > 1:
            del self.changes[: index - 1]

    def snapshotting_at(self, slot: int) -> bool:
        index = bisect_right(self.changes, slot, key=lambda change: change[0])
        return index > 0 and self.changes[index - 1][1]

    def slots(self) -> list[int]:
        """The slots of the round snapshots the server holds after the last round, oldest first."""
        now = self.rounds.last
        if now is None or now < self.first_round:
            return []
        held: set[int] = set()
        interval = self.rounds.interval
        for rule in self.rounds.rules():
            low = max(self.first_round, now - rule.keep_for)
            for slot in range(-(-low // rule.every) * rule.every, now + 1, rule.every):
                if slot % interval == 0 and self.snapshotting_at(slot):
                    held.add(slot)
        return sorted(held)

    def _seeded_held(self) -> list[Snapshot]:
        now = self.rounds.last
        if now is None or now < self.first_round:
            return list(self.seeded)  # no round has pruned its history yet
        rules = self.rounds.rules()
        return [s for s in self.seeded if kept(epoch(s.expected), now, rules)]

    def snapshots(self) -> list[Snapshot]:
        """The server's snapshots, oldest first (the same objects until a round or a change)."""
        stamp = (self.rounds.last, self._version)
        if self._cache is None or self._cache[0] != stamp:
            taken = [self.snapshot(slot) for slot in self.slots()]
            self._cache = (stamp, self._seeded_held() + taken)
        return self._cache[1]

    def find(self, snapshot_id: str) -> Snapshot | None:
        return next((s for s in self.snapshots() if s.snapshot_id == snapshot_id), None)

    def snapshot(self, slot: int) -> Snapshot:
        """The snapshot of ``slot`` (the same IDs and time whenever it is built)."""
        digest = _digest(f"{self.key}:{slot}")
        expected = at_epoch(slot)
        return Snapshot(
            snapshot_id="pit-" + digest[:17],
            source_server_id=self.source_server_id,
            expected=expected,
            taken=expected + timedelta(seconds=1 + int(digest[17:21], 16) % 9),
            ebs_snapshots=["snap-" + _digest(f"{self.key}:{slot}:{disk}")[:17] for disk in range(self.disks)],
        )


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
