"""EventBridge Scheduler's recurring expressions (pure): parse ``rate(...)`` and ``cron(...)``, and
compute when a schedule next runs in its time zone.

``rate(N minute|minutes|hour|hours|day|days)`` runs every N units from the moment the schedule was set
(its anchor). ``cron(minutes hours day-of-month month day-of-week year)`` has Scheduler's six fields:
``, - * /`` everywhere, ``?`` in one of the two day fields (exactly one of them), ``L`` and ``W`` in
day-of-month, ``L`` and ``#`` in day-of-week (1 = SUN ... 7 = SAT, or SUN-SAT), months 1-12 or JAN-DEC,
years 1970-2199. The wall-clock fields are read in the schedule's time zone: a local time that a
daylight-saving change skips does not run, and one it repeats runs once (its first occurrence).
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CronExpression",
    "RateExpression",
    "ScheduleExpression",
    "next_run",
    "parse_expression",
    "parse_timezone",
    "shortest_interval",
]

_RATE = re.compile(r"^rate\((\d{1,6}) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\(([^()]*)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_SEARCH_DAYS = 366 * 8
"""How far ahead a next run is looked for (a leap-day-only schedule runs at least every eight years)."""


@dataclass(frozen=True)
class RateExpression:
    seconds: int


@dataclass(frozen=True)
class _DayOfMonth:
    days: frozenset[int]
    last: bool = False
    weekday_near: int | None = None
    """``nW``: the weekday (MON-FRI) nearest day n, within the month."""
    any: bool = False

    def matches(self, day: date) -> bool:
        length = calendar.monthrange(day.year, day.month)[1]
        if self.any:
            return True
        if self.last:
            return day.day == length
        if self.weekday_near is not None:
            return day.day == _nearest_weekday(day.year, day.month, self.weekday_near, length)
        return day.day in self.days


@dataclass(frozen=True)
class _DayOfWeek:
    days: frozenset[int]
    """1 = Sunday ... 7 = Saturday."""
    nth: int | None = None
    last: bool = False
    any: bool = False

    def matches(self, day: date) -> bool:
        if self.any:
            return True
        weekday = day.isoweekday() % 7 + 1
        if weekday not in self.days:
            return False
        if self.nth is not None:
            return (day.day - 1) // 7 + 1 == self.nth
        if self.last:
            return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
        return True


@dataclass(frozen=True)
class CronExpression:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    day_of_month: _DayOfMonth
    months: frozenset[int]
    day_of_week: _DayOfWeek
    years: frozenset[int]

    def runs_on(self, day: date) -> bool:
        return (
            day.year in self.years
            and day.month in self.months
            and self.day_of_month.matches(day)
            and self.day_of_week.matches(day)
        )


ScheduleExpression = RateExpression | CronExpression


def _nearest_weekday(year: int, month: int, day: int, length: int) -> int:
    day = min(day, length)
    weekday = date(year, month, day).weekday()  # Monday = 0
    if weekday == 5:
        return day - 1 if day > 1 else day + 2
    if weekday == 6:
        return day + 1 if day < length else day - 2
    return day


def _number(token: str, low: int, high: int, names: dict[str, int] | None, field: str) -> int:
    value = (names or {}).get(token.upper()) if not token.isdigit() else int(token)
    if value is None or not low <= value <= high:
        raise ValueError(f"{field}: {token!r} is not a value from {low} to {high}")
    return value


def _values(
    text: str, low: int, high: int, field: str, names: dict[str, int] | None = None
) -> frozenset[int]:
    """``*``, ``a``, ``a-b``, ``*/n``, ``a/n``, ``a-b/n`` and comma-separated lists of them."""
    found: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = _number(step_text, 1, high, None, field) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, low, high, names, field), _number(last, low, high, names, field)
            if end < start:
                raise ValueError(f"{field}: the range {base!r} runs backwards")
        else:
            start = _number(base, low, high, names, field)
            end = high if step_text else start
        found.update(range(start, end + 1, step))
    return frozenset(found)


def _day_of_month(text: str) -> _DayOfMonth:
    if text == "?":
        return _DayOfMonth(frozenset(), any=True)
    if text == "L":
        return _DayOfMonth(frozenset(), last=True)
    if text.endswith("W"):
        return _DayOfMonth(frozenset(), weekday_near=_number(text[:-1], 1, 31, None, "day-of-month"))
    return _DayOfMonth(_values(text, 1, 31, "day-of-month"))


def _day_of_week(text: str) -> _DayOfWeek:
    if text == "?":
        return _DayOfWeek(frozenset(), any=True)
    if "#" in text:
        day, _, nth = text.partition("#")
        return _DayOfWeek(
            frozenset({_number(day, 1, 7, _DAYS, "day-of-week")}), nth=_number(nth, 1, 5, None, "day-of-week")
        )
    if text.endswith("L") and len(text) > 1:
        return _DayOfWeek(frozenset({_number(text[:-1], 1, 7, _DAYS, "day-of-week")}), last=True)
    return _DayOfWeek(_values(text, 1, 7, "day-of-week", _DAYS))


def _cron(fields: list[str]) -> CronExpression:
    if len(fields) != 6:
        raise ValueError(
            "cron(...) takes six fields: minutes hours day-of-month month day-of-week year"
            f" ({len(fields)} given)"
        )
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ValueError("exactly one of day-of-month and day-of-week must be '?'")
    return CronExpression(
        minutes=tuple(sorted(_values(minutes, 0, 59, "minutes"))),
        hours=tuple(sorted(_values(hours, 0, 23, "hours"))),
        day_of_month=_day_of_month(dom),
        months=_values(month, 1, 12, "month", _MONTHS),
        day_of_week=_day_of_week(dow),
        years=_values(year, 1970, 2199, "year"),
    )


@lru_cache(maxsize=256)
def parse_expression(expression: str) -> ScheduleExpression:
    """The expression's meaning; ``ValueError`` saying what is wrong with it."""
    rate = _RATE.match(expression)
    if rate is not None:
        value, unit = int(rate.group(1)), rate.group(2)
        if value == 0:
            raise ValueError("a rate must be at least 1")
        if (value == 1) != (not unit.endswith("s")):
            raise ValueError(
                f"write rate({value} {unit.rstrip('s') if value == 1 else unit.rstrip('s') + 's'})"
            )
        return RateExpression(value * _UNIT_SECONDS[unit.rstrip("s")])
    cron = _CRON.match(expression)
    if cron is not None:
        return _cron(cron.group(1).split())
    raise ValueError(
        "must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year)"
    )


