"""One settings model for every function: malformed values fail loudly at once, and a part of the
product that needs an unset variable names it when it is built."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from drs_orchestration.composition import api, engine, store
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import MissingSetting, Settings

VARIABLES = (
    "PROTECTION_GROUPS_TABLE",
    "RECOVERY_PLANS_TABLE",
    "EXECUTIONS_TABLE",
    "ACCOUNTS_TABLE",
    "AUDIT_TABLE",
    "HOME_ACCOUNT_ID",
    "DRS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL",
    "STATE_MACHINE_ARN",
    "MAX_BODY_BYTES",
    "HEALTH_CHECK_DOCUMENT",
)


class FixedClock:
    def now(self) -> datetime:
        return datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in VARIABLES:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    return monkeypatch


def test_settings_load_with_defaults_when_only_the_region_is_set(environment: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.aws_region == "us-east-1"
    assert settings.executions_table is None
    assert settings.drs_endpoint_url is None
    assert settings.state_machine_arn is None
    assert settings.max_body_bytes == 256 * 1024
    assert settings.poll_seconds == 30


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AWS_REGION", None),
        ("HOME_ACCOUNT_ID", "12"),
        ("DRS_ENDPOINT_URL", "not a url"),
        ("MAX_BODY_BYTES", "9"),
        ("EXECUTIONS_TABLE", "x"),
        ("STATE_MACHINE_ARN", "engine"),
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
        Settings()


@pytest.mark.parametrize(
    ("part", "variables"),
    [
        (store.executions, ["EXECUTIONS_TABLE"]),
        (engine.target_accounts, ["ACCOUNTS_TABLE", "HOME_ACCOUNT_ID"]),
        (api.api_parts, ["PROTECTION_GROUPS_TABLE", "RECOVERY_PLANS_TABLE", "AUDIT_TABLE"]),
    ],
)
def test_part_fails_naming_the_variables_when_they_are_not_set_and_it_is_built(
    environment: pytest.MonkeyPatch, part: object, variables: list[str]
) -> None:
    product = Product(Settings(), FixedClock())
    with pytest.raises(MissingSetting) as raised:
        product.get(part)  # type: ignore[arg-type]
    for variable in variables:
        assert variable in str(raised.value)


def test_part_that_needs_nothing_more_is_built_once_when_asked_twice(environment: pytest.MonkeyPatch) -> None:
    product = Product(Settings(), FixedClock())
    assert engine.engine_config(product) is engine.engine_config(product)
    assert engine.engine_config(product).health_check_document is None


def test_every_need_a_part_declares_is_a_settings_field_when_the_parts_are_loaded() -> None:
    for part in (store.executions, store.waker, engine.engine_ports, engine.drs_gateways, api.api_parts):
        assert set(part.all_needs) <= set(Settings.model_fields), part.name
    assert "executions_table" in engine.engine_ports.all_needs  # through the store it uses
