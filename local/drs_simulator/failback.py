"""Failback: the failback client (simulated via the control API), StartFailbackLaunch, StopFailback,
Disconnect/DeleteRecoveryInstance, ReverseReplication for EC2-origin servers across Regions, and
Start/StopReplication of a source server.

Re-protection after a failback, as the simulator models it:

* **On-premises origin**: when a failback launch to the origin machine succeeds, the failback client
  has rewritten it and its source server waits with replication ``STOPPED`` (no snapshots, nothing to
  launch from) until ``StartReplication`` resumes it in the FAILOVER direction (INITIATING, then
  CONTINUOUS after a rescan).
* **EC2 origin**: ``ReverseReplication`` on a recovery instance of a FAILBACK-direction source server
  (the failback instance in the origin Region) starts its replication back to the recovery Region,
  into the original source server: the instance's replication goes RESCAN then CONTINUOUS, and so
  does the original server's. A second call is a conflict (already replicating).
"""

from __future__ import annotations

from typing import Any

from .context import Handler, SimContext
from .errors import conflict, not_found
from .events import FAILBACK_STATE
from .fleet import ServerFixture
from .lifecycle import ServerRun, check_job_quotas, new_job, start_job
from .records import Partition, RecoveryInstance, SourceServer
from .replication import load_server, set_state


def _instance(
    part: Partition, instance_id: str, missing: str = "ResourceNotFoundException"
) -> RecoveryInstance:
    instance = part.instances.get(instance_id)
    if instance is None:
        message = f"Recovery instance {instance_id} not found"
        if missing == "ConflictException":
            raise conflict(message, instance_id, "RECOVERY_INSTANCE")
        raise not_found(message, instance_id, "RECOVERY_INSTANCE")
    return instance


def connect_failback_client(sim: SimContext, part: Partition, instance_id: str) -> dict[str, Any]:
    """A failback client boots and pairs with the recovery instance: replication runs, then it is ready."""
    instance = _instance(part, instance_id)
    if instance.failback_state not in ("FAILBACK_NOT_STARTED", "FAILBACK_ERROR", "FAILBACK_COMPLETED"):
        raise conflict(f"Failback already {instance.failback_state}", instance_id, "RECOVERY_INSTANCE")
    instance.failback_state = "FAILBACK_IN_PROGRESS"
    instance.failback_client_id = "fbc-" + instance_id[2:]
    instance.failback_started = sim.now
    instance.failback_replication = "INITIAL_SYNC"
    instance.disconnected = False
    sim.emit(part, FAILBACK_STATE, instance.arn, {"state": instance.failback_state})

    def ready() -> None:
        if (
            instance.failback_state == "FAILBACK_IN_PROGRESS"
            and instance.failback_replication == "INITIAL_SYNC"
        ):
            instance.failback_state = "FAILBACK_READY_FOR_LAUNCH"
            instance.failback_replication = "CONTINUOUS"

    sim.after(sim.draw(part, sim.config.timings.failback_sync), ready)
    return instance.render()