def parse_timezone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (such as ``Europe/Berlin``); ``ValueError`` when there is none."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", name):
        raise ValueError(f"{name!r} is not an IANA time zone name such as Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone name such as Europe/Berlin") from error


def _local_instant(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime | None:
    """The instant of a wall-clock time in ``zone``; ``None`` when that time does not exist there."""
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _next_cron(cron: CronExpression, zone: ZoneInfo, after: datetime) -> datetime | None:
    day = after.astimezone(zone).date() - timedelta(days=1)  # a run late today may still come
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if day.year not in cron.years:
            later = [year for year in cron.years if year > day.year]
            if not later:
                return None
            day = date(min(later), 1, 1) - timedelta(days=1)  # the loop steps onto 1 January
            continue
        if not cron.runs_on(day):
            continue
        for hour in cron.hours:
            for minute in cron.minutes:
                instant = _local_instant(day, hour, minute, zone)
                if instant is not None and instant > after:
                    return instant
    return None


def next_run(
    expression: ScheduleExpression, zone: ZoneInfo, after: datetime, anchor: datetime
) -> datetime | None:
    """The first run strictly after ``after``: for a rate, ``anchor`` plus a whole number of periods
    (at least one); for a cron, the next matching wall-clock minute in ``zone``. ``None``: never again."""
    if isinstance(expression, RateExpression):
        period = timedelta(seconds=expression.seconds)
        periods = max(1, (after - anchor) // period + 1)
        return anchor + periods * period
    return _next_cron(expression, zone, after)


def shortest_interval(
    expression: ScheduleExpression, zone: ZoneInfo, start: datetime, runs: int = 60
) -> timedelta | None:
    """The shortest time between two of the next ``runs`` runs after ``start`` (``None``: fewer than two)."""
    if isinstance(expression, RateExpression):
        return timedelta(seconds=expression.seconds)
    times: list[datetime] = []
    moment: datetime | None = start
    while moment is not None and len(times) < runs:
        moment = _next_cron(expression, zone, moment)
        if moment is not None:
            times.append(moment)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return min(gaps, default=None)
