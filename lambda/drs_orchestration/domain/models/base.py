"""Shared model configuration and constrained types.

Every model speaks camelCase on the wire (``alias_generator=to_camel``), accepts snake_case names
in Python (``populate_by_name``), dumps camelCase by default and rejects unknown fields.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "AccountId",
    "CamelModel",
    "Description",
    "DocumentName",
    "ExecutionId",
    "Name",
    "ProtectionGroupId",
    "RecoveryPlanId",
    "Region",
    "SourceServerId",
    "SsmParameters",
    "Stamped",
    "Timestamp",
    "Version",
    "WaveId",
]


class CamelModel(BaseModel):
    """Base of every domain model: camelCase JSON, snake_case Python, unknown fields rejected."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
        extra="forbid",
        defer_build=True,
    )

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON object (camelCase keys, ISO-8601 ``Z`` timestamps)."""
        return self.model_dump(mode="json")


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Timestamp = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC (dumps as ``…Z``)."""

Version = Annotated[int, Field(ge=1)]


class Stamped(CamelModel):
    """What every stored, versioned record carries: its version, and who changed it when."""

    version: Version = 1
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str


PATTERN_HINTS: dict[str, str] = {}
"""Regular expression -> what a matching value looks like, for error messages people can act on."""


def matching(regex: str, hint: str, **constraints: Any) -> StringConstraints:
    """String constraints with ``regex``; a mismatch is reported as ``must be <hint>``."""
    PATTERN_HINTS[regex] = hint
    return StringConstraints(pattern=regex, **constraints)


AccountId = Annotated[str, matching(r"^\d{12}$", "a 12-digit AWS account id")]
Region = Annotated[
    str, matching(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", "an AWS region such as us-east-1", max_length=32)
]
SourceServerId = Annotated[
    str, matching(r"^s-[0-9a-zA-Z]{17}$", "a DRS source server id: s- and 17 letters or digits")
]
ProtectionGroupId = Annotated[
    str, matching(r"^pg-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", "a protection group id (pg-…)")
]
RecoveryPlanId = Annotated[str, matching(r"^rp-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", "a recovery plan id (rp-…)")]
ExecutionId = Annotated[str, matching(r"^ex-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", "an execution id (ex-…)")]
WaveId = Annotated[
    str,
    matching(
        r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
        "a slug of at most 64 lower-case letters, digits and inner hyphens",
    ),
]
"""A wave id is a slug: lower-case letters, digits and inner hyphens, at most 64 characters."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Description = Annotated[str, StringConstraints(max_length=1024)]
DocumentName = Annotated[
    str,
    matching(
        r"^(arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d{0,12}:document/)?[A-Za-z0-9_.\-]{3,128}$",
        "an SSM document name (3-128 of A-Z a-z 0-9 _ . -) or its ARN",
    ),
]
"""An SSM document name (or its ARN)."""


def _listify(value: object) -> object:
    """SSM parameters are lists of strings; a lone string is accepted as a one-element list."""
    if isinstance(value, dict):
        return {key: [item] if isinstance(item, str) else item for key, item in value.items()}
    return value


SsmParameterName = Annotated[
    str, matching(r"^[A-Za-z0-9_.-]{1,64}$", "a parameter name of letters, digits, _ . -")
]
SsmParameters = Annotated[
    dict[SsmParameterName, list[Annotated[str, StringConstraints(max_length=4096)]]],
    BeforeValidator(_listify),
    Field(max_length=50),
]
"""SSM document parameters: ``{"Name": ["value", ...]}`` (a plain string is taken as one value)."""
