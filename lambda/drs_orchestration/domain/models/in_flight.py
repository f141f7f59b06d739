"""What a wave has in flight: one model per kind of work the engine follows across ticks.

A wave's ``inFlight`` is one of these (discriminated on ``kind``), or ``None`` when nothing runs. The
health gate keeps its in-flight state on each server (``ServerState.health_ref``), not here.

``legacy_in_flight`` reads what the previous release stored in ``actionRef`` instead: a string with
six encodings (``wait``, ``approval``, ``pause-before``, ``lambda:pending``,
``<account>/<region>|<automation id>`` and ``<account>/<region>|<command id>|<first instance>;…``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import DrsTarget

__all__ = [
    "ApprovalWork",
    "AutomationWork",
    "CommandPart",
    "InFlight",
    "InFlightKind",
    "LambdaWork",
    "PauseBeforeWork",
    "RunCommandWork",
    "WaitWork",
    "legacy_in_flight",
]


class InFlightKind(StrEnum):
    WAIT = "WAIT"
    APPROVAL = "APPROVAL"
    PAUSE_BEFORE = "PAUSE_BEFORE"
    LAMBDA = "LAMBDA"
    SSM_AUTOMATION = "SSM_AUTOMATION"
    SSM_RUN_COMMAND = "SSM_RUN_COMMAND"


class WaitWork(CamelModel):
    """A WAIT action counting down from ``WaveState.action_started_at``."""

    kind: Literal[InFlightKind.WAIT] = InFlightKind.WAIT


class ApprovalWork(CamelModel):
    """An APPROVAL action waiting for an operator."""

    kind: Literal[InFlightKind.APPROVAL] = InFlightKind.APPROVAL


class PauseBeforeWork(CamelModel):
    """A wave with ``pauseBefore`` waiting for an operator before it starts."""

    kind: Literal[InFlightKind.PAUSE_BEFORE] = InFlightKind.PAUSE_BEFORE


class LambdaWork(CamelModel):
    """A Lambda action handed to the state machine; its result comes with the next Advance."""

    kind: Literal[InFlightKind.LAMBDA] = InFlightKind.LAMBDA


class AutomationWork(CamelModel):
    """An SSM Automation execution started in ``target``."""

    kind: Literal[InFlightKind.SSM_AUTOMATION] = InFlightKind.SSM_AUTOMATION
    target: DrsTarget
    automation_id: Annotated[str, Field(min_length=1, max_length=128)]


class CommandPart(CamelModel):
    """One SendCommand of a Run Command action: up to 50 of the wave's recovered instances in
    ``target``, from ``first_instance`` on (in the order the wave lists them)."""

    target: DrsTarget
    command_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    """``None`` until SSM has taken the command (it refused it, or it was not sent yet)."""
    first_instance: Annotated[int, Field(ge=0)] = 0


class RunCommandWork(CamelModel):
    """A Run Command action: one command per target and 50 instances."""

    kind: Literal[InFlightKind.SSM_RUN_COMMAND] = InFlightKind.SSM_RUN_COMMAND
    parts: Annotated[list[CommandPart], Field(min_length=1)]


InFlight = Annotated[
    WaitWork | ApprovalWork | PauseBeforeWork | LambdaWork | AutomationWork | RunCommandWork,
    Field(discriminator="kind"),
]

_LEGACY_PLAIN: dict[str, WaitWork | ApprovalWork | PauseBeforeWork | LambdaWork] = {
    "wait": WaitWork(),
    "approval": ApprovalWork(),
    "pause-before": PauseBeforeWork(),
    "lambda:pending": LambdaWork(),
}


def _legacy_target(key: str) -> DrsTarget:
    account_id, _, region = key.partition("/")
    return DrsTarget(account_id=account_id, region=region)


def legacy_in_flight(ref: str | None) -> InFlight | None:
    """The typed form of a previous release's ``actionRef`` string."""
    if not ref:
        return None
    if ref in _LEGACY_PLAIN:
        return _LEGACY_PLAIN[ref].model_copy()
    fields = ref.split(";")[0].split("|")
    if len(fields) == 2:
        return AutomationWork(target=_legacy_target(fields[0]), automation_id=fields[1])
    parts = []
    for part in filter(None, ref.split(";")):
        key, command_id, start = part.split("|")
        parts.append(
            CommandPart(target=_legacy_target(key), command_id=command_id or None, first_instance=int(start))
        )
    return RunCommandWork(parts=parts)
