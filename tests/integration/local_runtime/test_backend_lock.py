"""Requests into moto's backends run one at a time: a reader never sees a table mid-write.

Without the lock, moto serializes an item while another thread's UpdateItem adds and removes its
attributes, and the read fails with ``RuntimeError: dictionary changed size during iteration`` (a 500
in server mode), as ``GET /executions/{id}`` once did while the engine wrote the run.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from drs_local.backend_lock import BackendLock
from drs_local.moto_hooks import SerializedBackends, check_serialization_hooks

ATTRIBUTES = 300
SECONDS = 3.0
KEY = {"pk": {"S": "EXECUTION#ex-1"}, "sk": {"S": "RECORD"}}
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def _table(client: Any) -> None:
    client.create_table(
        TableName="runs",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    attributes = {f"a{n}": {"N": str(n)} for n in range(ATTRIBUTES)}
    client.put_item(TableName="runs", Item={**KEY, **attributes})


def _read_while_writing(client: Callable[[], Any]) -> list[str]:
    """Two threads update one item (an attribute in, an attribute out) while two threads query it."""
    _table(client())
    stop = threading.Event()
    errors: list[str] = []

    def guarded(work: Callable[[Any, int], None]) -> Callable[[], None]:
        def run() -> None:
            own, n = client(), 0
            while not stop.is_set():
                try:
                    work(own, n)
                except Exception as error:
                    errors.append(repr(error)[:300])
                    stop.set()
                n += 1

        return run

    def write(own: Any, n: int) -> None:
        name = f"w{threading.get_ident()}x{n}"
        own.update_item(
            TableName="runs",
            Key=KEY,
            UpdateExpression=f"SET {name} = :v REMOVE a{n % ATTRIBUTES}",
            ExpressionAttributeValues={":v": {"N": "1"}},
        )

    def read(own: Any, n: int) -> None:
        items = own.query(
            TableName="runs",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": KEY["pk"]},
        )["Items"]
        assert len(items) == 1

    threads = [threading.Thread(target=guarded(work)) for work in (write, write, read, read)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)  # threads take turns often, as on a loaded machine
    try:
        for thread in threads:
            thread.start()
        stop.wait(SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        sys.setswitchinterval(interval)
    return errors


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def server(moto_server: str) -> str:
    return moto_server


@pytest.mark.usefixtures("credentials")
def test_reads_never_fail_while_another_thread_writes_when_moto_runs_in_process() -> None:
    with mock_aws(), SerializedBackends().installed():
        errors = _read_while_writing(lambda: boto3.client("dynamodb", config=NO_RETRIES))
    assert errors == []


@pytest.mark.usefixtures("credentials")
def test_reads_never_fail_while_another_thread_writes_when_moto_runs_as_a_server(server: str) -> None:
    with SerializedBackends().installed():
        errors = _read_while_writing(lambda: boto3.client("dynamodb", endpoint_url=server, config=NO_RETRIES))
    assert errors == []


def test_the_lock_is_reentrant_and_let_go_entirely_while_released() -> None:
    lock = BackendLock()
    taken = threading.Event()

    def other() -> None:
        with lock.hold():
            taken.set()

    with lock.hold(), lock.hold():
        thread = threading.Thread(target=other)
        thread.start()
        assert not taken.wait(0.05)  # held twice by this thread: the other waits
        with lock.released():
            assert not lock.held
            assert taken.wait(10)  # let go entirely: the other gets it
            thread.join(10)
        assert lock.held
    assert not lock.held


def test_release_by_a_thread_that_does_not_hold_it_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not held"):
        BackendLock().release()


def test_the_request_entry_points_exist_in_the_installed_moto() -> None:
    check_serialization_hooks()


def test_installing_twice_is_refused_and_uninstall_restores_moto() -> None:
    from moto.core.botocore_stubber import BotocoreStubber

    original = BotocoreStubber.process_request
    backends = SerializedBackends()
    with backends.installed():
        assert BotocoreStubber.process_request is not original
        with pytest.raises(RuntimeError, match="already installed"):
            backends.install()
    assert BotocoreStubber.process_request is original
