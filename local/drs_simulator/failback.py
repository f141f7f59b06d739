"""Failback: the failback client (simulated via the control API), StartFailbackLaunch, StopFailback,
Disconnect/DeleteRecoveryInstance, and ReverseReplication for EC2-origin servers across Regions."""

from __future__ import annotations

from typing import Any

from .context import Handler, SimContext
from .errors import conflict, not_found
from .events import FAILBACK_STATE
from .fleet import ServerFixture
from .lifecycle import ServerRun, check_job_quotas, new_job, start_job
from .records import Partition, RecoveryInstance
from .replication import load_server


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


def reverse_replication(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """Protect an EC2-origin recovery instance back to its origin Region (a FAILBACK source server there)."""
    instance = _instance(part, params["recoveryInstanceID"])
    server = instance.server
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


OPERATIONS: dict[str, Handler] = {
    "StartFailbackLaunch": start_failback_launch,
    "StopFailback": stop_failback,
    "DisconnectRecoveryInstance": disconnect_recovery_instance,
    "DeleteRecoveryInstance": delete_recovery_instance,
    "ReverseReplication": reverse_replication,
}
