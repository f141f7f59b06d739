"""The simulated clock and the ISO-8601 formats DRS uses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from drs_simulator.clock import MANUAL_EPOCH, SimClock, iso, iso_duration, parse_iso


def test_a_manual_clock_moves_only_when_advanced() -> None:
    clock = SimClock("manual")
    assert clock.now() == MANUAL_EPOCH
    clock.advance(90.5)
    assert iso(clock.now()) == "2026-01-01T00:01:30.500Z"


def test_advance_notifies_listeners() -> None:
    clock = SimClock("manual")
    calls: list[datetime] = []
    clock.on_advance(lambda: calls.append(clock.now()))
    clock.advance(5)
    assert calls == [datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)]


def test_the_clock_refuses_to_go_backwards_or_scale_by_zero() -> None:
    with pytest.raises(ValueError, match="backwards"):
        SimClock("manual").advance(-1)
    with pytest.raises(ValueError, match="positive"):
        SimClock("scaled", 0)


def test_a_scaled_clock_converts_simulated_to_real_seconds() -> None:
    assert SimClock("scaled", 60).real_seconds(600) == 10
    assert SimClock("realtime", 60).time_scale == 1.0
    assert SimClock("manual").real_seconds(1) == float("inf")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "PT0S"), (59, "PT59S"), (600, "PT10M"), (3725, "PT1H2M5S"), (90000, "P1DT1H")],
)
def test_durations_are_iso_8601(seconds: int, text: str) -> None:
    assert iso_duration(seconds) == text


def test_timestamps_parse_with_z_or_offset() -> None:
    assert parse_iso("2026-01-01T00:00:00Z") == parse_iso("2026-01-01T01:00:00+01:00")
    assert parse_iso("2026-01-01T00:00:00").tzinfo is not None


def test_a_virtual_clock_starts_at_the_epoch_and_moves_only_when_advanced() -> None:
    clock = SimClock("virtual", 300)
    assert clock.now() == MANUAL_EPOCH
    assert not clock.advances_itself
    assert clock.real_seconds(10) == float("inf")
    clock.advance(30)
    assert iso(clock.now()) == "2026-01-01T00:00:30.000Z"


def test_only_real_and_scaled_clocks_advance_by_themselves() -> None:
    assert SimClock("realtime").advances_itself
    assert SimClock("scaled", 10).advances_itself
    assert not SimClock("manual").advances_itself
