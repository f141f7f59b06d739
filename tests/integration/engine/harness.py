"""The engine under test: the real ASL on moto's Step Functions interpreter, the real handlers
dispatched in-process, moto for AWS, the DRS simulator for DRS, all on one clock.

The clock is virtual unless a test asks for scaled time: it moves only when every thread of the
runtime waits for it, so a test drives a run with ``engine.run_until(...)`` and ``engine.finish(...)``,
whose limits are simulated seconds, and a loaded machine makes a run slower, never different.

The product is assembled by the composition root, as on AWS, from the settings the test's resources
give it and the simulator's clock; every function (the API, the state machine's tasks, the DRS event
target, the clean-up schedule) is that product's handler for the ``Handler`` the template names.
Runs are started and steered through the REST API handler, with the Step Functions runner. DRS
"Launch Result" events reach the event handler through EventBridge: the
template's own rule, an SQS target and the local runtime's drainer (moto delivers to no Lambda). The
local runtime's emulations answer SSM Automation, and Run Command and EC2 status checks per instance.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import cfn_yaml
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import get_account_id_from

from drs_local.event_bridge import EventBridgeBridge, forward_simulator_events
from drs_local.instance_health import InstanceHealth
from drs_local.moto_hooks import SerializedBackends
from drs_local.ssm_emulation import SsmAutomationEmulation
from drs_local.step_functions import LocalStepFunctions
from drs_local.virtual_time import StalledError, VirtualTime
from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_orchestration.composition.product import Product
from drs_orchestration.composition.store import executions
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.models.execution import ExecutionEvent, ServerState
from drs_orchestration.domain.ports import iterate_pages
from drs_simulator.config import SimConfig, Span, Timings
from drs_simulator.ec2_mirror import Ec2Mirror
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.accounts import in_account
from tests.integration.api.aws_tables import create_tables
from tests.integration.api.client import API_HANDLER, Api

ROOT = Path(__file__).resolve().parents[3]
ASL = ROOT / "cfn" / "statemachine" / "execution-engine.asl.json"
TEMPLATE = ROOT / "cfn" / "orchestration-stack.yaml"
HEALTH_DOCUMENT = ROOT / "ssm-documents" / "post-launch-health-check.yaml"
ACCOUNT = "111122223333"
STAGING_ACCOUNT = "444455556666"
REGION = "us-east-1"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
HEALTH_CHECK_DOCUMENT = "DrsPostLaunchHealthCheck"
HOUR = 3600.0
#: How long (simulated) a run may take before a test gives up on it, unless the test says otherwise.
RUN_LIMIT = 6 * HOUR
TERMINAL = frozenset({"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"})

# Shorter DRS phases than the defaults (minutes, not a quarter hour), same shape.
FAST_TIMINGS = Timings(
    pending_to_started=Span(min=2, max=5),
    cleanup_with_instance=Span(min=10, max=20),
    cleanup_without_instance=Span(min=2, max=4),
    snapshot=Span(min=10, max=30),
    use_previous_snapshot=Span(min=2, max=4),
    conversion_linux=Span(min=60, max=120),
    conversion_windows=Span(min=60, max=120),
    conversion_fast=Span(min=20, max=40),
    launch=Span(min=10, max=20),
    boot_linux=Span(min=5, max=10),
    boot_windows=Span(min=5, max=10),
    terminate=Span(min=10, max=20),
    server_jitter=Span(min=0, max=5),
)


def server_id(n: int) -> str:
    return f"s-{n:017d}"


def fleet(count: int, *, tier_of: Callable[[int], str] = lambda n: "app") -> list[ServerFixture]:
    return [
        ServerFixture(
            hostname=f"host-{n:04d}",
            source_server_id=server_id(n),
            account_id=ACCOUNT,
            region=REGION,
            tags={"Tier": tier_of(n)},
            # past 250, extended source servers (replicated from a staging account) keep within
            # DRS's quota of 300 replicating servers per account
            staging_account=STAGING_ACCOUNT if n >= 250 else None,
        )
        for n in range(count)
    ]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


@dataclass
class Engine:
    product: Product
    api: Api
    drs: SimulatorHandle
    sfn: Any
    sqs: Any
    queue_url: str
    machine_arn: str
    runtime: LocalStepFunctions
    role_arn: str
    automation: SsmAutomationEmulation
    instances: InstanceHealth
    virtual: VirtualTime | None = None
    events_enabled: bool = True
    event_log: list[dict[str, Any]] = field(default_factory=list)

    def stop_events(self) -> None:
        self.events_enabled = False

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Run the template's function ``function`` (its logical id) on the product, as its trigger would."""
        return self.product.handler(handler_of(function))(event, None)

    # -- building plans ------------------------------------------------------------------------
    def group(self, name: str, servers: list[str], *, account: str = ACCOUNT) -> str:
        """A protection group of ``servers`` in ``account`` (this one unless named) and this Region."""
        body = {"name": name, "accountId": account, "region": REGION, "sourceServerIds": servers}
        response = self.api.post("/protection-groups", body)
        assert response.status == 201, response.text
        return str(response.json["id"])

    def register_account(
        self,
        account: str,
        *,
        external_id: str = "recovery-external-id-0001",
        health_check_document: bool = True,
    ) -> str:
        """A second recovery account as an operator sets it up: the target role deployed there, the
        account registered (role ARN + ExternalId); the health-check document installed there by hand
        unless ``health_check_document`` is false (the engine then copies the product's own there)."""
        role_arn = str(
            in_account(account, "iam").create_role(
                RoleName="drs-orchestration-target",
                Path="/drs-orchestration/",
                AssumeRolePolicyDocument=json.dumps(TRUST),
            )["Role"]["Arn"]
        )
        if health_check_document:
            create_health_check_document(in_account(account, "ssm"))
        body = {
            "accountId": account,
            "name": f"recovery-{account}",
            "roleArn": role_arn,
            "externalId": external_id,
            "regions": [REGION],
        }
        response = self.api.post("/accounts", body)
        assert response.status == 201, response.text
        return role_arn

    def plan(self, waves: list[dict[str, Any]], *, name: str = "plan", **extra: Any) -> str:
        body = {"name": name, "rtoTargetMinutes": 120, "waves": waves, **extra}
        response = self.api.post("/recovery-plans", body)
        assert response.status == 201, response.text
        return str(response.json["id"])

    def lambda_function(self, name: str, handler: str) -> str:
        arn = boto3.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=self.role_arn,
            Handler=handler,
            Code={"ZipFile": _zip()},
            Timeout=60,
        )["FunctionArn"]
        return str(arn)

    # -- running -------------------------------------------------------------------------------
    def start(self, plan_id: str, mode: str = "DRILL") -> str:
        response = self.api.post("/executions", {"planId": plan_id, "mode": mode}, as_="Operator")
        assert response.status == 202, response.text
        return str(response.json["executionId"])

    def execution(self, execution_id: str) -> dict[str, Any]:
        response = self.api.get(f"/executions/{execution_id}", as_="Viewer")
        assert response.status == 200, response.text
        return dict(response.json)

    def run_until(
        self, execution_id: str, predicate: Callable[[dict[str, Any]], bool], limit: float = RUN_LIMIT
    ) -> dict[str, Any]:
        """Run until ``predicate(execution)`` holds; ``limit`` is in simulated seconds."""
        seen: dict[str, Any] = {}

        def met() -> bool:
            seen["execution"] = self.execution(execution_id)
            return predicate(seen["execution"])

        def describe() -> str:
            return json.dumps(seen.get("execution"))[:3000]

        if self.virtual is None:
            _poll_until(met, self.drs.simulator.clock.real_seconds(limit), describe)
        else:
            self.virtual.run_until(met, limit, describe)
        return dict(seen["execution"])

    def finish(self, execution_id: str, limit: float = RUN_LIMIT) -> dict[str, Any]:
        return self.run_until(
            execution_id, lambda e: e["status"] in TERMINAL and not self.engine_running(), limit
        )

    def run_for(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass with the runtime running."""
        if self.virtual is None:
            time.sleep(self.drs.simulator.clock.real_seconds(seconds))
        else:
            self.virtual.run_for(seconds)

    def engine_running(self) -> bool:
        executions = self.sfn.list_executions(stateMachineArn=self.machine_arn)["executions"]
        return any(e["status"] == "RUNNING" for e in executions)

    def wave(self, execution: dict[str, Any], wave_id: str) -> dict[str, Any]:
        return next(w for w in execution["waves"] if w["id"] == wave_id)

    def timeline(self, execution_id: str) -> list[ExecutionEvent]:
        store = executions(self.product)
        return list(iterate_pages(lambda token: store.list_events(execution_id, limit=500, next_token=token)))

    def servers(self, execution_id: str) -> list[ServerState]:
        return executions(self.product).get_servers(execution_id)

    def notifications(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not batch:
                return messages
            for message in batch:
                envelope = json.loads(message["Body"])
                messages.append({"subject": envelope.get("Subject"), "body": json.loads(envelope["Message"])})
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def engine_executions(self) -> list[dict[str, Any]]:
        """The state machine's executions, oldest first: name, status and how many history events."""
        listed = self.sfn.list_executions(stateMachineArn=self.machine_arn)["executions"]
        return [
            {"name": e["name"], "status": e["status"], "events": self.history_length(e["executionArn"])}
            for e in sorted(listed, key=lambda e: e["startDate"])
        ]

    def history_length(self, execution_arn: str) -> int:
        count, token = 0, {}
        while True:
            page = self.sfn.get_execution_history(executionArn=execution_arn, maxResults=1000, **token)
            count += len(page["events"])
            if not page.get("nextToken"):
                return count
            token = {"nextToken": page["nextToken"]}

    def transitions(self) -> tuple[int, int]:
        """State transitions of every execution of the state machine, and how many entered Advance."""
        total = advances = 0
        for execution in self.sfn.list_executions(stateMachineArn=self.machine_arn)["executions"]:
            token: dict[str, str] = {}
            while True:
                page = self.sfn.get_execution_history(
                    executionArn=execution["executionArn"], maxResults=1000, **token
                )
                entered = [e for e in page["events"] if e["type"].endswith("StateEntered")]
                total += len(entered)
                advances += sum(
                    1 for e in entered if e.get("stateEnteredEventDetails", {}).get("name") == "Advance"
                )
                if not page.get("nextToken"):
                    break
                token = {"nextToken": page["nextToken"]}
        return total, advances


def _poll_until(met: Callable[[], bool], real_limit: float, describe: Callable[[], str]) -> None:
    """Scaled time only: poll ``met`` until it holds or ``real_limit`` real seconds pass."""
    deadline = time.monotonic() + real_limit
    while not met():
        if time.monotonic() > deadline:
            raise StalledError(f"condition not met in {real_limit:.0f} real seconds: {describe()}")
        time.sleep(0.05)


def create_health_check_document(ssm: Any) -> None:
    ssm.create_document(
        Name=HEALTH_CHECK_DOCUMENT,
        Content=HEALTH_DOCUMENT.read_text(),
        DocumentType="Command",
        DocumentFormat="YAML",
    )


class MotoIssuedKeys(dict[str, str]):
    """The simulator's access key -> account map, extended to every key moto's STS issued: an assumed
    role's keys belong to the role's account, as DRS on AWS sees them (plain test keys do not match)."""

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        account = get_account_id_from(key)
        return default if account == DEFAULT_ACCOUNT_ID else account


@functools.cache
def _orchestration_template() -> dict[str, Any]:
    return dict(cfn_yaml.load(str(TEMPLATE)))


def handler_of(function: str) -> str:
    """The ``Handler`` the orchestration template gives function ``function`` (its logical id)."""
    return str(_orchestration_template()["Resources"][function]["Properties"]["Handler"])


READINESS_WORKER = "ReadinessWorkerFunction"


def readiness_worker_handler() -> str:
    """The ``Handler`` the API template gives the readiness worker."""
    template = cfn_yaml.load(str(TEMPLATE.with_name("api-stack.yaml")))
    return str(template["Resources"][READINESS_WORKER]["Properties"]["Handler"])


def state_machine_functions() -> dict[str, str]:
    """Each ``${...}`` of the state machine's definition that names a function, and that function."""
    for resource in _orchestration_template()["Resources"].values():
        if resource["Type"] in ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"):
            substitutions = resource["Properties"]["DefinitionSubstitutions"]
            return {
                key: str(value["Fn::GetAtt"][0]).split(".")[0]
                for key, value in substitutions.items()
                if isinstance(value, dict) and "Fn::GetAtt" in value
            }
    raise AssertionError("the orchestration template declares no state machine")


def drs_event_pattern() -> dict[str, Any]:
    """The DRS launch-result rule's pattern, as the orchestration template declares it."""
    events = _orchestration_template()["Resources"]["DrsEventsFunction"]["Properties"]["Events"]
    return copy.deepcopy(dict(events["LaunchResult"]["Properties"]["Pattern"]))


def _deliver(engine_ref: list[Engine]) -> Callable[[dict[str, Any]], None]:
    def deliver(event: dict[str, Any]) -> None:
        if engine_ref and engine_ref[0].events_enabled:
            engine_ref[0].event_log.append(event)
            engine_ref[0].invoke("DrsEventsFunction", event)

    return deliver


ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "HOME_ACCOUNT_ID": ACCOUNT,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "ENGINE_POLL_SECONDS": "30",
    "ENGINE_GATE_POLL_SECONDS": "10",
    "HEALTH_CHECK_DOCUMENT": HEALTH_CHECK_DOCUMENT,
    "CONSOLE_URL": "https://console.example.com",
}


