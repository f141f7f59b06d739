"""Wave actions: a discriminated union on ``type``, each with bounded timeouts and its own parameters."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, JsonValue, StringConstraints, ValidationInfo, field_validator

from drs_orchestration.domain.models.base import CamelModel, DocumentName, Name, SsmParameters, matching

__all__ = [
    "Action",
    "ActionBase",
    "ActionType",
    "ApprovalAction",
    "LambdaAction",
    "OnFailure",
    "SsmAutomationAction",
    "SsmRunCommandAction",
    "WaitAction",
]

MAX_LAMBDA_PAYLOAD_BYTES = 32 * 1024


class ActionType(StrEnum):
    SSM_AUTOMATION = "SSM_AUTOMATION"
    SSM_RUN_COMMAND = "SSM_RUN_COMMAND"
    LAMBDA = "LAMBDA"
    APPROVAL = "APPROVAL"
    WAIT = "WAIT"


class OnFailure(StrEnum):
    """What a failed action does to its wave: ``FAIL`` the wave, or record it and ``CONTINUE``."""

    FAIL = "FAIL"
    CONTINUE = "CONTINUE"


class ActionBase(CamelModel):
    name: Name
    on_failure: OnFailure = OnFailure.FAIL


class SsmAutomationAction(ActionBase):
    """Start an SSM Automation document (48 h at most)."""

    type: Literal["SSM_AUTOMATION"] = "SSM_AUTOMATION"
    document_name: DocumentName
    parameters: SsmParameters = {}
    timeout_seconds: Annotated[int, Field(ge=1, le=172_800)] = 3600


class SsmRunCommandAction(ActionBase):
    """Run an SSM command document on the wave's recovered instances (48 h at most)."""

    type: Literal["SSM_RUN_COMMAND"] = "SSM_RUN_COMMAND"
    document_name: DocumentName
    parameters: SsmParameters = {}
    timeout_seconds: Annotated[int, Field(ge=30, le=172_800)] = 600


FunctionArn = Annotated[
    str,
    matching(
        r"^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:function:[A-Za-z0-9_-]{1,64}"
        r"(:[A-Za-z0-9_$-]{1,128})?$",
        "a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])",
    ),
]


class LambdaAction(ActionBase):
    """Invoke a Lambda function with a JSON payload (the function's own 15-minute limit applies)."""

    type: Literal["LAMBDA"] = "LAMBDA"
    function_arn: FunctionArn
    payload: dict[str, JsonValue] = {}
    timeout_seconds: Annotated[int, Field(ge=1, le=900)] = 300

    @field_validator("payload")
    @classmethod
    def _payload_is_small(cls, value: dict[str, JsonValue]) -> dict[str, JsonValue]:
        size = len(json.dumps(value, separators=(",", ":")).encode())
        if size > MAX_LAMBDA_PAYLOAD_BYTES:
            raise ValueError(f"payload is {size} bytes; at most {MAX_LAMBDA_PAYLOAD_BYTES} are allowed")
        return value


CognitoGroup = Annotated[str, matching(r"^[A-Za-z0-9 _+=,.@-]{1,128}$", "a user group name")]


class ApprovalAction(ActionBase):
    """Wait for an authenticated operator (of ``approverGroup`` when given) to approve; 7 days at most."""

    type: Literal["APPROVAL"] = "APPROVAL"
    message: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    approver_group: CognitoGroup | None = None
    timeout_seconds: Annotated[int, Field(ge=60, le=604_800)] = 86_400


class WaitAction(ActionBase):
    """Pause the wave for ``seconds`` (a day at most)."""

    type: Literal["WAIT"] = "WAIT"
    seconds: Annotated[int, Field(ge=1, le=86_400)]
    timeout_seconds: Annotated[int, Field(ge=1, le=86_400)] = 86_400

    @field_validator("timeout_seconds")
    @classmethod
    def _wait_fits_timeout(cls, timeout: int, info: ValidationInfo) -> int:
        seconds = info.data.get("seconds")
        if isinstance(seconds, int) and seconds > timeout:
            raise ValueError(f"is shorter than the wait itself (seconds = {seconds}); it could never finish")
        return timeout


Action = Annotated[
    SsmAutomationAction | SsmRunCommandAction | LambdaAction | ApprovalAction | WaitAction,
    Field(discriminator="type"),
]
