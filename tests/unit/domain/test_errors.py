"""Typed errors carry what the API needs; field paths read like the JSON they point into."""

from __future__ import annotations

import pytest

from drs_orchestration.domain.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    StaleVersion,
    ValidationFailed,
    format_field_path,
)


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("waves", 1, "dependsOn", 0, "waveId"), "waves[1].dependsOn[0].waveId"),
        (("waves", 0, "postActions", 2, "LAMBDA", "functionArn"), "waves[0].postActions[2].functionArn"),
        (("tagSelector", "Tier", "[key]"), "tagSelector.Tier"),
        ((), "body"),
    ],
)
def test_field_path_reads_like_json_when_formatted(loc: tuple[int | str, ...], path: str) -> None:
    assert format_field_path(loc) == path


def test_stale_version_is_a_conflict_that_carries_the_current_version() -> None:
    error = StaleVersion("recovery plan", "rp-1", expected_version=2, current_version=5)
    assert isinstance(error, Conflict)
    assert (error.code, error.current_version, error.expected_version) == ("STALE_VERSION", 5, 2)
    assert "version 5" in error.message


def test_validation_failed_keeps_every_field_and_summarises_them() -> None:
    fields = [FieldError(name=f"waves[{n}].id", message="bad") for n in range(5)]
    error = ValidationFailed(fields)
    assert error.fields == fields
    assert error.message.endswith("(+2 more)")
    assert fields[0].to_json() == {"name": "waves[0].id", "message": "bad"}


def test_each_error_has_its_own_stable_code() -> None:
    errors: list[DomainError] = [
        NotFound("plan", "rp-1"),
        Conflict("busy"),
        ValidationFailed([]),
        Forbidden("no"),
    ]
    assert [e.code for e in errors] == ["NOT_FOUND", "CONFLICT", "VALIDATION_FAILED", "FORBIDDEN"]
    assert str(errors[0]) == "plan rp-1 not found"
