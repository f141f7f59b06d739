"""DRS operation handlers: ``handler(sim, partition, params) -> response members``.

Called under the simulator's lock with validated parameters (see ``wire.py``). Operations without a
handler get canned empty data (List/Describe) or a modeled error naming the simulator's limit.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from . import failback
from .clock import iso, parse_iso
from .context import Handler, SimContext
from .errors import DrsError, conflict, not_found, validation
from .lifecycle import ServerRun, check_job_quotas, new_job, plan_failure, start_job
from .records import Partition
from .snapshots import Snapshot
from .wire import modeled_errors, service_model

T = TypeVar("T")


# ---- pagination ------------------------------------------------------------------------------
def paginate(
    sim: SimContext,
    params: dict[str, Any],
    items: Iterable[T],
    key: Callable[[T], int],
    newest_first: bool = False,
) -> tuple[list[T], dict[str, Any]]:
    """Page over ``items`` (already in order); the token encodes the sort key of the last item returned,
    so pages stay stable while items are added."""
    page = sim.config.pagination
    limit = min(int(params.get("maxResults") or page.default_page_size), page.describe_max_page)
    after = _decode_token(params.get("nextToken"))
    if after is not None:
        items = (i for i in items if (key(i) < after if newest_first else key(i) > after))
    out: list[T] = []
    more = False
    for item in items:
        if len(out) == limit:
            more = True
            break
        out.append(item)
    extra = {"nextToken": _encode_token(key(out[-1]))} if more and out else {}
    return out, extra


def _encode_token(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": seq}).encode()).decode()


def _decode_token(token: str | None) -> int | None:
    if not token:
        return None
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise validation(
            "Invalid nextToken", fields=[{"name": "nextToken", "message": "invalid token"}]
        ) from exc


def _date_filter(filters: dict[str, Any], name: str) -> datetime | None:
    value = filters.get(name)
    if not value:
        return None
    try:
        return parse_iso(value)
    except ValueError as exc:
        raise validation(
            f"{name} is not an ISO-8601 date", fields=[{"name": f"filters.{name}", "message": "not a date"}]
        ) from exc


# ---- service and source servers --------------------------------------------------------------
def initialize_service(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    part.initialized = True
    return {}


def describe_source_servers(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    filters = params.get("filters") or {}
    wanted = set(filters.get("sourceServerIDs") or [])
    staging = set(filters.get("stagingAccountIDs") or [])
    servers: Iterable[Any] = part.servers.values()
    if wanted:
        servers = (s for s in servers if s.source_server_id in wanted)
    if staging:
        servers = (s for s in servers if s.staging_account in staging)
    page, extra = paginate(sim, params, servers, lambda s: s.seq)
    return {"items": [s.render(sim.now) for s in page], **extra}


def describe_recovery_snapshots(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    server = part.servers.get(params["sourceServerID"])
    if server is None:
        return {"items": []}
    filters = params.get("filters") or {}
    start, end = _date_filter(filters, "fromDateTime"), _date_filter(filters, "toDateTime")
    snaps = [
        s for s in server.snapshots if (start is None or s.taken >= start) and (end is None or s.taken <= end)
    ]
    descending = params.get("order") == "DESC"
    ordered = list(reversed(snaps)) if descending else snaps
    page, extra = paginate(sim, params, ordered, _snapshot_key, newest_first=descending)
    return {"items": [s.render() for s in page], **extra}


def _snapshot_key(snapshot: Snapshot) -> int:
    return int(snapshot.expected.timestamp() * 1000)


def _server(part: Partition, server_id: str) -> Any:
    server = part.servers.get(server_id)
    if server is None:
        raise not_found(f"Source server {server_id} not found", server_id, "SOURCE_SERVER")
    return server


def get_launch_configuration(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    return dict(_server(part, params["sourceServerID"]).launch_configuration)


def update_launch_configuration(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    server = _server(part, params["sourceServerID"])
    if any(server.source_server_id in job.participants for job in part.active_jobs()):
        raise conflict("Source server is in an active job", server.source_server_id, "SOURCE_SERVER")
    server.launch_configuration.update({k: v for k, v in params.items() if k != "sourceServerID"})
    return dict(server.launch_configuration)


# ---- jobs --------------------------------------------------------------------------------------
def start_recovery(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    requested = params["sourceServers"]
    server_ids = [item["sourceServerID"] for item in requested]
    check_job_quotas(sim, part, server_ids)
    for sid in server_ids:
        if sid not in part.servers:
            raise conflict(f"Source server {sid} does not exist", sid, "SOURCE_SERVER")
    is_drill = params.get("isDrill", sim.config.behaviour.default_is_drill)
    job = new_job(
        sim,
        part,
        "LAUNCH",
        "START_DRILL" if is_drill else "START_RECOVERY",
        server_ids,
        params.get("tags"),
        is_drill,
    )
    runs = []
    for item in requested:
        server = part.servers[item["sourceServerID"]]
        server.launch_attempts += 1
        server.last_launch_result = "PENDING"
        server.last_launch = {
            "initiated": {
                "apiCallDateTime": iso(job.created),
                "jobID": job.job_id,
                "type": "DRILL" if is_drill else "RECOVERY",
            },
            "status": "PENDING",
        }
        snapshot_id = item.get("recoverySnapshotID")
        snapshot = server.pit.find(snapshot_id) if snapshot_id and server.pit else None
        phases = ["cleanup", "use_previous_snapshot" if snapshot_id else "snapshot", "conversion", "launch"]
        run = ServerRun(
            job,
            job.participants[server.source_server_id],
            server,
            phases,
            snapshot=snapshot,
            snapshot_missing=bool(snapshot_id) and snapshot is None,
            point_in_time=snapshot.taken if snapshot else None,
            conversion_server=part.new_id("i-"),
            boot_fails=server.source_server_id in sim.faults.boot_failure_servers
            or sim.chance(sim.faults.boot_failure_rate),
        )
        plan_failure(sim, run)
        runs.append(run)
    start_job(sim, part, job, runs)
    return {"job": job.render()}


def describe_jobs(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    filters = params.get("filters") or {}
    wanted = set(filters.get("jobIDs") or [])
    start, end = _date_filter(filters, "fromDate"), _date_filter(filters, "toDate")
    jobs = sorted(part.jobs.values(), key=lambda j: j.seq, reverse=True)
    selected = [
        j
        for j in jobs
        if (not wanted or j.job_id in wanted)
        and (start is None or j.created >= start)
        and (end is None or j.created <= end)
    ]
    page, extra = paginate(sim, params, selected, lambda j: j.seq, newest_first=True)
    return {"items": [j.render() for j in page], **extra}


def describe_job_log_items(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    job = part.jobs.get(params["jobID"])
    if job is None:
        return {"items": []}
    page, extra = paginate(sim, params, list(enumerate(job.log)), lambda pair: pair[0])
    return {"items": [entry.render() for _, entry in page], **extra}


def delete_job(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    job = part.jobs.get(params["jobID"])
    if job is None:
        raise not_found(f"Job {params['jobID']} not found", params["jobID"], "JOB")
    if job.active:
        raise conflict(
            f"Job {job.job_id} is {job.status}; only completed jobs can be deleted", job.job_id, "JOB"
        )
    del part.jobs[job.job_id]
    return {}


# ---- recovery instances ------------------------------------------------------------------------
def describe_recovery_instances(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    filters = params.get("filters") or {}
    ids = set(filters.get("recoveryInstanceIDs") or [])
    sources = set(filters.get("sourceServerIDs") or [])
    instances = [
        ri
        for ri in part.instances.values()
        if (not ids or ri.recovery_instance_id in ids) and (not sources or ri.source_server_id in sources)
    ]
    page, extra = paginate(sim, params, instances, lambda ri: ri.seq)
    return {"items": [ri.render() for ri in page], **extra}


def terminate_recovery_instances(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    instance_ids = params["recoveryInstanceIDs"]
    instances = []
    for iid in instance_ids:
        instance = part.instances.get(iid)
        if instance is None:
            raise conflict(f"Recovery instance {iid} does not exist", iid, "RECOVERY_INSTANCE")
        if instance.failback_state == "FAILBACK_IN_PROGRESS":
            raise conflict(f"Recovery instance {iid} has a failback in progress", iid, "RECOVERY_INSTANCE")
        instances.append(instance)
    server_ids = [ri.source_server_id for ri in instances]
    check_job_quotas(sim, part, server_ids)
    job = new_job(sim, part, "TERMINATE", "TERMINATE_RECOVERY_INSTANCES", server_ids, None)
    runs = []
    for instance in instances:
        participant = job.participants[instance.source_server_id]
        participant.recovery_instance_id = instance.recovery_instance_id
        instance.ec2_state = "SHUTTING-DOWN"
        fail = "terminate" if sim.chance(sim.faults.terminate_failure_rate) else None
        runs.append(
            ServerRun(job, participant, instance.server, ["terminate"], fail_phase=fail, instance=instance)
        )
    start_job(sim, part, job, runs)
    return {"job": job.render()}


# ---- tags ----------------------------------------------------------------------------------------
def _tagged(part: Partition, arn: str) -> dict[str, str]:
    for collection in (part.servers.values(), part.jobs.values(), part.instances.values()):
        for resource in collection:
            if resource.arn == arn:
                return resource.tags
    raise not_found(f"Resource {arn} not found", arn, "RESOURCE")


def tag_resource(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    _tagged(part, params["resourceArn"]).update(params["tags"])
    return {}


def untag_resource(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tagged(part, params["resourceArn"])
    for key in params["tagKeys"]:
        tags.pop(key, None)
    return {}


def list_tags_for_resource(sim: SimContext, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    return {"tags": dict(_tagged(part, params["resourceArn"]))}


# ---- everything else -----------------------------------------------------------------------------
def unsupported(operation: str) -> dict[str, Any]:
    """Canned empty data for list/describe operations; a modeled error for the rest."""
    model = service_model().operation_model(operation)
    output = model.output_shape
    if operation.startswith(("List", "Describe")) and output is not None:
        return {name: [] for name, shape in output.members.items() if shape.type_name == "list"}
    errors = modeled_errors(model)
    message = f"{operation} is not supported by the DRS simulator"
    for error_type in ("ValidationException", "AccessDeniedException", "ConflictException"):
        if error_type in errors:
            reason = "other" if error_type == "ValidationException" else None
            raise DrsError(error_type, message, reason=reason)
    raise DrsError("UninitializedAccountException", message)


OPERATIONS: dict[str, Handler] = {
    "InitializeService": initialize_service,
    "DescribeSourceServers": describe_source_servers,
    "DescribeRecoverySnapshots": describe_recovery_snapshots,
    "GetLaunchConfiguration": get_launch_configuration,
    "UpdateLaunchConfiguration": update_launch_configuration,
    "StartRecovery": start_recovery,
    "DescribeJobs": describe_jobs,
    "DescribeJobLogItems": describe_job_log_items,
    "DeleteJob": delete_job,
    "DescribeRecoveryInstances": describe_recovery_instances,
    "TerminateRecoveryInstances": terminate_recovery_instances,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
    **failback.OPERATIONS,
}
