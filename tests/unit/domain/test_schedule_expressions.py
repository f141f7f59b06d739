"""EventBridge Scheduler expressions: parsing, next runs in a time zone, the shortest interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drs_orchestration.domain.schedule_expressions import (
    RateExpression,
    next_run,
    parse_expression,
    parse_timezone,
    shortest_interval,
)

BERLIN = parse_timezone("Europe/Berlin")
NEW_YORK = parse_timezone("America/New_York")
UTC_ZONE = parse_timezone("UTC")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def following(expression: str, zone: str, after: datetime, count: int = 1) -> list[datetime]:
    parsed, tz = parse_expression(expression), parse_timezone(zone)
    runs: list[datetime] = []
    moment = after
    for _ in range(count):
        found = next_run(parsed, tz, moment, after)
        assert found is not None
        runs.append(found)
        moment = found
    return runs


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 hour)", 3600), ("rate(2 hours)", 7200), ("rate(90 minutes)", 5400), ("rate(1 day)", 86400)],
)
def test_rate_is_parsed_into_seconds_when_well_formed(expression: str, seconds: int) -> None:
    assert parse_expression(expression) == RateExpression(seconds)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 hours)",
        "rate(1 hours)",
        "rate(2 hour)",
        "rate(1 week)",
        "cron(0 3 * * * *)",  # both day fields given
        "cron(0 3 ? * ? *)",  # neither
        "cron(0 3 ? * SAT)",  # five fields
        "cron(60 3 ? * SAT *)",
        "cron(0 24 ? * SAT *)",
        "cron(0 3 32 * ? *)",
        "cron(0 3 ? * 8 *)",
        "cron(0 3 ? FOO * *)",
        "cron(0 5-3 ? * * *)",
        "cron(0 3 ? * SAT#6 *)",
        "at(2027-01-01T00:00:00)",
        "",
    ],
)
def test_expression_is_refused_with_a_reason_when_malformed(expression: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_expression(expression)


def test_first_saturday_cron_runs_at_berlin_wall_time_when_summer_and_winter_differ() -> None:
    runs = following("cron(0 3 ? * SAT#1 *)", "Europe/Berlin", at(2026, 12, 5, 10, 0), count=7)

    # 03:00 in Berlin is 02:00 UTC in winter (CET) and 01:00 UTC in summer (CEST)
    assert runs[0] == at(2027, 1, 2, 2, 0)
    assert runs[1] == at(2027, 2, 6, 2, 0)
    assert runs[6] == at(2027, 7, 3, 1, 0)
    assert all(run.astimezone(BERLIN).hour == 3 for run in runs)
    assert all(run.astimezone(BERLIN).weekday() == 5 and run.astimezone(BERLIN).day <= 7 for run in runs)


def test_cron_run_later_today_is_found_when_asked_in_the_morning() -> None:
    assert following("cron(30 14 ? * * *)", "UTC", at(2026, 12, 5, 9, 0)) == [at(2026, 12, 5, 14, 30)]
    assert following("cron(30 14 ? * * *)", "UTC", at(2026, 12, 5, 14, 30)) == [at(2026, 12, 6, 14, 30)]


def test_lists_ranges_steps_and_names_select_their_times_when_combined() -> None:
    runs = following("cron(0/30 8-9 ? JAN MON-FRI 2027)", "UTC", at(2027, 1, 1, 0, 0), count=5)

    # 2027-01-01 is a Friday
    assert runs == [
        at(2027, 1, 1, 8, 0),
        at(2027, 1, 1, 8, 30),
        at(2027, 1, 1, 9, 0),
        at(2027, 1, 1, 9, 30),
        at(2027, 1, 4, 8, 0),
    ]


def test_last_day_and_last_weekday_and_nearest_weekday_when_used() -> None:
    assert following("cron(0 0 L * ? *)", "UTC", at(2027, 2, 1, 0, 0)) == [at(2027, 2, 28, 0, 0)]
    assert following("cron(0 0 L * ? *)", "UTC", at(2028, 2, 1, 0, 0)) == [at(2028, 2, 29, 0, 0)]
    # the last Friday of January 2027 is the 29th
    assert following("cron(0 0 ? * 6L *)", "UTC", at(2027, 1, 1, 0, 0)) == [at(2027, 1, 29, 0, 0)]
    # the 1st of May 2027 is a Saturday: its nearest weekday in the month is Monday the 3rd
    assert following("cron(0 0 1W * ? *)", "UTC", at(2027, 4, 30, 0, 0)) == [at(2027, 5, 3, 0, 0)]
    # the 15th of May 2027 is a Saturday: Friday the 14th
    assert following("cron(0 0 15W * ? *)", "UTC", at(2027, 5, 2, 0, 0)) == [at(2027, 5, 14, 0, 0)]


def test_local_time_skipped_by_daylight_saving_does_not_run_when_clocks_go_forward() -> None:
    # 02:30 does not exist in New York on 2027-03-14
    runs = following("cron(30 2 ? * * *)", "America/New_York", at(2027, 3, 13, 12, 0), count=2)

    assert runs == [at(2027, 3, 15, 6, 30), at(2027, 3, 16, 6, 30)]


def test_local_time_repeated_by_daylight_saving_runs_once_when_clocks_go_back() -> None:
    # 01:30 happens twice in New York on 2027-11-07: the first (EDT, 05:30 UTC) runs
    runs = following("cron(30 1 ? * * *)", "America/New_York", at(2027, 11, 6, 12, 0), count=2)

    assert runs == [at(2027, 11, 7, 5, 30), at(2027, 11, 8, 6, 30)]


def test_rate_counts_whole_periods_from_its_anchor_when_asked_later() -> None:
    anchor = at(2026, 12, 5, 10, 17)
    rate = parse_expression("rate(1 hour)")

    assert next_run(rate, UTC_ZONE, anchor, anchor) == at(2026, 12, 5, 11, 17)
    assert next_run(rate, UTC_ZONE, at(2026, 12, 5, 11, 17), anchor) == at(2026, 12, 5, 12, 17)
    assert next_run(rate, UTC_ZONE, at(2026, 12, 5, 13, 0), anchor) == at(2026, 12, 5, 13, 17)


def test_run_in_a_far_year_is_found_when_the_years_between_do_not_match() -> None:
    assert following("cron(0 3 1 1 ? 2099)", "Europe/Berlin", at(2026, 12, 5)) == [at(2099, 1, 1, 2, 0)]


def test_expression_that_never_runs_again_has_no_next_run_when_its_years_are_past() -> None:
    assert (
        next_run(parse_expression("cron(0 0 1 1 ? 2020)"), UTC_ZONE, at(2026, 1, 1), at(2026, 1, 1)) is None
    )


@pytest.mark.parametrize(
    ("expression", "shortest"),
    [
        ("rate(2 hours)", timedelta(hours=2)),
        # four weeks apart at the least, one hour less across the change to summer time
        ("cron(0 3 ? * SAT#1 *)", timedelta(days=28) - timedelta(hours=1)),
        ("cron(0,30 3 ? * MON *)", timedelta(minutes=30)),
        ("cron(0 0,1 ? * * *)", timedelta(hours=1)),
    ],
)
def test_shortest_interval_is_the_closest_two_runs_when_measured(
    expression: str, shortest: timedelta
) -> None:
    assert shortest_interval(parse_expression(expression), BERLIN, at(2026, 12, 5)) == shortest


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "", "Europe/"])
def test_unknown_time_zone_is_refused_when_named(name: str) -> None:
    with pytest.raises(ValueError, match="IANA"):
        parse_timezone(name)
