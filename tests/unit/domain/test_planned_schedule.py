"""The plan's schedule: each wave planned from its dependencies' planned ends, lasting its timeout."""

from __future__ import annotations

import pytest

from drs_orchestration.domain.graph import CycleError
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.planned_schedule import planned_schedule
from tests.unit.domain.builders import wave


def _windows(waves: list[Wave]) -> dict[str, tuple[int, int]]:
    return {wave_id: (w.start_minutes, w.end_minutes) for wave_id, w in planned_schedule(waves).items()}


def test_independent_waves_are_planned_from_the_start_when_nothing_links_them() -> None:
    # Given two waves without dependencies
    waves = [wave("db", timeout_minutes=30), wave("web", timeout_minutes=45)]
    # When / Then both start at minute 0 and last their timeout
    assert _windows(waves) == {"db": (0, 30), "web": (0, 45)}


def test_wave_starts_at_the_latest_dependency_end_when_branches_differ_in_length() -> None:
    # Given a diamond: db -> (app 20 min, cache 50 min) -> web
    waves = [
        wave("web", "app", "cache", timeout_minutes=10),
        wave("app", "db", timeout_minutes=20),
        wave("cache", "db", timeout_minutes=50),
        wave("db", timeout_minutes=30),
    ]
    # When / Then web waits for the longer branch (the critical path), listed order does not matter
    assert _windows(waves) == {"db": (0, 30), "app": (30, 50), "cache": (30, 80), "web": (80, 90)}


def test_default_timeout_is_the_budget_when_the_wave_names_none() -> None:
    assert _windows([wave("db"), wave("web", "db")]) == {"db": (0, 60), "web": (60, 120)}


def test_dependency_outside_the_waves_is_ignored_when_it_is_not_in_the_plan() -> None:
    assert _windows([wave("web", "gone", timeout_minutes=5)]) == {"web": (0, 5)}


def test_schedule_is_refused_when_waves_form_a_cycle() -> None:
    with pytest.raises(CycleError):
        planned_schedule([wave("a", "b"), wave("b", "a")])
