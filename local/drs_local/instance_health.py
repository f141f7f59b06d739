"""Per-instance outcomes for moto's Run Command and EC2 status checks, driven by the DRS simulator.

moto reports every ``SendCommand`` invocation ``Success`` at once, with empty output, on any instance
ID. Installed, this module makes Run Command answer as AWS would for each instance:

* ``SendCommand`` refuses a document that does not exist (``InvalidDocument``; AWS-owned ``AWS…``
  documents, which moto does not carry, are accepted) and an instance that does not exist or is
  terminated (``InvalidInstanceId``); so is, given the simulator, a recovery instance still booting,
  and one whose SSM agent has not registered yet: ``registers_after_seconds`` simulated seconds after
  the instance was launched (RunInstances), or never with ``agent="unregistered"`` - as AWS answers
  for an instance that is not (yet) a managed node.
  It targets exactly the instances it names (moto adds every instance of the Region when no
  ``Targets`` are given).
* A reachable instance (running, agent online) shows ``InProgress`` for the command's duration in
  simulated seconds, then ``Success`` or ``Failed`` with the exit code. For the post-launch health-check
  document the standard output holds the lines its script would print (PASS per check, FAIL for the
  checks configured to fail on that instance); other documents print nothing.
* An instance the simulator failed to boot (stopped and tagged ``DrsSimulatorBootFailure=true``), any
  stopped instance, or one whose agent is set ``unreachable`` stays ``Pending`` until the command's
  delivery timeout (``TimeoutSeconds``, 3600 s by default), then ``TimedOut`` / ``DeliveryTimedOut``.
  An agent set ``missing`` is ``Failed`` / ``Undeliverable`` at once; so is an instance terminated
  after the command was sent. A command set to hang stays ``InProgress`` until its execution timeout
  (the ``executionTimeout`` parameter, else 3600 s), then ``TimedOut`` / ``ExecutionTimedOut``.
* ``CancelCommand``, which moto lacks, is added: an invocation still ``Pending`` or ``InProgress`` ends
  ``Cancelled`` at once; one that has ended stays as it ended; an unknown command is ``InvalidCommandId``
  and an instance the command was not sent to ``InvalidInstanceId``, as on AWS.
* ``ListCommands`` aggregates per-invocation results; ``ListCommandInvocations``, which moto lacks,
  is added.
* Documents are looked up when the command is sent, so one created at run time (a copy of the product's
  health check in another account or Region) answers like the original.

EC2 status checks: moto reports ``ok`` for every running instance. A simulated boot failure leaves the
instance stopped, as the simulator's ``DescribeRecoveryInstances`` reports it, so ``DescribeInstanceStatus``
leaves it out (with ``IncludeAllInstances``: state ``stopped``, checks ``not-applicable``) - exactly
what EC2 shows for a stopped instance. Given the simulator, both checks are ``initializing`` while its
recovery instance boots. A boot-failed instance that is started again, or one set
``status_check="impaired"``, reports the instance status check ``impaired`` (reachability ``failed``)
with the system check ``ok``: EC2's picture of an operating system that does not come up. Results are
worked out from the clock when asked and frozen once terminal; nothing runs in the background.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from moto.ec2.exceptions import InvalidInstanceIdError
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ssm.exceptions import SSMException
from moto.ssm.models import Command, SimpleSystemManagerBackend
from moto.ssm.responses import SimpleSystemManagerResponse
from pydantic import BaseModel, ConfigDict, Field

from drs_simulator.ec2_mirror import BOOT_FAILURE_TAG
from drs_simulator.simulator import Simulator

from . import health_check_output
from .health_check_output import Platform
from .instance_health_patches import install_patches
from .moto_hooks import Emulation, HookMissingError, Patches, require_attributes
from .ssm_emulation import check_hooks as check_ssm_dispatch
from .ssm_emulation import find_document, is_aws_owned, page

DEFAULT_TIMEOUT_SECONDS = 3600
_HOOKS: tuple[tuple[object, str], ...] = (
    (SimpleSystemManagerBackend, "send_command"),
    (SimpleSystemManagerBackend, "get_command_by_id"),
    (Command, "response_object"),
    (Command, "get_invocation"),
    (Instance, "instance_status"),
    (Instance, "system_status"),
    (InstanceBackend, "run_instances"),
    (Instance, "get_tags"),
)


#: What this module reads from moto's Command objects (instance attributes, set in its __init__).
_COMMAND_ATTRIBUTES = frozenset({"command_id", "account_id", "backend_region", "instance_ids", "invocations"})


def check_hooks() -> None:
    """Raise if a moto internal this module patches has moved or changed shape."""
    check_ssm_dispatch()
    require_attributes(_HOOKS)
    missing = _COMMAND_ATTRIBUTES - set(Command.__init__.__code__.co_names)
    if missing:
        raise HookMissingError(f"moto's Command no longer sets {sorted(missing)}")
    sent_with = set(inspect.signature(SimpleSystemManagerBackend.send_command).parameters)
    if not {"document_name", "instance_ids", "parameters", "timeout_seconds", "targets"} <= sent_with:
        raise HookMissingError("moto's SimpleSystemManagerBackend.send_command takes other arguments")
    for name in ("instance_status", "system_status"):
        if not isinstance(vars(Instance).get(name), property):
            raise HookMissingError(f"moto's Instance.{name} is no longer a property")


class InstanceBehaviour(BaseModel):
    """How one instance answers. ``failing_checks``: ``check`` or ``check:target`` of the health check.
    ``agent="unregistered"``: the SSM agent never registers (``SendCommand`` answers ``InvalidInstanceId``);
    ``registers_after_seconds``: it registers that many simulated seconds after the instance's launch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent: Literal["online", "unreachable", "missing", "unregistered"] = "online"
    registers_after_seconds: float = Field(default=0, ge=0)
    failing_checks: frozenset[str] = frozenset()
    command_seconds: float | None = Field(default=None, ge=0)
    hang: bool = False
    exit_code: int = Field(default=0, ge=0, le=255)
    status_check: Literal["ok", "impaired", "initializing"] = "ok"
    platform: Platform | None = None