def start_failback_launch(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    instances = [_instance(part, iid, "ConflictException") for iid in params["recoveryInstanceIDs"]]
    for instance in instances:
        if instance.failback_state != "FAILBACK_READY_FOR_LAUNCH":
            raise conflict(
                f"Recovery instance {instance.recovery_instance_id} is {instance.failback_state}, "
                "not FAILBACK_READY_FOR_LAUNCH",
                instance.recovery_instance_id,
                "RECOVERY_INSTANCE",
            )
    server_ids = [ri.source_server_id for ri in instances]
    check_job_quotas(sim, part, server_ids)
    job = new_job(sim, part, "LAUNCH", "FAILBACK", server_ids, params.get("tags"))
    runs = []
    for instance in instances:
        participant = job.participants[instance.source_server_id]
        participant.recovery_instance_id = instance.recovery_instance_id
        instance.failback_job_id = job.job_id
        runs.append(
            ServerRun(
                job,
                participant,
                instance.server,
                ["conversion", "launch"],
                conversion_server=instance.recovery_instance_id,
                instance=instance,
            )
        )
    start_job(sim, part, job, runs)
    return {"job": job.render()}


def stop_failback(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    instance = _instance(part, params["recoveryInstanceID"])
    instance.failback_state = "FAILBACK_NOT_STARTED"
    instance.failback_replication = "NOT_STARTED"
    instance.failback_client_id = None
    return {}


def disconnect_recovery_instance(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    instance = _instance(part, params["recoveryInstanceID"])
    if any(instance.source_server_id in job.participants for job in part.active_jobs()):
        raise conflict(
            "Recovery instance is in an active job", instance.recovery_instance_id, "RECOVERY_INSTANCE"
        )
    instance.disconnected = True
    instance.failback_state = "FAILBACK_NOT_STARTED"
    instance.failback_replication = "DISCONNECTED"
    return {}


def delete_recovery_instance(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    instance = _instance(part, params["recoveryInstanceID"], "ConflictException")
    if not instance.disconnected:
        raise conflict(
            "Recovery instance must be disconnected first", instance.recovery_instance_id, "RECOVERY_INSTANCE"
        )
    sim.remove_instance(part, instance, terminate_ec2=False)
    return {}


def _server_by_arn(sim: SimContext, arn: str) -> tuple[Partition, SourceServer] | None:
    parts = arn.split(":")
    if len(parts) != 6:
        return None
    found = sim.partition(parts[4], parts[3]).servers.get(parts[5].removeprefix("source-server/"))
    return (sim.partition(parts[4], parts[3]), found) if found else None


def _reprotect(sim: SimContext, part: Partition, instance: RecoveryInstance) -> dict[str, Any]:
    """ReverseReplication of a failback instance: replicate back into the original source server."""
    found = _server_by_arn(sim, instance.server.reversed_arn or "")
    if found is None:
        message = "The original source server no longer exists"
        raise conflict(message, instance.source_server_id, "SOURCE_SERVER")
    original_part, original = found
    if instance.failback_replication in ("RESCAN", "CONTINUOUS"):
        raise conflict("Replication is already reversed", instance.recovery_instance_id, "RECOVERY_INSTANCE")
    instance.failback_replication = "RESCAN"
    set_state(sim, original_part, original, "RESCAN", None)

    def converged() -> None:
        if instance.failback_replication == "RESCAN":
            instance.failback_replication = "CONTINUOUS"
        if original.replication_state == "RESCAN":
            set_state(sim, original_part, original, "CONTINUOUS", None)

    sim.after(sim.draw(part, sim.config.timings.failback_sync), converged)
    return {"reversedDirectionSourceServerArn": original.arn}


def reverse_replication(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """Protect an EC2-origin recovery instance back to its origin Region (a FAILBACK source server there);
    on a failback instance (of a FAILBACK-direction server), replicate back to the recovery Region."""
    instance = _instance(part, params["recoveryInstanceID"])
    server = instance.server
    if server.replication_direction == "FAILBACK":
        return _reprotect(sim, part, instance)
    if server.origin != "AWS" or not server.origin_region:
        raise conflict(
            "Only EC2-origin source servers can reverse replication", server.source_server_id, "SOURCE_SERVER"
        )
    if server.reversed_arn:
        raise conflict("Replication is already reversed", server.source_server_id, "SOURCE_SERVER")
    fixture = ServerFixture(
        hostname=server.hostname,
        account_id=server.origin_account or part.account_id,
        region=server.origin_region,
        os_family=server.os_family,
        os_string=server.os_string,
        origin="AWS",
        origin_region=part.region,
        origin_account=part.account_id,
        origin_instance_id=instance.recovery_instance_id,
        disks_gib=server.disks_gib,
        instance_type=server.instance_type,
        tags=server.tags,
        replication_state="INITIAL_SYNC",
        initial_sync_remaining_seconds=sim.draw(part, sim.config.timings.failback_sync),
        snapshot_history=0,
    )
    reversed_server = load_server(sim, fixture)
    reversed_server.replication_direction = "FAILBACK"
    reversed_server.reversed_arn = server.arn
    server.reversed_arn = reversed_server.arn
    return {"reversedDirectionSourceServerArn": reversed_server.arn}


def start_replication(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """A STOPPED source server replicates again: INITIATING, then CONTINUOUS once rescanned."""
    server = _source_server(part, params["sourceServerID"])
    if server.replication_state != "STOPPED":
        raise conflict(
            f"Source server replication is {server.replication_state}, not STOPPED",
            server.source_server_id,
            "SOURCE_SERVER",
        )
    set_state(sim, part, server, "INITIATING", None)

    def resumed() -> None:
        if server.replication_state == "INITIATING":
            set_state(sim, part, server, "CONTINUOUS", None)

    sim.after(sim.draw(part, sim.config.timings.failback_sync), resumed)
    return {"sourceServer": server.render(sim.now)}


def stop_replication(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """Replication stops and the server's recovery snapshots are deleted (it is no longer protected)."""
    server = _source_server(part, params["sourceServerID"])
    if server.replication_state in ("STOPPED", "DISCONNECTED"):
        message = f"Source server replication is {server.replication_state}"
        raise conflict(message, server.source_server_id, "SOURCE_SERVER")
    if any(server.source_server_id in job.participants for job in part.active_jobs()):
        raise conflict("Source server is in an active job", server.source_server_id, "SOURCE_SERVER")
    stop_source_server(sim, part, server)
    return {"sourceServer": server.render(sim.now)}


def stop_source_server(sim: SimContext, part: Partition, server: SourceServer) -> None:
    set_state(sim, part, server, "STOPPED", None)
    if server.pit is not None:
        server.pit.clear()


def _source_server(part: Partition, server_id: str) -> SourceServer:
    server = part.servers.get(server_id)
    if server is None:
        raise not_found(f"Source server {server_id} not found", server_id, "SOURCE_SERVER")
    return server


OPERATIONS: dict[str, Handler] = {
    "StartFailbackLaunch": start_failback_launch,
    "StopFailback": stop_failback,
    "DisconnectRecoveryInstance": disconnect_recovery_instance,
    "DeleteRecoveryInstance": delete_recovery_instance,
    "ReverseReplication": reverse_replication,
    "StartReplication": start_replication,
    "StopReplication": stop_replication,
}
