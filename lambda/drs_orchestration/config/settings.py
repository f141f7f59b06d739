"""The API function's environment as one model; a missing or malformed variable fails loudly."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AnyHttpUrl, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApiSettings", "get_api_settings"]


class ApiSettings(BaseSettings):
    """Environment of the API function (names as the template sets them)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    aws_region: str = Field(min_length=1, validation_alias="AWS_REGION")
    protection_groups_table: str = Field(min_length=3, validation_alias="PROTECTION_GROUPS_TABLE")
    recovery_plans_table: str = Field(min_length=3, validation_alias="RECOVERY_PLANS_TABLE")
    executions_table: str = Field(min_length=3, validation_alias="EXECUTIONS_TABLE")
    accounts_table: str = Field(min_length=3, validation_alias="ACCOUNTS_TABLE")
    audit_table: str = Field(min_length=3, validation_alias="AUDIT_TABLE")
    home_account_id: str = Field(pattern=r"^\d{12}$", validation_alias="HOME_ACCOUNT_ID")
    """The account the API runs in: DRS calls for it use the function's own credentials."""
    drs_endpoint_url: AnyHttpUrl | None = Field(default=None, validation_alias="DRS_ENDPOINT_URL")
    """Endpoint override for DRS (the local simulator); unset on AWS."""
    aws_endpoint_url: AnyHttpUrl | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    """Endpoint override for every other AWS service (local AWS); unset on AWS."""
    state_machine_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:states:", validation_alias="STATE_MACHINE_ARN"
    )
    """The execution engine's state machine; without it starting or steering a run answers 503."""
    allowed_origin: str | None = Field(
        default=None, pattern=r"^https?://[^/\s]+$", validation_alias="ALLOWED_ORIGIN"
    )
    """The console's origin (``https://host``): every response names it for CORS."""
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, validation_alias="MAX_BODY_BYTES")
    role_session_name: str = Field(
        default="drs-orchestration", min_length=2, max_length=64, validation_alias="ROLE_SESSION_NAME"
    )


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    """Read and validate the environment once per container."""
    return ApiSettings()
