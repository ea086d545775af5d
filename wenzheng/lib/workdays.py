"""Working-time arithmetic on the Chinese statutory calendar.

Response deadlines for citizen messages are set in working days ("自受理之日起
N 个工作日内") or in office hours. This module works out those deadlines
and measures elapsed office time. It is plain Python with no Django imports,
so models, services and management commands can all use it.

Calendar
    A date is a working day if the organisation's ``overrides`` say so.
    Otherwise the statutory calendar decides (``chinese_calendar.is_workday``),
    which knows about public holidays and about the weekends that become
    working days to make up for them (调休). For years the package does not
    cover (it raises ``NotImplementedError``), Monday to Friday are working
    days. Upgrade ``chinesecalendar`` each year once the State Council
    publishes the next year's schedule, otherwise that year's holidays count
    as working days.

Time zones
    Every datetime argument must be timezone-aware, or ``ValueError`` is
    raised. Datetimes are converted to ``WorkingCalendar.tz`` before any
    calendar reasoning, so "the day of start" means the local date in ``tz``,
    and every result is an aware datetime in ``tz``. Office periods are
    wall-clock times in ``tz``.

``add_working_days(start, n)``
    The day of ``start`` is not counted. The deadline is the end of the last
    office period (17:30 by default) of the n-th working day strictly after
    start's local date. ``n == 0`` means "the same day": the end of start's
    local date if that is a working day and start is before the end of its
    last period, otherwise the end of the next working day.

``add_working_hours(start, minutes)``
    Consumes ``minutes`` of office time, walking forward through the office
    periods of working days only. If start is outside office hours, counting
    begins at the next period start. ``minutes == 0`` returns start clamped
    forward to the next office moment, or start itself if it is inside a
    period. Periods are half-open, so a start exactly at a period end is
    clamped to the next period start. A deadline that falls exactly on a
    period end stays there and does not roll over to the next period start.

``working_minutes_between(a, b)``
    Office minutes (within periods on working days) in ``[a, b)``, and 0 if
    ``b <= a``. The total seconds are added up first and then floored to
    whole minutes.

``working_days_late(due, done)``
    0 if ``done <= due``. Otherwise the number of working days after due's
    local date, up to and including done's local date, and at least 1 (being
    late on the due date itself counts as one day).

A negative ``days`` or ``minutes`` raises ``ValueError``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = ["DEFAULT_CALENDAR", "WorkingCalendar", "statutory_is_workday"]

_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_SHANGHAI = ZoneInfo("Asia/Shanghai")

# Overrides are an arbitrary Mapping, so in theory one could mark every
# future day as non-working. The longest real run of non-working days is
# about nine days, so a ten-year scan means the configuration is broken and
# should fail loudly instead of hanging a request.
_MAX_SCAN_DAYS = 3660


@functools.lru_cache(maxsize=16384)
def statutory_is_workday(d: date) -> bool:
    """Return whether ``d`` is a statutory working day (Mon–Fri for years chinese_calendar does not cover)."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


