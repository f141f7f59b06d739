"""Lambda actions go through the state machine: Advance hands it one invocation, the next Advance
gets that invocation's outcome (structured: a failure is ``{error, cause}``, never a string to parse)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, JsonValue

from drs_orchestration.domain.models.base import CamelModel, WaveId

__all__ = ["TASK_TIMED_OUT", "ActionError", "ActionPhase", "InvocationResult", "LambdaInvocation"]

TASK_TIMED_OUT = "States.Timeout"
"""The error the state machine reports when it stopped waiting for the function."""


class ActionPhase(StrEnum):
    PRE = "pre"
    POST = "post"


class LambdaInvocation(CamelModel):
    """What the state machine's InvokeAction state invokes (``functionArn``, ``payload``, within
    ``timeoutSeconds``) and which action it is (wave, phase, index)."""

    function_arn: str
    timeout_seconds: Annotated[int, Field(ge=1)]
    wave_id: WaveId
    phase: ActionPhase
    index: Annotated[int, Field(ge=0)]
    payload: dict[str, JsonValue]


class ActionError(CamelModel):
    """Why an invocation failed, as Step Functions reports it (``Error`` and ``Cause``)."""

    error: Annotated[str, Field(max_length=256)]
    cause: Annotated[str, Field(max_length=1000)] = ""


class InvocationResult(CamelModel):
    """The outcome of the invocation the previous Advance handed over."""

    wave_id: WaveId
    phase: ActionPhase | None = None
    """``None`` from a run started by a release that did not say."""
    index: Annotated[int, Field(ge=0)]
    error: ActionError | None = None

    def answers(self, wave_id: str, phase: ActionPhase, index: int) -> bool:
        """Whether this is the outcome of that action's invocation."""
        return (self.wave_id, self.index) == (wave_id, index) and self.phase in (None, phase)
