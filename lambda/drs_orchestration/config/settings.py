"""Every function's environment as one model, validated at cold start; a malformed variable fails loudly.

The variable names are the ones the templates set. Only the Region is needed by every function: the
other fields are optional here, and the part of the product that needs one names the missing variable
when it is built (:meth:`Settings.required`), so a function is configured with what it uses and no more.
"""

from __future__ import annotations

from pydantic import AnyHttpUrl, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MissingSetting", "Settings"]


class MissingSetting(RuntimeError):
    """A part of the product needs a variable the function's environment does not set."""


class Settings(BaseSettings):
    """The product's settings (names as the templates set them)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    aws_region: str = Field(min_length=1, validation_alias="AWS_REGION")
    protection_groups_table: str | None = Field(
        default=None, min_length=3, validation_alias="PROTECTION_GROUPS_TABLE"
    )
    recovery_plans_table: str | None = Field(
        default=None, min_length=3, validation_alias="RECOVERY_PLANS_TABLE"
    )
    executions_table: str | None = Field(default=None, min_length=3, validation_alias="EXECUTIONS_TABLE")
    accounts_table: str | None = Field(default=None, min_length=3, validation_alias="ACCOUNTS_TABLE")
    audit_table: str | None = Field(default=None, min_length=3, validation_alias="AUDIT_TABLE")
    readiness_checks_table: str | None = Field(
        default=None, min_length=3, validation_alias="READINESS_CHECKS_TABLE"
    )
    readiness_worker_function: str | None = Field(
        default=None, min_length=1, validation_alias="READINESS_WORKER_FUNCTION"
    )
    """The function that checks large plans' readiness; without it such a check answers 503."""
    readiness_scan_function: str | None = Field(
        default=None, min_length=1, validation_alias="READINESS_SCAN_FUNCTION"
    )
    """The function that scans the account-wide readiness (``POST /readiness/scans`` answers 503 without)."""
    readiness_stale_drill_days: int = Field(
        default=30, ge=1, le=3650, validation_alias="READINESS_STALE_DRILL_DAYS"
    )
    """A plan with no successful drill within this many days is reported (STALE_DRILL)."""
    readiness_lag_threshold_seconds: int = Field(
        default=300, ge=1, le=604800, validation_alias="READINESS_LAG_THRESHOLD_SECONDS"
    )
    """A protected server whose replication lags more than this is reported (REPLICATION_UNHEALTHY)."""
    home_account_id: str | None = Field(default=None, pattern=r"^\d{12}$", validation_alias="HOME_ACCOUNT_ID")
    """The account the product runs in: DRS calls for it use the function's own credentials."""
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
    """The console's origin (``https://host``): every API response names it for CORS."""
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, validation_alias="MAX_BODY_BYTES")
    role_session_name: str = Field(
        default="drs-orchestration", min_length=2, max_length=64, validation_alias="ROLE_SESSION_NAME"
    )
    reports_bucket: str | None = Field(default=None, min_length=3, validation_alias="REPORTS_BUCKET")
    """Where report exports too large to answer inline are written (behind presigned links)."""
    evidence_bucket: str | None = Field(default=None, min_length=3, validation_alias="EVIDENCE_BUCKET")
    """Where evidence packs are kept (versioned; Object Lock when the stack turns it on)."""
    schedule_group: str | None = Field(default=None, min_length=1, validation_alias="SCHEDULE_GROUP")
    """The EventBridge Scheduler group drill schedules are created in; without it they answer 503."""
    scheduled_drill_function_arn: str | None = Field(
        default=None, min_length=1, validation_alias="SCHEDULED_DRILL_FUNCTION_ARN"
    )
    scheduler_role_arn: str | None = Field(default=None, min_length=1, validation_alias="SCHEDULER_ROLE_ARN")
    """The role EventBridge Scheduler invokes the scheduled-drill function with."""
    notifications_topic_arn: str | None = Field(default=None, validation_alias="NOTIFICATIONS_TOPIC_ARN")
    event_bus_name: str | None = Field(default=None, validation_alias="EVENT_BUS_NAME")
    console_url: str | None = Field(default=None, validation_alias="CONSOLE_URL")
    health_check_document: str | None = Field(default=None, validation_alias="HEALTH_CHECK_DOCUMENT")
    poll_seconds: int = Field(default=30, ge=1, le=300, validation_alias="ENGINE_POLL_SECONDS")
    gate_poll_seconds: int = Field(default=10, ge=1, le=300, validation_alias="ENGINE_GATE_POLL_SECONDS")
    max_wait_seconds: int = Field(default=300, ge=5, le=3600, validation_alias="ENGINE_MAX_WAIT_SECONDS")
    # at most 1,500 ticks (about 19,500 history events) an execution: see EngineConfig.handover_ticks
    handover_ticks: int = Field(default=750, ge=2, le=1500, validation_alias="ENGINE_HANDOVER_TICKS")

    @property
    def aws_endpoint(self) -> str | None:
        return str(self.aws_endpoint_url) if self.aws_endpoint_url else None

    @property
    def drs_endpoint(self) -> str | None:
        return str(self.drs_endpoint_url) if self.drs_endpoint_url else None

    def required(self, name: str, part: str) -> str:
        """The value of field ``name``; ``MissingSetting`` naming its variable when it is not set."""
        self.check((name,), part)
        return str(getattr(self, name))

    def check(self, names: tuple[str, ...], part: str) -> None:
        """``MissingSetting`` naming every variable of ``names`` that is not set."""
        missing = [variable(name) for name in names if getattr(self, name) is None]
        if missing:
            raise MissingSetting(f"{', '.join(missing)} not set: {part} needs it")


def variable(name: str) -> str:
    """The environment variable of settings field ``name``."""
    alias = Settings.model_fields[name].validation_alias
    return str(alias) if alias else name.upper()