@dataclass(frozen=True)
class WorkingCalendar:
    """An organisation's working calendar: the statutory calendar plus local overrides and office hours."""

    # Left out of the hash because mappings are not hashable. Equal
    # calendars still hash equally, which is all that __hash__ requires.
    overrides: Mapping[date, bool] = field(default_factory=dict, hash=False)
    periods: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
    tz: ZoneInfo = _SHANGHAI

    def __post_init__(self) -> None:
        # A read-only copy means that later changes to the caller's dict
        # cannot move deadlines that were already computed.
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        periods = tuple((start, end) for start, end in self.periods)
        if not periods:
            raise ValueError("a working calendar needs at least one office period")
        previous_end: time | None = None
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("office periods are wall-clock times in tz and must be naive")
            if not start < end:
                raise ValueError(f"office period {start}-{end} must end after it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("office periods must be sorted and non-overlapping")
            previous_end = end
        object.__setattr__(self, "periods", periods)

    # -- calendar ---------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """Return whether ``d`` is a working day (an override wins over the statutory calendar)."""
        d = self._as_date(d)
        override = self.overrides.get(d)
        if override is not None:
            return bool(override)
        return statutory_is_workday(d)

    def next_workday(self, d: date) -> date:
        """Return the first working day strictly after ``d``."""
        candidate = self._as_date(d)
        for _ in range(_MAX_SCAN_DAYS):
            candidate += _ONE_DAY
            if self.is_workday(candidate):
                return candidate
        raise RuntimeError(f"no working day within {_MAX_SCAN_DAYS} days after {d}; check the overrides")

    # -- deadlines --------------------------------------------------------

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Return the end of office hours on the ``days``-th working day after ``start``'s local date."""
        local = self._to_local(start, "start")
        if days < 0:
            raise ValueError("days must not be negative")
        day = local.date()
        if days == 0:
            if self.is_workday(day) and local.time() < self._day_end:
                return self._at(day, self._day_end)
            return self._at(self.next_workday(day), self._day_end)
        for _ in range(days):
            day = self.next_workday(day)
        return self._at(day, self._day_end)

    def add_working_hours(self, start: datetime, minutes: int) -> datetime:
        """Return the moment when ``minutes`` of office time have passed after ``start``."""
        local = self._to_local(start, "start")
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        remaining = timedelta(minutes=minutes)
        day = local.date()
        # Only the first day is entered part-way through; every later day
        # is entered at midnight.
        cursor: datetime | None = local
        if not self.is_workday(day):
            day, cursor = self.next_workday(day), None
        while True:
            for period_start, period_end in self.periods:
                begin = self._at(day, period_start)
                end = self._at(day, period_end)
                if cursor is not None:
                    if cursor >= end:
                        continue
                    begin = max(begin, cursor)
                available = end - begin
                # "<=" rather than "<" so that a deadline exactly at a period
                # end stays at the period end and does not jump to the next
                # period start.
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day, cursor = self.next_workday(day), None

    # -- measurements -----------------------------------------------------

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Return the whole office minutes in ``[a, b)``, or 0 if ``b <= a``."""
        a_local = self._to_local(a, "a")
        b_local = self._to_local(b, "b")
        if b_local <= a_local:
            return 0
        total = timedelta()
        day = a_local.date()
        last_day = b_local.date()
        while day <= last_day:
            if self.is_workday(day):
                for period_start, period_end in self.periods:
                    begin = max(self._at(day, period_start), a_local)
                    end = min(self._at(day, period_end), b_local)
                    if end > begin:
                        total += end - begin
            day += _ONE_DAY
        # Floor the total rather than each period so that partial minutes on
        # both sides of a break add up.
        return total // _ONE_MINUTE

    def working_days_late(self, due: datetime, done: datetime) -> int:
        """Return how many working days ``done`` is after ``due``: 0 if on time, otherwise at least 1."""
        due_local = self._to_local(due, "due")
        done_local = self._to_local(done, "done")
        if done_local <= due_local:
            return 0
        late = 0
        day = due_local.date() + _ONE_DAY
        last_day = done_local.date()
        while day <= last_day:
            if self.is_workday(day):
                late += 1
            day += _ONE_DAY
        return max(late, 1)

    # -- helpers ----------------------------------------------------------

    @property
    def _day_end(self) -> time:
        return self.periods[-1][1]

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def _to_local(self, value: datetime, name: str) -> datetime:
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
        return value.astimezone(self.tz)

    def _as_date(self, d: date) -> date:
        # datetime subclasses date. Without this, an aware datetime would be
        # looked up by the date on its own clock and not the date in tz, and
        # it would never match an override key.
        if isinstance(d, datetime):
            return self._to_local(d, "d").date()
        return d


DEFAULT_CALENDAR = WorkingCalendar()
