"""Everything local mode runs, started in order and stopped in reverse by one supervisor, in one process:

1. the console/API port is claimed first, so a port in use fails at once with its number;
2. the console is installed and built when out of date;
3. local AWS: moto in server mode (``ThreadedMotoServer``, in this process, so the local runtime's hooks
   on moto's backends apply: Lambda tasks of the state machine run the real handlers in-process, waits
   are time-scaled, SSM Automation / Run Command and EC2 status checks are emulated);
4. the DRS simulator on the same scaled clock, mirroring recovery instances into local EC2 and putting
   its events on local EventBridge, where the template's DRS rule routes them (through SQS) to the
   real event handler;
5. the resources of the templates (:mod:`.aws_stack`), the demo users and the demo data (:mod:`.seed`);
6. the front (:mod:`.front`): the console, ``/config.json`` and the API under ``/api``.

The product is assembled once by the composition root, as on AWS, from the settings the templates
give its functions (table names, topic, bus, state machine, ...) plus the endpoints of local AWS and
the simulator, and from the simulator's clock: every timestamp it writes, the API's included, is
simulated time. Every function (the API, the state machine's tasks, the rules' and schedules'
targets) runs in this process as that product's handler for the ``Handler`` the template names.
:meth:`LocalMode.stop` ends every server and thread it started (``python -m drs_local`` calls it on
SIGINT or SIGTERM).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from moto.core.config import default_user_config
from moto.server import ThreadedMotoServer

from drs_local.event_bridge import EventBridgeBridge, forward_simulator_events
from drs_local.instance_health import InstanceHealth
from drs_local.moto_hooks import SerializedBackends
from drs_local.scheduler_firing import SchedulerFiring
from drs_local.ssm_emulation import SsmAutomationEmulation
from drs_local.step_functions import LambdaContext, LocalStepFunctions
from drs_orchestration.adapters.aws_clients import clear_client_cache
from drs_orchestration.composition import store
from drs_orchestration.composition.product import Handler, Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.clock import Clock
from drs_simulator.config import DEFAULT_ACCOUNT, SimConfig
from drs_simulator.ec2_mirror import Ec2Mirror
from drs_simulator.simulator import FleetSpec, Simulator
from drs_simulator.testing import SimulatorHandle, simulator_server

from ..dynamodb_scale import LeanDynamoDB
from ..ec2_scale import LeanEc2
from ..sqs_scale import LeanSqs
from .aws_stack import LocalAws, create_local_aws
from .console import ensure_console
from .endpoints import Endpoints, write_endpoints
from .failback_demo import FailbackDemo
from .front import API_PREFIX, FrontServer, bind
from .seed import DEMO_PLAN_NAME, DemoUser, create_users, demo_users, seed_demo_data
from .targets import MotoIssuedKeys, Targets, account_body
from .tokens import TokenVerifier, fetch_jwks

__all__ = ["LocalMode", "Options"]

logger = logging.getLogger(__name__)
REGION = "us-east-1"


@dataclass(frozen=True)
class Options:
    root: Path
    state_dir: Path
    port: int = 8000
    host: str = "127.0.0.1"
    time_scale: float = 60.0
    fleet: FleetSpec = "demo"
    targets: Targets = field(default_factory=Targets)
    build_console: bool = True


@dataclass
class LocalMode:
    options: Options
    say: Callable[[str], None] = print
    endpoints: Endpoints | None = None
    aws: LocalAws | None = None
    drs: SimulatorHandle | None = None
    product: Product | None = None
    _runtime: LocalStepFunctions | None = None
    _stack: ExitStack = field(default_factory=ExitStack)
    _saved_environment: dict[str, str | None] = field(default_factory=dict)

    # ---- start --------------------------------------------------------------------------------
    def start(self) -> Endpoints:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Endpoints:
        options = self.options
        front = bind(options.host, options.port)
        self._stack.callback(front.server_close)
        if options.build_console:
            ensure_console(options.root / "frontend", self.say)
        aws_endpoint = self._start_moto()
        self._environment(
            {
                "AWS_ACCESS_KEY_ID": DEFAULT_ACCOUNT,
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_SESSION_TOKEN": None,
                "AWS_PROFILE": None,
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ENDPOINT_URL": aws_endpoint,
                "MOTO_ACCOUNT_ID": DEFAULT_ACCOUNT,
                "HOME_ACCOUNT_ID": DEFAULT_ACCOUNT,
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
            }
        )
        drs = self._start_simulator(aws_endpoint)
        self.drs = drs
        console_url = front.origin
        aws = create_local_aws(
            options.root,
            endpoint=aws_endpoint,
            region=REGION,
            account=DEFAULT_ACCOUNT,
            console_origin=console_url,
        )
        self.aws = aws
        self._environment(
            {
                **aws.environment,
                "DRS_ENDPOINT_URL": drs.endpoint_url,
            }
        )
        product = self.product = self._assemble(aws, drs)
        self._wire_engine(product, aws, drs)
        users = demo_users(options.state_dir)
        cognito = boto3.client("cognito-idp")
        create_users(cognito, aws.user_pool_id, users)
        verifier = TokenVerifier(
            region=REGION,
            user_pool_id=aws.user_pool_id,
            client_ids=[aws.user_pool_client_id],
            jwks=lambda: fetch_jwks(aws_endpoint, REGION, aws.user_pool_id),
        )
        api_lock = threading.Lock()
        api = product.handler(aws.api_handler)
        plan = self._seed(api, cognito, aws, verifier, api_lock, users)
        self._serve(api, product.clock, front, verifier, aws, api_lock, aws_endpoint)
        endpoints = Endpoints(
            console=console_url,
            api=f"{console_url}{API_PREFIX}",
            aws=aws_endpoint,
            drs=drs.endpoint_url,
            region=REGION,
            account_id=DEFAULT_ACCOUNT,
            user_pool_id=aws.user_pool_id,
            user_pool_client_id=aws.user_pool_client_id,
            cognito_endpoint=aws_endpoint,
            notifications_topic_arn=aws.topic_arn,
            event_bus_name=aws.event_bus_name,
            state_machine_arn=aws.state_machine_arn,
            health_check_document=next(iter(aws.documents.values()), ""),
            demo_plan_id=str(plan["id"]),
            demo_plan_name=DEMO_PLAN_NAME,
            time_scale=options.time_scale,
            users=users,
            pid=os.getpid(),
        )
        self._stack.callback(write_endpoints(options.state_dir, endpoints))
        self.endpoints = endpoints
        return endpoints

    def _seed(
        self,
        api: Handler,
        cognito: Any,
        aws: LocalAws,
        verifier: TokenVerifier,
        api_lock: threading.Lock,
        users: list[DemoUser],
    ) -> dict[str, Any]:
        """The demo data, written through the API handler as the demo admin (signed in for real)."""

        def call_api(event: dict[str, Any]) -> dict[str, Any]:
            with api_lock:
                response: dict[str, Any] = api(event, _context("api"))
                return response

        admin = next(user for user in users if user.group == "Admin")
        token = cognito.initiate_auth(
            ClientId=aws.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": admin.username, "PASSWORD": admin.password},
        )["AuthenticationResult"]["IdToken"]
        return seed_demo_data(
            call_api,
            verifier.claims(token),
            account=DEFAULT_ACCOUNT,
            region=REGION,
            health_document=next(iter(aws.documents.values())),
            demo_fleet=self.options.fleet == "demo",
            targets=self.options.targets.pairs,
            recovery_accounts=[
                account_body(account, self.options.targets)
                for account in self.options.targets.recovery_accounts
            ],
        )

    def _environment(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            if name not in self._saved_environment:
                self._saved_environment[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _restore_environment(self) -> None:
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment.clear()

    def _start_moto(self) -> str:
        saved = (
            dict(default_user_config["stepfunctions"]),
            dict(default_user_config["lambda"]),
        )
        default_user_config["stepfunctions"]["execute_state_machine"] = True
        default_user_config["lambda"]["use_docker"] = False

        def restore_config() -> None:
            default_user_config["stepfunctions"] = saved[0]  # type: ignore[typeddict-item]
            default_user_config["lambda"] = saved[1]  # type: ignore[typeddict-item]

        self._stack.callback(restore_config)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._stack.enter_context(SerializedBackends().installed())
        self._stack.enter_context(LeanDynamoDB().installed())
        self._stack.enter_context(LeanSqs().installed())
        self._stack.enter_context(LeanEc2().installed())
        server = ThreadedMotoServer(ip_address=self.options.host, port=0, verbose=False)
        server.start()
        self._stack.callback(server.stop)
        host, port = server.get_host_and_port()
        self._environment({"MOTO_PORT": str(port)})
        return f"http://{host}:{port}"

    def _start_simulator(self, aws_endpoint: str) -> SimulatorHandle:
        scale = self.options.time_scale
        runtime = self._runtime = LocalStepFunctions(time_scale=scale)
        runtime.install()
        self._stack.callback(runtime.uninstall)
        fleet, targets = self.options.fleet, self.options.targets
        several = len(targets.accounts) > 1
        drs = self._stack.enter_context(
            simulator_server(
                fleet=targets.fleet(fleet) if isinstance(fleet, int) and targets.pairs[1:] else fleet,
                time_scale=scale,
                # another account's instances live in that account, where its role's credentials see them
                ec2_mirror=Ec2Mirror(aws_endpoint, home_account=DEFAULT_ACCOUNT if several else None),
                host=self.options.host,
                config=_simulator_config(),
            )
        )
        if several:
            drs.simulator.config.accounts = MotoIssuedKeys(drs.simulator.config.accounts)
        sim_clock = drs.simulator.clock
        for emulation in (SsmAutomationEmulation(clock=sim_clock), InstanceHealth(clock=sim_clock)):
            self._stack.enter_context(emulation.installed())
        return drs

    def _assemble(self, aws: LocalAws, drs: SimulatorHandle) -> Product:
        """The product, from the templates' settings (now in the environment) and the simulator's clock."""
        clear_client_cache()
        self._stack.callback(clear_client_cache)
        settings = Settings()
        if settings.state_machine_arn != aws.state_machine_arn:
            raise RuntimeError("the templates give the API no state machine: runs could not start")
        return Product(settings, drs.simulator.clock)

    def _wire_engine(self, product: Product, aws: LocalAws, drs: SimulatorHandle) -> None:
        assert self._runtime is not None
        self._runtime.handlers.update(
            {
                aws.function_names[logical_id]: product.handler(path)
                for logical_id, path in aws.functions.items()
            }
        )
        self._stack.callback(_stop_executions, boto3.client("stepfunctions"), aws.state_machine_arn)
        events = boto3.client("events")
        bridge = self._stack.enter_context(EventBridgeBridge(events, boto3.client("sqs")))
        for rule in aws.rules:
            bridge.route(rule.name, rule.event_pattern, _invoker(product, rule.handler))
        self._stack.enter_context(forward_simulator_events(drs.simulator, events))
        targets = {aws.function_names[lid]: _invoker(product, path) for lid, path in aws.functions.items()}
        for group in aws.schedule_groups:
            firing = SchedulerFiring(boto3.client("scheduler"), group, drs.simulator.clock, targets)
            self._stack.enter_context(firing.running())
        for schedule in aws.schedules:
            self._every(
                schedule.every_seconds / self.options.time_scale,
                schedule.name,
                _invoker(product, schedule.handler),
            )

    def _every(self, seconds: float, name: str, invoke: Callable[[dict[str, Any]], object]) -> None:
        """Run ``invoke`` with a scheduled event every ``seconds`` of real time until stopped, each time
        once no function runs (:meth:`LocalStepFunctions.wait_idle`)."""
        stop = threading.Event()
        event = {"source": "aws.events", "detail-type": "Scheduled Event", "resources": [name], "detail": {}}

        runtime = self._runtime

        def loop() -> None:
            while not stop.wait(seconds):
                if runtime is not None and not runtime.wait_idle(stop):
                    return
                try:
                    invoke(dict(event))
                except Exception:  # a scheduled Lambda's failure is logged; the schedule goes on
                    logger.exception("scheduled %s failed", name)

        thread = threading.Thread(target=loop, name=f"schedule-{name}", daemon=True)
        thread.start()

        def end() -> None:
            stop.set()
            thread.join(30)

        self._stack.callback(end)

    def _serve(
        self,
        api: Handler,
        clock: Clock,
        front: FrontServer,
        verifier: TokenVerifier,
        aws: LocalAws,
        api_lock: threading.Lock,
        aws_endpoint: str,
    ) -> None:
        front.api_handler = api
        front.clock = clock
        front.verify = verifier.claims
        front.console_dir = self.options.root / "frontend" / "dist"
        front.cors = aws.cors
        front.context_factory = lambda: _context("api")
        front.api_lock = api_lock
        front.local_handler = FailbackDemo(store.executions(self._product()), self._simulator()).handle
        front.config = {
            "region": REGION,
            "userPoolId": aws.user_pool_id,
            "userPoolClientId": aws.user_pool_client_id,
            "cognitoEndpoint": aws_endpoint,
            "apiUrl": f"{front.origin}{API_PREFIX}",
        }
        thread = threading.Thread(target=front.serve_forever, args=(0.1,), name="local-front", daemon=True)
        thread.start()

        def shutdown() -> None:
            front.shutdown()
            thread.join(10)

        self._stack.callback(shutdown)

    def _product(self) -> Product:
        assert self.product is not None, "assembled before the front serves"
        return self.product

    def _simulator(self) -> Simulator:
        assert self.drs is not None, "started before the front serves"
        return self.drs.simulator

    # ---- stop ---------------------------------------------------------------------------------
    def stop(self) -> None:
        try:
            self._stack.close()
        finally:
            self._restore_environment()


def _simulator_config() -> SimConfig:
    """No rule of the product matches ``DRS PIT Snapshot Taken``: local mode does not put one on the bus
    for every server every 10 simulated minutes (4,000 PutEvents a real second at 4,000 servers, x600)."""
    config = SimConfig()
    config.behaviour.pit_snapshot_events = False
    return config


def _context(name: str) -> LambdaContext:
    return LambdaContext(function_name=name, deadline_ms=float("inf"))


def _invoker(product: Product, handler_path: str) -> Callable[[dict[str, Any]], object]:
    handler = product.handler(handler_path)
    name = handler_path.rsplit(".", 2)[-2]

    def invoke(event: dict[str, Any]) -> object:
        return handler(event, _context(name))

    return invoke


def _stop_executions(sfn: Any, machine_arn: str) -> None:
    """Stop every run still executing, so no interpreter thread outlives the runtime."""
    try:
        running = sfn.list_executions(stateMachineArn=machine_arn, statusFilter="RUNNING")["executions"]
        for execution in running:
            sfn.stop_execution(executionArn=execution["executionArn"])
    except Exception:  # the endpoint may already be down; nothing is left to stop then
        logger.debug("could not stop the running executions", exc_info=True)
