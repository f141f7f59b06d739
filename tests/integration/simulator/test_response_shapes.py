"""The simulator's responses satisfy botocore's output shapes (types, enums, patterns, lengths)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drs_simulator.testing import SimulatorHandle
from drs_simulator.wire import service_model, shape_errors

from .conftest import drill, finish, hostname_ids, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


def _raw_responses(drs: DrsClient) -> list[tuple[str, Any]]:
    """Record each operation's parsed response as botocore received it."""
    seen: list[tuple[str, Any]] = []

    def record(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
        seen.append((model.name, http_response.content))

    drs.meta.events.register("after-call.drs", record)
    return seen


def test_every_response_of_a_drill_recovery_and_failback_matches_the_model(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    import json

    seen = _raw_responses(drs)
    servers = server_ids(drs)
    stalled = hostname_ids(drs)["crm-app-01"]
    snapshot = drs.describe_recovery_snapshots(sourceServerID=servers[0])["items"][0]["snapshotID"]
    first = drs.start_recovery(
        sourceServers=[
            {"sourceServerID": servers[0], "recoverySnapshotID": snapshot},
            {"sourceServerID": stalled},
        ],
        isDrill=False,
        tags={"Plan": "shop"},
    )["job"]["jobID"]
    sim.simulator.clock.advance(120)
    drs.describe_jobs()
    drs.describe_source_servers()
    finish(sim)
    second = drill(drs, servers[1])
    finish(sim)
    instance = drs.describe_recovery_instances(filters={"sourceServerIDs": [servers[0]]})["items"][0]
    sim.control("POST", "failback-client/connect", {"recoveryInstanceID": instance["recoveryInstanceID"]})
    drs.describe_recovery_instances()
    finish(sim)
    drs.start_failback_launch(recoveryInstanceIDs=[instance["recoveryInstanceID"]])
    finish(sim)
    for job_id in (first, second):
        drs.describe_job_log_items(jobID=job_id)
    drs.describe_jobs()
    drs.describe_source_servers()
    drs.describe_recovery_instances()
    drs.get_launch_configuration(sourceServerID=servers[0])
    drs.list_tags_for_resource(resourceArn=drs.describe_jobs()["items"][0]["arn"])
    model = service_model()
    problems = {}
    for name, content in seen:
        output = model.operation_model(name).output_shape
        if output is not None and content:
            errors = shape_errors(output, json.loads(content))
            if errors:
                problems[name] = errors[:3]
    assert problems == {}
    assert len(seen) >= 15
