"""Recovery and failback runs for the failback operations' edge cases: DRS is driven through the
simulator (a recovery, failback clients, the failback launches, the reversed replication), and the
runs are written straight into the executions store, in the shape the engine writes them (checked on
real runs by ``tests/integration/engine/test_failback.py``, where the whole loop runs for real):

- a FAILBACK server records its ``failback``: its origin, the recovery account and Region and the
  recovery instance it fails back from;
- on premises, it launched in the recovery Region from that recovery instance (health ``UNKNOWN``);
- from EC2, it launched in its origin Region (its account and Region), from the reversed source
  server, as the new instance there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from drs_orchestration.composition import store
from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus, ServerOrigin
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    HealthStatus,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.failback import FailbackServer, FailbackStage
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient

ORIGIN_REGION = "us-west-2"
ON_PREMISES = (server_id(1), server_id(2))
EC2_ORIGIN = server_id(3)
HOUR = 3600.0
HOME = DrsTarget(account_id=HOME_ACCOUNT, region=REGION)
WEST = DrsTarget(account_id=HOME_ACCOUNT, region=ORIGIN_REGION)


def mixed_fleet() -> list[ServerFixture]:
    """Two on-premises servers and one from EC2 in us-west-2, all replicating into us-east-1."""
    return [
        ServerFixture(
            hostname=f"app-{n}",
            source_server_id=server_id(n),
            account_id=HOME_ACCOUNT,
            region=REGION,
            origin="AWS" if server_id(n) == EC2_ORIGIN else "ON_PREMISES",
            origin_region=ORIGIN_REGION if server_id(n) == EC2_ORIGIN else None,
        )
        for n in (1, 2, 3)
    ]


@dataclass
class Loop:
    """The DRS side of a recovery and its failback, with the two runs' ids."""

    sim: SimulatorHandle
    recovery_id: str
    failback_id: str
    instances: dict[str, str]
    """Source server id -> the recovery instance the recovery launched (in us-east-1)."""
    origin_instance: str | None = None
    """The EC2-origin server's instance its failback launched in us-west-2."""

    @property
    def drs(self) -> DrsClient:
        return self.sim.drs_client(max_attempts=1)

    @property
    def west(self) -> DrsClient:
        return self.sim.drs_client(region=ORIGIN_REGION, max_attempts=1)

    def advance(self, seconds: float = HOUR) -> None:
        self.sim.simulator.clock.advance(seconds)

    def replication_state(self, source_server_id: str, client: DrsClient | None = None) -> str:
        items = (client or self.drs).describe_source_servers(filters={"sourceServerIDs": [source_server_id]})
        return str(items["items"][0]["dataReplicationInfo"]["dataReplicationState"])

    def instance(self, source_server_id: str) -> dict[str, object]:
        found = self.drs.describe_recovery_instances(
            filters={"recoveryInstanceIDs": [self.instances[source_server_id]]}
        )["items"]
        return dict(found[0])


def _plan(plan_id: str) -> RecoveryPlan:
    now = datetime.now(UTC)
    return RecoveryPlan.model_validate(
        {
            "id": plan_id,
            "name": "failback-plan",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": ["pg-failback"]}],
            "createdAt": now,
            "createdBy": "t",
            "updatedAt": now,
            "updatedBy": "t",
        }
    )


def _servers(
    execution_id: str, mode: ExecutionMode, launched: dict[str, str | None], failed: tuple[str, ...]
) -> list[ServerState]:
    if mode is ExecutionMode.FAILBACK:
        servers = []
        for server_id, instance in launched.items():
            assert instance is not None, f"{server_id} fails back from a recovery instance: name it"
            servers.append(
                on_premises_failback(execution_id, server_id, instance, launched=server_id not in failed)
            )
        return servers
    return [
        ServerState(
            execution_id=execution_id,
            wave_id="w",
            source_server_id=server_id,
            account_id=HOME_ACCOUNT,
            region=REGION,
            recovery_instance_id=instance,
            launch_status=LaunchStatus.FAILED if server_id in failed else LaunchStatus.LAUNCHED,
            error="it did not launch" if server_id in failed else None,
        )
        for server_id, instance in launched.items()
    ]


def write_run(
    product: Product,
    execution_id: str,
    mode: ExecutionMode,
    status: ExecutionStatus,
    launched: dict[str, str | None],
    *,
    source_execution_id: str | None = None,
    failed: tuple[str, ...] = (),
    plan_id: str = "rp-failback",
    servers: list[ServerState] | None = None,
) -> None:
    """A run in the store: ``launched`` server id -> its recovery instance (a FAILBACK's: the one it
    failed back from, on premises); ``failed`` servers FAILED (or the run's ``servers`` as given)."""
    now = datetime.now(UTC)
    header = ExecutionHeader(
        id=execution_id,
        plan_id=plan_id,
        plan_version=1,
        plan_name="failback-plan",
        mode=mode,
        status=status,
        created_at=now,
        started_by="t",
        plan_snapshot=_plan(plan_id),
        source_execution_id=source_execution_id,
    )
    wave = WaveState(execution_id=execution_id, wave_id="w", name="W", position=0)
    if servers is None:
        servers = _servers(execution_id, mode, launched, failed)
    store.executions(product).create(header, [wave], servers)


