"""Start a simulator for tests and local tools: ``with simulator_server(fleet="demo") as sim: ...``."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from .clock import ClockMode, SimClock
from .config import Quotas, SimConfig
from .ec2_mirror import Ec2Mirror
from .events import EventSink
from .server import DrsHttpServer, serve
from .simulator import FleetSpec, Simulator

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient


@dataclass
class SimulatorHandle:
    simulator: Simulator
    server: DrsHttpServer

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    def drs_client(
        self, region: str = "us-east-1", account_id: str | None = None, max_attempts: int | None = None
    ) -> DrsClient:
        """A boto3 ``drs`` client for (account, region); ``max_attempts=1`` turns botocore's retries off."""
        config = Config(retries={"max_attempts": max_attempts}) if max_attempts else None
        return boto3.client(
            "drs",
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=account_id or self.simulator.config.default_account,
            aws_secret_access_key="testing",  # noqa: S106 - the simulator does not check signatures
            config=config,
        )

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the ``/_sim/`` control API over HTTP (``path`` relative to ``/_sim/``)."""
        request = urllib.request.Request(  # noqa: S310 - our own http endpoint
            f"{self.endpoint_url}/_sim/{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())


@contextmanager
def simulator_server(
    *,
    fleet: FleetSpec | None = None,
    clock: ClockMode | None = None,
    time_scale: float | None = None,
    seed: int = 42,
    quotas: str = "current",
    quota_overrides: dict[str, Any] | None = None,
    sinks: Iterable[EventSink] = (),
    ec2_endpoint: str | None = None,
    ec2_mirror: Ec2Mirror | None = None,
    config: SimConfig | None = None,
    faults: dict[str, Any] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SimulatorHandle]:
    """Run a simulator + HTTP server on a free port in background threads for the ``with`` block.

    The clock is manual unless ``clock`` says otherwise or a ``time_scale`` is given (then scaled).
    ``ec2_endpoint`` mirrors recovery instances into that EC2 endpoint (``ec2_mirror`` for a custom one;
    with neither and ``mock_aws`` active, pass ``ec2_mirror=Ec2Mirror()`` to mirror into moto in-process).
    """
    config = (config or SimConfig()).model_copy(deep=True)
    config.seed = seed
    config.quotas = Quotas.profile(quotas, **(quota_overrides or {}))
    mode: ClockMode = clock or ("scaled" if time_scale else "manual")
    sim_clock = SimClock(mode, time_scale or 1.0)
    mirror = ec2_mirror or (Ec2Mirror(ec2_endpoint) if ec2_endpoint else None)
    simulator = Simulator(config, clock=sim_clock, sinks=sinks, ec2_mirror=mirror)
    if fleet is not None:
        simulator.load_fleet(fleet)
    if faults:
        simulator.set_faults(faults)
    server, thread = serve(simulator, host, port)
    try:
        yield SimulatorHandle(simulator, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        simulator.stop()
