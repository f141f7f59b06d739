"""DRS error shapes as the service sends them (rest-json, ``x-amzn-ErrorType`` header)."""

from __future__ import annotations

from typing import Any

#: HTTP status of every DRS error shape (botocore's service model).
ERROR_STATUS: dict[str, int] = {
    "ValidationException": 400,
    "UninitializedAccountException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ConflictException": 409,
    "ServiceQuotaExceededException": 402,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}


class DrsError(Exception):
    """A modeled DRS error: its shape name, HTTP status, message and extra body members."""

    def __init__(
        self, error_type: str, message: str, *, retry_after: int | None = None, **members: Any
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.status = ERROR_STATUS[error_type]
        self.message = message
        self.retry_after = retry_after
        self.members = {key: value for key, value in members.items() if value is not None}

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.error_type, **self.members}


def validation(
    message: str, reason: str = "fieldValidationFailed", fields: list[dict[str, str]] | None = None
) -> DrsError:
    return DrsError("ValidationException", message, reason=reason, fieldList=fields or None)


def not_found(message: str, resource_id: str, resource_type: str) -> DrsError:
    return DrsError("ResourceNotFoundException", message, resourceId=resource_id, resourceType=resource_type)


def conflict(message: str, resource_id: str | None = None, resource_type: str | None = None) -> DrsError:
    return DrsError("ConflictException", message, resourceId=resource_id, resourceType=resource_type)


def quota_exceeded(message: str, quota_code: str, resource_type: str = "JOB") -> DrsError:
    return DrsError(
        "ServiceQuotaExceededException",
        message,
        serviceCode="drs",
        quotaCode=quota_code,
        resourceType=resource_type,
    )