def recover(product: Product, sim: SimulatorHandle, plan_id: str = "rp-failback") -> Loop:
    """Recover the three servers (a real RECOVERY in us-east-1) and store the recovery run."""
    drs = sim.drs_client(max_attempts=1)
    every = [*ON_PREMISES, EC2_ORIGIN]
    drs.start_recovery(sourceServers=[{"sourceServerID": s} for s in every], isDrill=False)
    loop = Loop(sim, "ex-recovery", "ex-failback", {})
    loop.advance()
    for item in drs.describe_recovery_instances(filters={"sourceServerIDs": every})["items"]:
        loop.instances[item["sourceServerID"]] = item["recoveryInstanceID"]
    write_run(
        product,
        loop.recovery_id,
        ExecutionMode.RECOVERY,
        ExecutionStatus.SUCCEEDED,
        dict(loop.instances),
        plan_id=plan_id,
    )
    return loop


def reverse(loop: Loop) -> str:
    """ReverseReplication of the EC2-origin server's recovery instance; the reversed server's id."""
    reversed_arn = loop.drs.reverse_replication(recoveryInstanceID=loop.instances[EC2_ORIGIN])
    return str(reversed_arn["reversedDirectionSourceServerArn"].rsplit("/", 1)[1])


def on_premises_failback(
    execution_id: str, source_server_id: str, recovery_instance_id: str, *, launched: bool = True
) -> ServerState:
    """An on-premises server of a FAILBACK run, as the engine records it: failed back with
    StartFailbackLaunch of its recovery instance (or FAILED before, its client not ready)."""
    failback = FailbackServer(
        origin=ServerOrigin.ON_PREMISES,
        recovery_target=HOME,
        recovery_instance_id=recovery_instance_id,
        stage=FailbackStage.READY if launched else FailbackStage.CHECKING,
    )
    if not launched:
        error = f"the failback client is not connected for recovery instance {recovery_instance_id}"
        return ServerState(
            execution_id=execution_id,
            wave_id="w",
            source_server_id=source_server_id,
            account_id=HOME_ACCOUNT,
            region=REGION,
            launch_status=LaunchStatus.FAILED,
            error=error,
            failback=failback,
        )
    return ServerState(
        execution_id=execution_id,
        wave_id="w",
        source_server_id=source_server_id,
        account_id=HOME_ACCOUNT,
        region=REGION,
        recovery_instance_id=recovery_instance_id,
        launch_status=LaunchStatus.LAUNCHED,
        health=HealthStatus.UNKNOWN,
        failback=failback,
    )


def ec2_origin_failback(
    execution_id: str, recovery_instance_id: str, reversed_id: str, origin_instance_id: str
) -> ServerState:
    """The EC2-origin server of a FAILBACK run, as the engine records it: recovered in its origin
    Region from the reversed source server, as ``origin_instance_id``."""
    return ServerState(
        execution_id=execution_id,
        wave_id="w",
        source_server_id=EC2_ORIGIN,
        account_id=WEST.account_id,
        region=WEST.region,
        recovery_instance_id=origin_instance_id,
        launch_status=LaunchStatus.LAUNCHED,
        failback=FailbackServer(
            origin=ServerOrigin.AWS,
            recovery_target=HOME,
            recovery_instance_id=recovery_instance_id,
            origin_target=WEST,
            reversed_source_server_id=reversed_id,
            stage=FailbackStage.READY,
        ),
    )


def recover_and_fail_back(
    product: Product,
    sim: SimulatorHandle,
    *,
    status: ExecutionStatus = ExecutionStatus.SUCCEEDED,
    not_failed_back: tuple[str, ...] = (),
) -> Loop:
    """Recover the three servers, fail them back (except ``not_failed_back``, whose failback clients
    connect but never launch), and store both runs."""
    loop = recover(product, sim)
    for on_premises in ON_PREMISES:
        sim.control("POST", "failback-client/connect", {"recoveryInstanceID": loop.instances[on_premises]})
    reversed_id = reverse(loop)
    loop.advance()
    launching = [loop.instances[s] for s in ON_PREMISES if s not in not_failed_back]
    loop.drs.start_failback_launch(recoveryInstanceIDs=launching)
    loop.west.start_recovery(sourceServers=[{"sourceServerID": reversed_id}], isDrill=False)
    loop.advance()
    found = loop.west.describe_recovery_instances(filters={"sourceServerIDs": [reversed_id]})["items"]
    loop.origin_instance = found[0]["recoveryInstanceID"]
    servers = [
        on_premises_failback(loop.failback_id, s, loop.instances[s], launched=s not in not_failed_back)
        for s in ON_PREMISES
    ]
    servers.append(
        ec2_origin_failback(
            loop.failback_id,
            loop.instances[EC2_ORIGIN],
            reversed_id,
            loop.origin_instance,
        )
    )
    write_run(
        product,
        loop.failback_id,
        ExecutionMode.FAILBACK,
        status,
        {},
        source_execution_id=loop.recovery_id,
        servers=servers,
    )
    # the start marks the recovery with its failback
    executions = store.executions(product)
    recovery = executions.get_header(loop.recovery_id)
    marked = {"failback_execution_id": loop.failback_id, "failback_marked_at": datetime.now(UTC)}
    executions.update_header(recovery.model_copy(update=marked), recovery.version)
    return loop
