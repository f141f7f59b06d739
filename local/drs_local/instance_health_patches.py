"""The moto internals :class:`~drs_local.instance_health.InstanceHealth` replaces, each built by one
small function around the original it wraps."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.models import EC2Backend
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ssm.exceptions import SSMException
from moto.ssm.models import Command, SimpleSystemManagerBackend
from moto.ssm.responses import SimpleSystemManagerResponse

from .moto_hooks import Patches

if TYPE_CHECKING:
    from .instance_health import InstanceHealth


def _initializing() -> dict[str, Any]:
    """What EC2 reports while an instance's checks have not run yet."""
    return {"Status": "initializing", "Details": [{"Name": "reachability", "Status": "initializing"}]}


def install_patches(runtime: InstanceHealth, patches: Patches) -> None:
    patches.set(InstanceBackend, "run_instances", _run_instances(runtime, InstanceBackend.run_instances))
    patches.set(Instance, "get_tags", _get_tags)
    patches.set(
        SimpleSystemManagerBackend,
        "send_command",
        _send_command(runtime, SimpleSystemManagerBackend.send_command),
    )
    original_invocation = Command.get_invocation
    patches.set(Command, "response_object", _response_object(runtime, Command.response_object))
    patches.set(Command, "get_invocation", _get_invocation(runtime, original_invocation))
    patches.set(
        Instance, "instance_status", property(_instance_status(runtime, vars(Instance)["instance_status"]))
    )
    patches.set(Instance, "system_status", property(_system_status(runtime, vars(Instance)["system_status"])))
    patches.set(SimpleSystemManagerResponse, "list_command_invocations", _list_command_invocations(runtime))
    patches.set(SimpleSystemManagerResponse, "cancel_command", _cancel_command(runtime, original_invocation))


def _get_tags(instance: Instance) -> list[dict[str, str]]:
    """An instance's tags read by key from its backend's tag table, as moto's ``describe_tags`` lists them
    (moto filters every tag of the Region for each instance it describes)."""
    tags: dict[str, str] = instance.ec2_backend.tags.get(instance.id) or {}
    return [
        {"resource_id": instance.id, "key": key, "value": value, "resource_type": "instance"}
        for key, value in tags.items()
    ]


def _run_instances(runtime: InstanceHealth, original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def run_instances(backend: EC2Backend, *args: Any, **kwargs: Any) -> Any:
        reservation = original(backend, *args, **kwargs)
        runtime.launched(backend, reservation.instances)
        return reservation

    return run_instances


def _send_command(runtime: InstanceHealth, original: Callable[..., Command]) -> Callable[..., Command]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def send_command(backend: SimpleSystemManagerBackend, *args: Any, **kwargs: Any) -> Command:
        arguments = signature.bind(backend, *args, **kwargs).arguments
        sent = runtime._validate(backend, arguments)
        named = list(dict.fromkeys(arguments.get("instance_ids") or []))
        command: Command = original(backend, *args, **kwargs)
        if not arguments.get("targets"):  # moto adds every instance of the Region: keep the named ones
            command.instance_ids = named
            command.invocations = [i for i in command.invocations if i["InstanceId"] in named]
        with runtime._lock:
            runtime._sent[command.command_id] = sent
        return command

    return send_command


def _response_object(
    runtime: InstanceHealth, original: Callable[[Command], dict[str, Any]]
) -> Callable[[Command], Any]:
    def response_object(command: Command) -> dict[str, Any]:
        return runtime.command_summary(command, original(command))

    return response_object


def _get_invocation(
    runtime: InstanceHealth, original: Callable[..., dict[str, Any]]
) -> Callable[..., dict[str, Any]]:
    def get_invocation(command: Command, instance_id: str, plugin_name: str | None) -> dict[str, Any]:
        invocation = runtime.invocation(command, original(command, instance_id, None))
        if plugin_name is not None and invocation["PluginName"] != plugin_name:
            raise SSMException("InvocationDoesNotExist", f"Plugin {plugin_name} did not run on {instance_id}")
        return invocation

    return get_invocation


def _instance_status(runtime: InstanceHealth, original: property) -> Callable[[Instance], dict[str, Any]]:
    def instance_status(instance: Instance) -> dict[str, Any]:
        check = runtime._status_check(instance)
        if check == "impaired":
            since = runtime._clock.now()
            reachability = {"Name": "reachability", "Status": "failed", "ImpairedSince": since}
            return {"Status": "impaired", "Details": [reachability]}
        if check == "initializing":
            return _initializing()
        result: dict[str, Any] = original.__get__(instance)
        return result

    return instance_status


def _system_status(runtime: InstanceHealth, original: property) -> Callable[[Instance], dict[str, Any]]:
    def system_status(instance: Instance) -> dict[str, Any]:
        if runtime._status_check(instance) == "initializing":
            return _initializing()
        result: dict[str, Any] = original.__get__(instance)
        return result

    return system_status


def _list_command_invocations(
    runtime: InstanceHealth,
) -> Callable[[SimpleSystemManagerResponse], ActionResult]:
    def list_command_invocations(response: SimpleSystemManagerResponse) -> ActionResult:
        return ActionResult(runtime._list_invocations(response))

    return list_command_invocations


def _cancel_command(
    runtime: InstanceHealth, original_invocation: Callable[..., dict[str, Any]]
) -> Callable[..., EmptyResult]:
    def cancel_command(response: SimpleSystemManagerResponse) -> EmptyResult:
        command = response.ssm_backend.get_command_by_id(response._get_param("CommandId"))
        instance_ids = response._get_param("InstanceIds") or command.instance_ids
        strangers = [i for i in instance_ids if i not in command.instance_ids]
        if strangers:
            raise SSMException(
                "InvalidInstanceId", f"Command {command.command_id} was not sent to {strangers}"
            )
        runtime.cancel(command, {i: original_invocation(command, i, None) for i in instance_ids})
        return EmptyResult()

    return cancel_command
