"""Typed domain errors. The API maps each class to HTTP once; nothing matches on message text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from drs_orchestration.domain.models.base import PATTERN_HINTS, CamelModel

__all__ = [
    "CommandRefused",
    "Conflict",
    "DomainError",
    "DrsLaunchRefused",
    "DrsRequestRefused",
    "FieldError",
    "Forbidden",
    "NotFound",
    "StaleVersion",
    "ValidationFailed",
    "describe_refusal",
    "field_errors_from_pydantic",
    "format_field_path",
]


class FieldError(CamelModel):
    """One thing wrong with the input: the field path (``waves[1].dependsOn[0].waveId``) and why."""

    name: str
    message: str


class DomainError(Exception):
    """Base of every domain error; ``code`` is the stable machine-readable identifier."""

    code: ClassVar[str] = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The named resource does not exist."""

    code: ClassVar[str] = "NOT_FOUND"

    def __init__(self, resource: str, resource_id: str, message: str | None = None) -> None:
        super().__init__(message or f"{resource} {resource_id} not found")
        self.resource = resource
        self.resource_id = resource_id


class Conflict(DomainError):
    """The request conflicts with the current state (duplicate, in use, already running, ...)."""

    code: ClassVar[str] = "CONFLICT"

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class StaleVersion(Conflict):
    """An optimistic-locking write used an old version; ``current_version`` is what is stored now."""

    code: ClassVar[str] = "STALE_VERSION"

    def __init__(
        self, resource: str, resource_id: str, *, expected_version: int, current_version: int
    ) -> None:
        super().__init__(
            f"{resource} {resource_id} is at version {current_version}, not {expected_version}; "
            "reload it and try again",
            current_version=current_version,
        )
        self.resource = resource
        self.resource_id = resource_id
        self.expected_version = expected_version


class ValidationFailed(DomainError):
    """The input is invalid; ``fields`` names every problem found, not only the first."""

    code: ClassVar[str] = "VALIDATION_FAILED"

    def __init__(self, fields: Sequence[FieldError], message: str | None = None) -> None:
        self.fields: list[FieldError] = list(fields)
        summary = "; ".join(f"{item.name}: {item.message}" for item in self.fields[:3])
        more = f" (+{len(self.fields) - 3} more)" if len(self.fields) > 3 else ""
        super().__init__(message or f"invalid input: {summary}{more}")

    @classmethod
    def from_pydantic(cls, error: ValidationError, prefix: str = "") -> ValidationFailed:
        return cls(field_errors_from_pydantic(error, prefix))


class Forbidden(DomainError):
    """The caller is authenticated but not allowed to do this."""

    code: ClassVar[str] = "FORBIDDEN"


class DrsLaunchRefused(DomainError):
    """DRS refused a StartRecovery for want of room: a quota of the account and Region was full
    (``ServiceQuotaExceededException``) or a server was already in an active job (``ConflictException``),
    e.g. because someone launched outside this product in the same second. No job was created, so the
    same servers may be launched later."""

    code: ClassVar[str] = "DRS_LAUNCH_REFUSED"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        """DRS's error code (``ServiceQuotaExceededException`` or ``ConflictException``)."""


class DrsRequestRefused(DomainError):
    """DRS refused a request about one resource (``ConflictException``, ``ResourceNotFoundException``,
    ``ValidationException``, ``AccessDeniedException``): e.g. a ReverseReplication of a recovery
    instance that cannot reverse. Nothing was changed."""

    code: ClassVar[str] = "DRS_REQUEST_REFUSED"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        """DRS's error code."""


class CommandRefused(DomainError):
    """SSM refused to run a command (SendCommand, or making the health-check copy it needs): no command
    was created. ``InvalidInstanceId`` is what SSM answers while an instance's agent has not registered
    yet (minutes after a recovery instance boots), so that one may pass by itself; others
    (``AccessDeniedException`` from an older role, ``InvalidDocument``, ...) need someone to act.
    Throttling and server errors are not refusals: they stay botocore's to retry."""

    code: ClassVar[str] = "SSM_COMMAND_REFUSED"
    INSTANCE_NOT_READY: ClassVar[str] = "InvalidInstanceId"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        """SSM's error code (``InvalidInstanceId``, ``AccessDeniedException``, ...)."""

    @property
    def instance_not_ready(self) -> bool:
        """An instance named is not (yet) a managed node SSM can reach: its agent may register later."""
        return self.reason == self.INSTANCE_NOT_READY

    def describe(self) -> str:
        return describe_refusal(self.reason, self.message)


def describe_refusal(reason: str, message: str) -> str:
    """How a refusal reads in a reason: ``SSM refused the command (InvalidInstanceId: ...)``."""
    detail = f"{reason}: {message}" if message and message != reason else reason
    return f"SSM refused the command ({detail})"


# Tags of discriminated unions appear in pydantic error locations; they are not field names.
_UNION_TAGS = frozenset({"SSM_AUTOMATION", "SSM_RUN_COMMAND", "LAMBDA", "APPROVAL", "WAIT"})


def format_field_path(loc: Iterable[int | str], prefix: str = "") -> str:
    """``("waves", 1, "dependsOn", 0, "waveId")`` -> ``waves[1].dependsOn[0].waveId``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _UNION_TAGS or part == "[key]" or part.startswith(("function-", "json-or-python")):
            continue
        else:
            path = f"{path}.{part}" if path else part
    return path or "body"


def field_errors_from_pydantic(error: ValidationError, prefix: str = "") -> list[FieldError]:
    """Every problem pydantic found, named by field path with camelCase names."""
    return [
        FieldError(name=format_field_path(item["loc"], prefix), message=_message(item))
        for item in error.errors(include_url=False)
    ]


def _message(item: ErrorDetails) -> str:
    if item["type"] == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(str(item.get("ctx", {}).get("pattern")))
        if hint:
            return f"must be {hint}"
    return item["msg"].removeprefix("Value error, ")
