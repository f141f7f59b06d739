"""Source-server replication: loading fixtures, replication states, stalls and PIT snapshots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .context import SimContext
from .events import PIT_SNAPSHOT, REPLICATION_STALLED
from .fleet import OS_STRINGS, ServerFixture
from .records import Partition, SourceServer
from .snapshots import SNAPSHOT_STATES, PitRounds, Retention, ServerPit, Snapshot, at_epoch, epoch

UNIT_SECONDS = {"MINUTE": 60, "HOUR": 3600, "DAY": 86400}
STALLED = "STALLED"
RANDOM_STALL_ERRORS = ("AGENT_NOT_SEEN", "UNSTABLE_NETWORK", "NOT_CONVERGING")


def check_quotas(sim: SimContext, fixtures: list[ServerFixture]) -> None:
    """Refuse fixtures that would pass the replicating or total source-server quota of a partition."""
    quotas = sim.config.quotas
    adding: Counter[tuple[str, str]] = Counter()
    replicating: Counter[tuple[str, str]] = Counter()
    for fixture in fixtures:
        key = (fixture.account_id, fixture.region)
        adding[key] += 1
        if fixture.staging_account is None and fixture.replication_state != "STOPPED":
            replicating[key] += 1
    for key, count in adding.items():
        part = sim.partition(*key)
        if len(part.servers) + count > quotas.max_source_servers:
            raise ValueError(
                f"{key[0]}/{key[1]}: {len(part.servers) + count} source servers exceed the quota of "
                f"{quotas.max_source_servers} (L-E28BE5E0)"
            )
        total = sum(1 for s in part.servers.values() if s.replicating) + replicating[key]
        if total > quotas.max_replicating_servers:
            raise ValueError(
                f"{key[0]}/{key[1]}: {total} replicating source servers exceed the quota of "
                f"{quotas.max_replicating_servers} (L-C1D14A2B); use extended source servers"
            )


def load_server(sim: SimContext, fixture: ServerFixture) -> SourceServer:
    part = sim.partition(fixture.account_id, fixture.region)
    part.initialized = True
    server_id = fixture.source_server_id or part.new_id("s-")
    if server_id in part.servers:
        raise ValueError(f"source server {server_id} already exists in {part.account_id}/{part.region}")
    now = sim.now
    server = SourceServer(
        seq=part.next_seq(),
        source_server_id=server_id,
        arn=part.arn("source-server", server_id),
        hostname=fixture.hostname,
        os_family=fixture.os_family,
        os_string=fixture.os_string or OS_STRINGS[fixture.os_family][0],
        origin=fixture.origin,
        disks_gib=list(fixture.disks_gib),
        instance_type=fixture.instance_type,
        added_at=now - timedelta(days=30),
        tags=dict(fixture.tags),
        replication_state=fixture.replication_state,
        replication_error=fixture.replication_error,
        state_since=now if fixture.replication_state != "CONTINUOUS" else None,
        origin_account=(fixture.origin_account or part.account_id) if fixture.origin == "AWS" else None,
        origin_region=(fixture.origin_region or part.region) if fixture.origin == "AWS" else None,
        origin_instance_id=(fixture.origin_instance_id or part.new_id("i-"))
        if fixture.origin == "AWS"
        else None,
        staging_account=fixture.staging_account,
        launch_configuration=default_launch_configuration(server_id, fixture.hostname),
    )
    part.servers[server_id] = server
    _ = server.static_members  # render the unchanging members once, at load time
    server.pit = _server_pit(sim, part, server, fixture.snapshot_history)
    if fixture.replication_state in ("INITIATING", "INITIAL_SYNC"):
        remaining = fixture.initial_sync_remaining_seconds
        if remaining is None:
            remaining = sim.draw(part, sim.config.timings.initial_sync)
        sim.after(remaining, lambda: set_state(sim, part, server, "CONTINUOUS", None))
    return server


def _server_pit(sim: SimContext, part: Partition, server: SourceServer, history: int) -> ServerPit:
    """The server's snapshot schedule: ``history`` snapshots on the last slots up to now, then rounds."""
    rounds = sim.pit_rounds
    last_slot = epoch(sim.now) // rounds.interval * rounds.interval
    pit = ServerPit(
        rounds=rounds,
        key=f"{sim.config.seed}:{part.account_id}:{part.region}:{server.source_server_id}",
        source_server_id=server.source_server_id,
        disks=len(server.disks_gib),
        first_round=rounds.next_slot,
        seeded=[
            _history_snapshot(part, server, at_epoch(last_slot - rounds.interval * back))
            for back in range(history - 1, -1, -1)
        ],
    )
    pit.record_state(server.replication_state)
    return pit


def _history_snapshot(part: Partition, server: SourceServer, slot: datetime) -> Snapshot:
    """A snapshot taken before the server was loaded (drawn from the partition's random stream)."""
    return Snapshot(
        snapshot_id=part.new_id("pit-"),
        source_server_id=server.source_server_id,
        expected=slot,
        taken=slot + timedelta(seconds=part.rng.randint(1, 9)),
        ebs_snapshots=[part.new_id("snap-") for _ in server.disks_gib],
    )