@dataclass
class _Sent:
    document_name: str
    parameters: dict[str, list[str]]
    declared: dict[str, Any] | None
    steps: list[dict[str, Any]]
    at: datetime
    delivery_timeout: float
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    def seconds(self, parameter: str, default: float) -> float:
        values = self.parameters.get(parameter) or []
        return float(values[0]) if values and values[0].isdigit() else default


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _elapsed(seconds: float) -> str:
    return f"PT{seconds:.3f}S"


def _boot_failed(instance: Instance) -> bool:
    # the backend's tag table, read by key: ``Instance.get_tags`` filters every tag of the Region
    tags: dict[str, str] = instance.ec2_backend.tags.get(instance.id) or {}
    return tags.get(BOOT_FAILURE_TAG) == "true"


def _lookup(account: str, region: str, instance_id: str) -> Instance | None:
    """moto's own lookup: it copies every reservation of the Region to find one instance."""
    backend = ec2_backends[account][region]
    try:
        found: Instance = backend.get_instance(instance_id)
    except InvalidInstanceIdError:
        return None
    return found


@dataclass
class InstanceHealth(Emulation):
    """Install with ``installed()``; set per-instance behaviour with ``set_instance(instance_id, ...)``.

    Given the DRS ``simulator``, a recovery instance it launched whose operating system is still
    starting reports both status checks ``initializing`` and is not yet a managed node
    (``SendCommand`` answers ``InvalidInstanceId``), as on AWS while the SSM agent has not registered.
    """

    command_seconds: float = 5.0
    simulator: Simulator | None = None
    default: InstanceBehaviour = field(default_factory=InstanceBehaviour)
    _behaviours: dict[str, InstanceBehaviour] = field(default_factory=dict)
    _sent: dict[str, _Sent] = field(default_factory=dict)
    _launched: dict[str, datetime] = field(default_factory=dict)
    #: (account, Region, instance id) -> the instance, for every instance launched since installation
    _instances: dict[tuple[str, str, str], Instance] = field(default_factory=dict)

    def _instance(self, account: str, region: str, instance_id: str) -> Instance | None:
        found = self._instances.get((account, region, instance_id))
        return found if found is not None else _lookup(account, region, instance_id)

    def launched(self, backend: EC2Backend, instances: list[Instance]) -> None:
        """Record instances RunInstances just made: when (for the agent's registration) and where."""
        now = self._clock.now()
        with self._lock:
            for instance in instances:
                self._launched[instance.id] = now
                self._instances[(backend.account_id, backend.region_name, instance.id)] = instance

    def set_instance(self, instance_id: str, behaviour: InstanceBehaviour) -> None:
        with self._lock:
            self._behaviours[instance_id] = behaviour

    def clear_instances(self) -> None:
        with self._lock:
            self._behaviours.clear()

    def behaviour(self, instance_id: str) -> InstanceBehaviour:
        with self._lock:
            return self._behaviours.get(instance_id, self.default)

    # ---- Run Command -------------------------------------------------------------------------
    def _validate(self, backend: SimpleSystemManagerBackend, arguments: dict[str, Any]) -> _Sent:
        name = str(arguments.get("document_name") or "")
        found = find_document(backend, name)
        if found is None and not is_aws_owned(name):
            raise SSMException("InvalidDocument", f"Document {name} does not exist.")
        declared = (found[0].get("parameters") or {}) if found else None
        steps = (found[0].get("mainSteps") or []) if found else []
        for instance_id in arguments.get("instance_ids") or []:
            instance = self._instance(backend.account_id, backend.region_name, instance_id)
            gone = instance is None or instance.state in ("terminated", "shutting-down")
            if gone or self._booting(instance_id) or not self._registered(instance_id):
                raise SSMException(
                    "InvalidInstanceId",
                    f"Instances [[{instance_id}]] not in a valid state for account {backend.account_id}",
                )
        return _Sent(
            document_name=name,
            parameters=dict(arguments.get("parameters") or {}),
            declared=declared,
            steps=[step for step in steps if isinstance(step, dict)],
            at=self._clock.now(),
            delivery_timeout=float(arguments.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS),
        )

    def _outcome(self, command: Command, sent: _Sent, instance_id: str, now: datetime) -> dict[str, Any]:
        """Status, details, exit code, output and timing of one invocation at ``now``."""
        behaviour = self.behaviour(instance_id)
        instance = self._instance(command.account_id, command.backend_region, instance_id)
        if (
            instance is None
            or instance.state in ("terminated", "shutting-down")
            or behaviour.agent == "missing"
        ):
            return {"Status": "Failed", "StatusDetails": "Undeliverable", "final": True}
        if instance.state != "running" or _boot_failed(instance) or behaviour.agent == "unreachable":
            if now >= sent.at + timedelta(seconds=sent.delivery_timeout):
                return {"Status": "TimedOut", "StatusDetails": "DeliveryTimedOut", "final": True}
            return {"Status": "Pending", "StatusDetails": "Pending"}
        started = {"ExecutionStartDateTime": _iso(sent.at)}
        if behaviour.hang:
            limit = sent.seconds("executionTimeout", DEFAULT_TIMEOUT_SECONDS)
            if now >= sent.at + timedelta(seconds=limit):
                end = sent.at + timedelta(seconds=limit)
                return {
                    "Status": "TimedOut",
                    "StatusDetails": "ExecutionTimedOut",
                    "ExecutionEndDateTime": _iso(end),
                    "ExecutionElapsedTime": _elapsed(limit),
                    "final": True,
                    **started,
                }
            return {"Status": "InProgress", "StatusDetails": "InProgress", **started}
        duration = (
            behaviour.command_seconds if behaviour.command_seconds is not None else self.command_seconds
        )
        if now < sent.at + timedelta(seconds=duration):
            return {"Status": "InProgress", "StatusDetails": "InProgress", **started}
        output, code = "", behaviour.exit_code
        if sent.declared is not None and health_check_output.is_health_check_document(sent.declared):
            output, code = health_check_output.render(
                sent.declared, sent.parameters, self._platform(instance), behaviour.failing_checks
            )
        status = "Success" if code == 0 else "Failed"
        return {
            "Status": status,
            "StatusDetails": status,
            "ResponseCode": code,
            "StandardOutputContent": output,
            "ExecutionEndDateTime": _iso(sent.at + timedelta(seconds=duration)),
            "ExecutionElapsedTime": _elapsed(duration),
            "final": True,
            **started,
        }

    def _platform(self, instance: Instance | None) -> Platform:
        chosen = self.behaviour(instance.id).platform if instance is not None else None
        if chosen is not None:
            return chosen
        return "Windows" if instance is not None and instance.platform == "windows" else "Linux"

    def _plugin(self, command: Command, sent: _Sent, instance_id: str) -> str | None:
        """The document step that runs on this instance: the first whose platform precondition fits."""
        platform = self._platform(self._instance(command.account_id, command.backend_region, instance_id))
        for step in sent.steps:
            condition = (step.get("precondition") or {}).get("StringEquals") or ["platformType", platform]
            if condition[-1] == platform:
                return str(step.get("name"))
        return None

    def invocation(self, command: Command, moto_invocation: dict[str, Any]) -> dict[str, Any]:
        """moto's invocation with this instance's status, output and timing laid over it."""
        with self._lock:
            sent = self._sent.get(command.command_id)
            if sent is None:  # sent before this emulation was installed: moto's own answer
                return moto_invocation
            instance_id = moto_invocation["InstanceId"]
            if instance_id not in sent.results:
                outcome = self._outcome(command, sent, instance_id, self._clock.now())
                result = {
                    "PluginName": self._plugin(command, sent, instance_id) or moto_invocation["PluginName"],
                    "ResponseCode": -1,
                    "ExecutionStartDateTime": "",
                    "ExecutionEndDateTime": "",
                    "ExecutionElapsedTime": "",
                    "StandardOutputContent": "",
                    **outcome,
                }
                if not result.pop("final", False):
                    return {**moto_invocation, **result}
                sent.results[instance_id] = result
            return {**moto_invocation, **sent.results[instance_id]}

    def cancel(self, command: Command, moto_invocations: dict[str, dict[str, Any]]) -> None:
        """Each invocation (instance id -> moto's invocation) that has not ended ends ``Cancelled`` now."""
        with self._lock:
            sent = self._sent.get(command.command_id)
            if sent is None:  # sent before this emulation was installed: moto already said Success
                return
            for instance_id, moto_invocation in moto_invocations.items():
                current = self.invocation(command, moto_invocation)
                if instance_id in sent.results:  # it had ended
                    continue
                started = bool(current.get("ExecutionStartDateTime"))
                sent.results[instance_id] = {
                    **current,
                    "Status": "Cancelled",
                    "StatusDetails": "Cancelled",
                    "ExecutionEndDateTime": _iso(self._clock.now()) if started else "",
                }

    def command_summary(self, command: Command, response: dict[str, Any]) -> dict[str, Any]:
        """moto's command description with the status and counts its invocations add up to."""
        with self._lock:
            sent = self._sent.get(command.command_id)
        if sent is None:
            return response
        invocations = [
            self.invocation(command, dict(moto_invocation)) for moto_invocation in command.invocations
        ]
        statuses = [invocation["Status"] for invocation in invocations]
        details = [invocation["StatusDetails"] for invocation in invocations]
        done = [status for status in statuses if status not in ("Pending", "InProgress")]
        if len(done) < len(statuses):
            status = "InProgress" if done or "InProgress" in statuses else "Pending"
        elif "Failed" in statuses:
            status = "Failed"
        elif "TimedOut" in statuses:
            status = "TimedOut"
        elif "Cancelled" in statuses:
            status = "Cancelled"
        else:
            status = "Success"
        return {
            **response,
            "Status": status,
            "StatusDetails": status,
            "RequestedDateTime": sent.at,
            "CompletedCount": len(done),
            "ErrorCount": sum(s in ("Failed", "TimedOut") for s in statuses),
            "DeliveryTimedOutCount": details.count("DeliveryTimedOut"),
        }

    def _registered(self, instance_id: str) -> bool:
        """The instance's SSM agent has registered (one launched before installation long since)."""
        behaviour = self.behaviour(instance_id)
        if behaviour.agent == "unregistered":
            return False
        with self._lock:
            launched = self._launched.get(instance_id)
        due = launched + timedelta(seconds=behaviour.registers_after_seconds) if launched else None
        return due is None or self._clock.now() >= due

    # ---- EC2 status checks ---------------------------------------------------------------------
    def _status_check(self, instance: Instance) -> str:
        if not instance.is_running():
            return "not-applicable"
        if _boot_failed(instance):
            return "impaired"
        return "initializing" if self._booting(instance.id) else self.behaviour(instance.id).status_check

    def _booting(self, instance_id: str) -> bool:
        """The simulator launched this recovery instance and its operating system is still starting."""
        if self.simulator is None:
            return False
        for partition in self.simulator.partitions():
            recovery_instance = partition.instances.get(instance_id)
            if recovery_instance is not None:
                return recovery_instance.ec2_state == "PENDING"
        return False

    # ---- installation ----------------------------------------------------------------------
    def _patch(self, patches: Patches) -> None:
        check_hooks()
        install_patches(self, patches)

    def _list_invocations(self, response: SimpleSystemManagerResponse) -> dict[str, Any]:
        instance_filter = response._get_param("InstanceId")
        details = bool(response._get_param("Details"))
        listed = []
        for command in response.ssm_backend.list_commands(response._get_param("CommandId"), instance_filter):
            for instance_id in command.instance_ids:
                if instance_filter and instance_id != instance_filter:
                    continue
                invocation = command.get_invocation(instance_id, None)
                entry: dict[str, Any] = {
                    "CommandId": command.command_id,
                    "InstanceId": instance_id,
                    "Comment": command.comment,
                    "DocumentName": command.document_name,
                    "DocumentVersion": "$DEFAULT",
                    "RequestedDateTime": self._requested(command),
                    "Status": invocation["Status"],
                    "StatusDetails": invocation["StatusDetails"],
                    "StandardOutputUrl": "",
                    "StandardErrorUrl": "",
                }
                if details:
                    entry["CommandPlugins"] = [
                        {
                            "Name": invocation["PluginName"],
                            "Status": invocation["Status"],
                            "StatusDetails": invocation["StatusDetails"],
                            "ResponseCode": invocation["ResponseCode"],
                            "Output": invocation["StandardOutputContent"],
                        }
                    ]
                listed.append(entry)
        return page(response, "CommandInvocations", listed)

    def _requested(self, command: Command) -> datetime:
        with self._lock:
            sent = self._sent.get(command.command_id)
        return sent.at if sent else command.requested_date_time
