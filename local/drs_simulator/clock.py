"""The simulated clock: real time, scaled time (``time_scale``), manual advance only, or virtual time.

A ``virtual`` clock moves only when advanced, like a manual one; the local runtime's driver
(``drs_local.virtual_time.VirtualTime``) advances it whenever every participant waits for time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

ClockMode = Literal["realtime", "scaled", "manual", "virtual"]

#: Where a manual or virtual clock starts unless told otherwise (fixed, so runs are reproducible).
MANUAL_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class SimClock:
    """Simulated time. ``now()`` = start + real elapsed x scale (0 in manual and virtual modes) + advances.

    ``advance(seconds)`` works in every mode; listeners run after each advance (the simulator uses
    this to process what became due and deliver the events it produced).
    """

    def __init__(
        self, mode: ClockMode = "realtime", time_scale: float = 1.0, start: datetime | None = None
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.mode: ClockMode = mode
        self.time_scale = 1.0 if mode == "realtime" else time_scale
        if start is None:
            start = datetime.now(UTC).replace(microsecond=0) if self.advances_itself else MANUAL_EPOCH
        self._start = start
        self._mono0 = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    @property
    def advances_itself(self) -> bool:
        """Whether time passes without :meth:`advance` (real and scaled clocks)."""
        return self.mode in ("realtime", "scaled")

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed())

    def _elapsed(self) -> float:
        real = (time.monotonic() - self._mono0) * self.time_scale if self.advances_itself else 0.0
        return real + self._offset

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock cannot go backwards")
        with self._lock:
            self._offset += seconds
        for listener in list(self._listeners):
            listener()
        return self.now()

    def real_seconds(self, simulated_seconds: float) -> float:
        """How long ``simulated_seconds`` take in real time (infinite for a manual or virtual clock)."""
        return simulated_seconds / self.time_scale if self.advances_itself else float("inf")

    def on_advance(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def describe(self) -> dict[str, object]:
        return {"now": iso(self.now()), "mode": self.mode, "timeScale": self.time_scale}


def iso(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds, as DRS sends timestamps."""
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (``Z`` or offset); raises ValueError when it is not one."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso_duration(seconds: float) -> str:
    """ISO-8601 duration (``PT1H5M12S``) as DRS sends lag and elapsed replication time."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "") + "T"
    out += (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + (f"{secs}S" if secs or out.endswith("T") else "")