def default_launch_configuration(server_id: str, hostname: str) -> dict[str, Any]:
    return {
        "sourceServerID": server_id,
        "name": hostname,
        "ec2LaunchTemplateID": "lt-" + server_id[2:],
        "launchDisposition": "STARTED",
        "targetInstanceTypeRightSizingMethod": "BASIC",
        "copyPrivateIp": False,
        "copyTags": True,
        "licensing": {"osByol": True},
        "postLaunchEnabled": False,
        "recoveryMode": "OPTIMAL",
    }


def set_state(sim: SimContext, part: Partition, server: SourceServer, state: str, error: str | None) -> None:
    """Move a server's replication state; entering or leaving STALLED emits the Stalled Change event."""
    was_stalled = server.replication_state == STALLED
    server.replication_state = state
    server.replication_error = error
    server.state_since = sim.now if state != "CONTINUOUS" else None
    if server.pit is not None:
        server.pit.record_state(state)
    if was_stalled != (state == STALLED):
        detail = {"state": STALLED if state == STALLED else "NOT_STALLED"}
        sim.emit(part, REPLICATION_STALLED, server.arn, detail)


def apply_replication_faults(sim: SimContext, overrides: dict[str, dict[str, Any]]) -> None:
    """``{server_id: {"state": "STALLED", "error": "AGENT_NOT_SEEN", "until_seconds": 600}}``."""
    for server_id, spec in overrides.items():
        found = find_server(sim, server_id)
        if found is None:
            raise ValueError(f"replication_state: unknown source server {server_id}")
        part, server = found
        state = str(spec.get("state", STALLED))
        error = spec.get("error", "AGENT_NOT_SEEN" if state == STALLED else None)
        set_state(sim, part, server, state, error)
        if spec.get("until_seconds"):
            sim.after(float(spec["until_seconds"]), _recover(sim, part, server))


def _recover(sim: SimContext, part: Partition, server: SourceServer) -> Callable[[], None]:
    return lambda: set_state(sim, part, server, "CONTINUOUS", None)


def find_server(sim: SimContext, server_id: str) -> tuple[Partition, SourceServer] | None:
    for part in sim.partitions():
        if server_id in part.servers:
            return part, part.servers[server_id]
    return None


def recoverable(sim: SimContext, server: SourceServer) -> bool:
    return server.replication_state in sim.config.behaviour.recoverable_states


def retention_rules(sim: SimContext) -> list[Retention]:
    units = UNIT_SECONDS
    return [
        Retention(rule.interval * units[rule.units], rule.retention_duration * units[rule.units])
        for rule in sim.config.behaviour.pit_policy
    ]


def _slot_seconds(sim: SimContext) -> int:
    return min(rule.every for rule in retention_rules(sim))


def new_pit_rounds(sim: SimContext) -> PitRounds:
    """The round grid from the next slot after now (rounds run by :func:`start_pit_rounds`)."""
    interval = _slot_seconds(sim)
    return PitRounds(interval, epoch(sim.now) // interval * interval + interval, lambda: retention_rules(sim))


def start_pit_rounds(sim: SimContext) -> None:
    rounds = sim.pit_rounds
    sim.schedule(at_epoch(rounds.first), lambda: _pit_round(sim, rounds, rounds.first))


def _pit_round(sim: SimContext, rounds: PitRounds, slot: int) -> None:
    """One PIT slot. Snapshots are kept as each server's schedule (``snapshots.py``), so a round costs
    work per server only for the opt-in stall dice and the optional ``DRS PIT Snapshot Taken`` events."""
    if sim.faults.stall_rate_per_hour > 0:
        _stall_dice(sim, rounds.interval)
    rounds.last = slot
    if sim.config.behaviour.pit_snapshot_events:
        _emit_snapshot_events(sim, slot)
    following = slot + rounds.interval
    sim.schedule(at_epoch(following), lambda: _pit_round(sim, rounds, following))


def _stall_dice(sim: SimContext, interval: int) -> None:
    stall_chance = sim.faults.stall_rate_per_hour * interval / 3600
    for part in sim.partitions():
        for server in part.servers.values():
            if server.replication_state == "CONTINUOUS" and sim.chance(stall_chance):
                set_state(sim, part, server, STALLED, part.rng.choice(RANDOM_STALL_ERRORS))
                sim.after(part.rng.uniform(600, 3600), _recover(sim, part, server))


def _emit_snapshot_events(sim: SimContext, slot: int) -> None:
    for part in sim.partitions():
        for server in part.servers.values():
            if server.pit is not None and server.replication_state in SNAPSHOT_STATES:
                snapshot = server.pit.snapshot(slot)
                detail = {
                    "DrsSnapshotID": snapshot.snapshot_id,
                    "EbsSnapshotIDs": ",".join(snapshot.ebs_snapshots),
                }
                sim.emit(part, PIT_SNAPSHOT, server.arn, detail)