def set_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and the engine's settings (tables and endpoints are set as they are made)."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def engine_factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Engine]]:
    """``engine_factory(servers=..., faults=...)`` starts everything for one test, on virtual time
    (``virtual=False``: on time scaled by ``scale``)."""
    set_environment(monkeypatch)
    stack = EngineStack()
    try:
        yield lambda **options: stack.start(monkeypatch, **options)
    finally:
        stack.close()
        clear_client_cache()


class EngineStack:
    """Everything one test (or benchmark run) needs, started by ``start`` and torn down by ``close``."""

    def __init__(self) -> None:
        self.closers: list[Callable[[], None]] = []

    def close(self) -> None:
        while self.closers:
            self.closers.pop()()

    def _route_drs_events(
        self, handle: SimulatorHandle, engine_ref: list[Engine], virtual: VirtualTime | None
    ) -> None:
        # DRS events reach the handler through EventBridge: the template's rule, an SQS target, a drainer
        # (in virtual time, the driver drains the queue whenever the runtime is quiescent).
        events_client = boto3.client("events")
        bridge = EventBridgeBridge(events_client, boto3.client("sqs"), drainers=virtual is None)
        bridge.route("drs-launch-result", drs_event_pattern(), _deliver(engine_ref))
        self.closers.append(bridge.stop)
        if virtual is not None:
            virtual.add_pump(bridge.pump)
        forwarding = forward_simulator_events(handle.simulator, events_client)
        forwarding.__enter__()

        def stop_forwarding() -> None:
            forwarding.__exit__(None, None, None)

        self.closers.append(stop_forwarding)

    def start(
        self,
        monkeypatch: pytest.MonkeyPatch,
        *,
        servers: list[ServerFixture],
        scale: float = 300.0,
        virtual: bool = True,
        faults: dict[str, Any] | None = None,
        events: bool = True,
        timings: Timings = FAST_TIMINGS,
        ec2: bool = True,
        settings: dict[str, Any] | None = None,
    ) -> Engine:
        """``settings``: fields of the product's settings that differ from what the test's resources give."""
        mock = mock_aws(
            config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
        )
        mock.start()
        self.closers.append(mock.stop)
        serialized = SerializedBackends()
        serialized.install()
        self.closers.append(serialized.uninstall)
        clear_client_cache()
        engine_ref: list[Engine] = []
        config = SimConfig(timings=timings)
        context = simulator_server(
            fleet=servers,
            clock="virtual" if virtual else "scaled",
            time_scale=scale,
            # the home account's instances stay in moto's default account, where the engine's own
            # credentials see them; another account's go to that account
            ec2_mirror=Ec2Mirror(home_account=ACCOUNT) if ec2 else None,
            config=config,
            faults=faults,
        )
        handle = context.__enter__()
        handle.simulator.config.accounts = MotoIssuedKeys(handle.simulator.config.accounts)

        def exit_simulator() -> None:
            context.__exit__(None, None, None)

        self.closers.append(exit_simulator)
        sim_clock = handle.simulator.clock
        virtual_time = _virtual_time(handle, events) if virtual else None
        if virtual_time is not None:
            self.closers.append(virtual_time.close)
        runtime = LocalStepFunctions(time_scale=scale, virtual=virtual_time)
        runtime.install()
        self.closers.append(runtime.uninstall)
        monkeypatch.setenv("DRS_ENDPOINT_URL", handle.endpoint_url)
        # moto has no SSM Automation, and its Run Command and status checks always pass: the local
        # runtime's emulations answer per instance, driven by the simulator (its boot failures).
        automation = SsmAutomationEmulation(clock=sim_clock)
        instances = InstanceHealth(clock=sim_clock, simulator=handle.simulator)
        for emulation in (automation, instances):
            emulation.install()
            self.closers.append(emulation.uninstall)
        if events:
            self._route_drs_events(handle, engine_ref, virtual_time)
        for name, value in create_tables(boto3.client("dynamodb", region_name=REGION)).items():
            monkeypatch.setenv(name, value)
        sns, sqs = boto3.client("sns"), boto3.client("sqs")
        topic = sns.create_topic(Name="notifications")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="notifications")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        boto3.client("events").create_event_bus(Name="engine-events")
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", topic)
        monkeypatch.setenv("EVENT_BUS_NAME", "engine-events")
        create_health_check_document(boto3.client("ssm"))
        role_arn = boto3.client("iam").create_role(
            RoleName="engine", AssumeRolePolicyDocument=json.dumps(TRUST)
        )["Role"]["Arn"]
        lam = boto3.client("lambda")
        substitutions, handlers = {}, {}
        for key, function in state_machine_functions().items():
            handlers[function] = handler_of(function)
            substitutions[key] = lam.create_function(
                FunctionName=function,
                Runtime="python3.12",
                Role=role_arn,
                Handler=handlers[function],
                Code={"ZipFile": _zip()},
                Timeout=300,
            )["FunctionArn"]
        # The API starts the readiness worker of a large plan's check asynchronously, by name
        worker = lam.create_function(
            FunctionName=READINESS_WORKER,
            Runtime="python3.12",
            Role=role_arn,
            Handler=readiness_worker_handler(),
            Code={"ZipFile": _zip()},
            Timeout=900,
        )["FunctionName"]
        handlers[worker] = readiness_worker_handler()
        monkeypatch.setenv("READINESS_WORKER_FUNCTION", worker)
        definition = ASL.read_text()
        for key, value in substitutions.items():
            definition = definition.replace("${" + key + "}", value)
        sfn = boto3.client("stepfunctions")
        machine_arn = sfn.create_state_machine(name="engine", definition=definition, roleArn=role_arn)[
            "stateMachineArn"
        ]
        monkeypatch.setenv("STATE_MACHINE_ARN", machine_arn)
        # The product as the composition root assembles it on AWS, on the simulator's clock
        product = Product(Settings().model_copy(update=settings or {}), handle.simulator.clock)
        runtime.handlers.update({name: product.handler(path) for name, path in handlers.items()})
        engine = Engine(
            product=product,
            api=Api(product.handler(API_HANDLER)),
            drs=handle,
            sfn=sfn,
            sqs=sqs,
            queue_url=queue_url,
            machine_arn=machine_arn,
            runtime=runtime,
            role_arn=role_arn,
            automation=automation,
            instances=instances,
            virtual=virtual_time,
            events_enabled=events,
        )
        engine_ref.append(engine)
        self.closers.append(_stop_executions(sfn, machine_arn))
        self.closers.append(lambda: engine.stop_events())
        return engine


def _virtual_time(handle: SimulatorHandle, events: bool) -> VirtualTime:
    """The clock moves when the runtime waits: the simulator's scheduled work and events are its own."""
    simulator = handle.simulator
    virtual = VirtualTime(simulator.clock)

    def deliver_simulator_events() -> int:
        simulator.events.flush()
        return 0

    virtual.add_pump(deliver_simulator_events)
    if events:
        # Stop at each of the simulator's steps so its events reach the engine when they happen;
        # without events, the engine sees DRS only when it polls, and the clock jumps to its polls.
        virtual.add_deadline_source(simulator.next_due)
    return virtual


def _stop_executions(sfn: Any, machine_arn: str) -> Callable[[], None]:
    def stop() -> None:
        for execution in sfn.list_executions(stateMachineArn=machine_arn, statusFilter="RUNNING")[
            "executions"
        ]:
            sfn.stop_execution(executionArn=execution["executionArn"])

    return stop
