"""The API's settings are validated as a whole; a missing or malformed variable fails loudly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from drs_orchestration.config.settings import ApiSettings

VALID = {
    "AWS_REGION": "us-east-1",
    "PROTECTION_GROUPS_TABLE": "groups",
    "RECOVERY_PLANS_TABLE": "plans",
    "EXECUTIONS_TABLE": "executions",
    "ACCOUNTS_TABLE": "accounts",
    "AUDIT_TABLE": "audit",
    "HOME_ACCOUNT_ID": "111122223333",
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in (*VALID, "DRS_ENDPOINT_URL", "AWS_ENDPOINT_URL", "STATE_MACHINE_ARN", "MAX_BODY_BYTES"):
        monkeypatch.delenv(key, raising=False)
    for key, value in VALID.items():
        monkeypatch.setenv(key, value)
    return monkeypatch


def test_settings_load_with_defaults_when_every_required_variable_is_set(
    environment: pytest.MonkeyPatch,
) -> None:
    settings = ApiSettings()
    assert settings.executions_table == "executions"
    assert settings.drs_endpoint_url is None
    assert settings.state_machine_arn is None
    assert settings.max_body_bytes == 256 * 1024


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HOME_ACCOUNT_ID", None),
        ("HOME_ACCOUNT_ID", "12"),
        ("DRS_ENDPOINT_URL", "not a url"),
        ("MAX_BODY_BYTES", "9"),
    ],
)
def test_settings_fail_naming_the_variable_when_it_is_missing_or_malformed(
    environment: pytest.MonkeyPatch, variable: str, value: str | None
) -> None:
    if value is None:
        environment.delenv(variable)
    else:
        environment.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable):
        ApiSettings()
