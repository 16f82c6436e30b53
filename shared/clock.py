"""Clocks. The moment an event is registered is kept apart from business dates
(dagtekening, exam date), which come from the command; tests control both."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        # Legal periods run on Dutch calendar days, not UTC days.
        return self.now().astimezone(AMSTERDAM).date()


class FrozenClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._now = now

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.astimezone(AMSTERDAM).date()

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta

    def set(self, now: dt.datetime) -> None:
        self._now = now


_current: Clock = SystemClock()


def current_clock() -> Clock:
    """The process's clock. Event registration times and 'today' in rules come from it."""
    return _current


def set_clock(clock: Clock) -> Clock:
    """Replace the process's clock (composition root or test); returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous
