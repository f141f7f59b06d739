"""The engine's ports with the state machine's executions: for the steps that hand a run over to a
fresh execution or find runs whose execution ended (Initialize, Advance, the sweeper); the other
functions never start or describe executions."""

from __future__ import annotations

from dataclasses import replace

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.stepfunctions.engine_executions import StepFunctionsEngineExecutions
from drs_orchestration.composition.engine import engine_ports
from drs_orchestration.composition.product import Product, part
from drs_orchestration.domain.engine.context import EnginePorts

__all__ = ["run_ports"]


@part(uses=(engine_ports,))
def run_ports(product: Product) -> EnginePorts:
    settings = product.settings
    client = aws_clients.stepfunctions_client(settings.aws_region, settings.aws_endpoint)
    return replace(engine_ports(product), engine_executions=StepFunctionsEngineExecutions(client))
