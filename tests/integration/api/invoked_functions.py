"""A function the API invokes asynchronously by name (through moto's Lambda), run in-process on the
product as the local runtime runs it, and the API deployed with it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from drs_local.moto_hooks import SerializedBackends
from drs_local.step_functions import LocalStepFunctions
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.product import Product
from drs_simulator.testing import SimulatorHandle
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import product_over_moto

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


class InvokedFunction:
    """A function's handler on the product, telling the test each time it has run."""

    def __init__(self, product: Product, handler: str, *, what: str, timeout: float) -> None:
        self.handler = product.handler(handler)
        self.what = what
        self.timeout = timeout
        self.finished = threading.Semaphore(0)
        self.errors: list[BaseException] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        try:
            return self.handler(event, context)
        except BaseException as error:
            self.errors.append(error)
            raise
        finally:
            self.finished.release()

    def wait(self) -> None:
        assert self.finished.acquire(timeout=self.timeout), f"{self.what} did not finish"
        assert self.errors == []


def create_function(name: str, handler: str) -> None:
    """The function in moto's Lambda, with a role of its name."""
    iam, lam = boto3.client("iam"), boto3.client("lambda")
    try:
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    except ClientError:
        return  # created by an earlier test (moto keeps its data between the tests of this suite)
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler=handler,
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        Timeout=900,
    )


@contextmanager
def api_with_function(
    monkeypatch: pytest.MonkeyPatch,
    drs: SimulatorHandle,
    *,
    variable: str,
    name: str,
    handler: str,
    what: str,
    timeout: float,
) -> Iterator[tuple[Api, InvokedFunction, Product]]:
    """The API and the function as deployed: the API finds the function's name in ``variable``."""
    monkeypatch.setenv(variable, name)
    with product_over_moto(monkeypatch, drs, SystemClock()) as product, SerializedBackends().installed():
        create_function(name, handler)
        function = InvokedFunction(product, handler, what=what, timeout=timeout)
        with LocalStepFunctions(handlers={name: function}).installed():
            yield Api(product.handler(API_HANDLER)), function, product
