"""A plan whose servers live in another registered recovery account: DRS, the EC2 status checks and
the SSM health check all happen in that account, through its role, and the wave ends healthy. Nobody
installs the health check there: the engine runs its own copy of the product's document."""

import hashlib
from collections.abc import Callable

from drs_orchestration.domain.models.execution import HealthStatus
from drs_simulator.fleet import ServerFixture
from tests.integration.engine.harness import (
    ACCOUNT,
    HEALTH_CHECK_DOCUMENT,
    REGION,
    Engine,
    in_account,
    server_id,
)

RECOVERY_ACCOUNT = "777788889999"


def _recovery_fleet(count: int) -> list[ServerFixture]:
    return [
        ServerFixture(
            hostname=f"far-{n:04d}",
            source_server_id=server_id(500 + n),
            account_id=RECOVERY_ACCOUNT,
            region=REGION,
            tags={"Tier": "app"},
        )
        for n in range(count)
    ]


def test_wave_is_healthy_with_evidence_from_the_recovery_account_when_its_servers_live_there(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a second recovery account, registered with its role, holding the plan's servers
    engine = engine_factory(servers=_recovery_fleet(2))
    engine.register_account(RECOVERY_ACCOUNT, health_check_document=False)
    servers = [server_id(500), server_id(501)]
    group = engine.group("far", servers, account=RECOVERY_ACCOUNT)
    plan = engine.plan(
        [
            {
                "id": "app",
                "name": "App",
                "protectionGroupIds": [group],
                "healthCheck": {"timeoutSeconds": 600},  # the product's document
            }
        ]
    )

    # When the plan runs as a drill
    execution = engine.finish(engine.start(plan))

    # Then the wave completes with every server healthy
    assert execution["status"] == "SUCCEEDED", execution
    assert engine.wave(execution, "app")["status"] == "COMPLETED"
    recorded = {s.source_server_id: s for s in engine.servers(execution["id"])}
    assert sorted(recorded) == servers
    assert {s.health for s in recorded.values()} == {HealthStatus.HEALTHY}

    # And the evidence comes from the recovery account: its EC2 instances, its Run Command of the
    # product's document, copied there under a name taken from its content
    instance_ids = sorted(str(s.recovery_instance_id) for s in recorded.values())
    there = in_account(RECOVERY_ACCOUNT, "ec2").describe_instances(InstanceIds=instance_ids)
    assert sorted(i["InstanceId"] for r in there["Reservations"] for i in r["Instances"]) == instance_ids
    at_home = in_account(ACCOUNT, "ec2").describe_instances(
        Filters=[{"Name": "instance-id", "Values": instance_ids}]
    )
    assert at_home["Reservations"] == []
    commands = in_account(RECOVERY_ACCOUNT, "ssm").list_commands()["Commands"]
    home_content = in_account(ACCOUNT, "ssm").get_document(Name=HEALTH_CHECK_DOCUMENT)["Content"]
    copy = "DrsOrchestration-PostLaunchHealthCheck-" + hashlib.sha256(home_content.encode()).hexdigest()[:12]
    assert in_account(RECOVERY_ACCOUNT, "ssm").get_document(Name=copy)["Content"] == home_content
    for server in recorded.values():
        ec2 = server.health_evidence["ec2"]
        command = server.health_evidence["command"]
        assert isinstance(ec2, dict)
        assert isinstance(command, dict)
        assert ec2["state"] == "running"
        assert command["status"] == "Success"
        assert "PASS" in str(command["output"])
        sent = next(c for c in commands if c["CommandId"] == command["id"])
        assert server.health_evidence["document"] == HEALTH_CHECK_DOCUMENT
        assert sent["DocumentName"] == copy
        assert server.recovery_instance_id in sent["InstanceIds"]
