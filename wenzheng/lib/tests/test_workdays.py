"""Tests for wenzheng.lib.workdays.

Every expected value was worked out by hand from the published 2026 schedule
(国务院办公厅 2026 年部分节假日安排). The parts that matter here:

    Jan 1-3 (Thu-Sat) off, Sun Jan 4 worked
    Feb 15-23 (Sun-Mon) Spring Festival off, Sat Feb 14 and Sat Feb 28 worked
    Apr 4-6 Qingming off; May 1-5 Labour Day off, Sat May 9 worked
    Jun 19-21 Dragon Boat off
    Sep 25-27 (Fri-Sun) Mid-Autumn off, Sun Sep 20 worked
    Oct 1-7 (Thu-Wed) National Day off, Sat Oct 10 worked
    March 2026 has no changes: Mon Mar 2 - Fri Mar 6 worked, Mar 7/8 weekend.

Default office hours are 08:30-12:00 and 14:00-17:30, which is 210 + 210 = 420
minutes per working day.
"""

from __future__ import annotations

import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from wenzheng.lib.workdays import DEFAULT_CALENDAR, WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = DEFAULT_CALENDAR


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# -- is_workday / next_workday -------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)],
)
def test_it_treats_adjusted_weekends_as_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_workday(day) is True


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 16), date(2026, 10, 5), date(2026, 9, 25), date(2026, 1, 1)],
)
def test_it_treats_statutory_holidays_as_non_working(day: date) -> None:
    assert day.weekday() < 5
    assert CAL.is_workday(day) is False


def test_it_treats_plain_weekends_and_weekdays_normally() -> None:
    assert CAL.is_workday(date(2026, 3, 3)) is True
    assert CAL.is_workday(date(2026, 3, 7)) is False
    assert CAL.is_workday(date(2026, 3, 8)) is False


def test_it_finds_the_next_workday_strictly_after() -> None:
    # Fri Mar 6 -> Mon Mar 9. The day itself is never returned.
    assert CAL.next_workday(date(2026, 3, 6)) == date(2026, 3, 9)
    assert CAL.next_workday(date(2026, 3, 3)) == date(2026, 3, 4)
    # Wed Sep 30 -> Oct 1-7 off -> Thu Oct 8.
    assert CAL.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    # Fri Sep 18 -> Sat Sep 19 off -> Sun Sep 20 (adjusted working day).
    assert CAL.next_workday(date(2026, 9, 18)) == date(2026, 9, 20)


def test_it_uses_the_local_date_of_an_aware_datetime_in_is_workday() -> None:
    # 2026-10-09 17:00 UTC is 2026-10-10 01:00 in Shanghai. Oct 10 is an
    # adjusted working Saturday, and Oct 9 is a Friday anyway.
    assert CAL.is_workday(datetime(2026, 10, 9, 17, 0, tzinfo=UTC)) is True
    # 2026-09-30 18:00 UTC is 2026-10-01 02:00 in Shanghai, a holiday.
    assert CAL.is_workday(datetime(2026, 9, 30, 18, 0, tzinfo=UTC)) is False


def test_it_falls_back_to_monday_to_friday_for_uncovered_years() -> None:
    # 2099-01-01 is a Thursday. chinese_calendar has no 2099 data, so there
    # is no New Year holiday and only the weekend is off.
    assert CAL.is_workday(date(2099, 1, 1)) is True
    assert CAL.is_workday(date(2099, 1, 2)) is True
    assert CAL.is_workday(date(2099, 1, 3)) is False
    assert CAL.is_workday(date(2099, 1, 4)) is False
    # Fri Jan 2 + 1 working day -> Mon Jan 5.
    assert CAL.add_working_days(sh(2099, 1, 2, 10), 1) == sh(2099, 1, 5, 17, 30)


# -- add_working_days -------------------------------------------------------------


def test_it_adds_working_days_across_the_spring_festival() -> None:
    # Start Thu Feb 12 (not counted). Fri Feb 13 = 1, Sat Feb 14 (adjusted) = 2,
    # Feb 15-23 off, Tue Feb 24 = 3.
    assert CAL.add_working_days(sh(2026, 2, 12, 10), 3) == sh(2026, 2, 24, 17, 30)
    # Going on: Wed 25 = 4, Thu 26 = 5, Fri 27 = 6, Sat Feb 28 (adjusted) = 7.
    assert CAL.add_working_days(sh(2026, 2, 12, 10), 7) == sh(2026, 2, 28, 17, 30)
    # Sun Mar 1 off, Mon Mar 2 = 8.
    assert CAL.add_working_days(sh(2026, 2, 12, 10), 8) == sh(2026, 3, 2, 17, 30)


def test_it_adds_working_days_across_national_day() -> None:
    # Start Tue Sep 29. Wed Sep 30 = 1, Oct 1-7 off, Thu Oct 8 = 2, Fri Oct 9 = 3,
    # Sat Oct 10 (adjusted) = 4, Sun Oct 11 off, Mon Oct 12 = 5.
    assert CAL.add_working_days(sh(2026, 9, 29, 9), 5) == sh(2026, 10, 12, 17, 30)
    # Start Wed Sep 30 (the last day before the break): Thu Oct 8 = 1.
    assert CAL.add_working_days(sh(2026, 9, 30, 16), 1) == sh(2026, 10, 8, 17, 30)
    # Start Thu Sep 24: Sep 25-27 Mid-Autumn off, Mon Sep 28 = 1.
    assert CAL.add_working_days(sh(2026, 9, 24, 11), 1) == sh(2026, 9, 28, 17, 30)
    # Start Fri Sep 18: Sat Sep 19 off, Sun Sep 20 (adjusted) = 1.
    assert CAL.add_working_days(sh(2026, 9, 18, 11), 1) == sh(2026, 9, 20, 17, 30)


def test_it_counts_from_the_next_day_even_when_start_is_early_morning() -> None:
    # The start day never counts, however early the message is received.
    assert CAL.add_working_days(sh(2026, 3, 3, 0, 1), 1) == sh(2026, 3, 4, 17, 30)


def test_it_counts_from_the_next_working_day_when_started_on_a_holiday() -> None:
    # Start Sat Oct 3 (holiday). Working days after it: Oct 8 = 1, Oct 9 = 2.
    assert CAL.add_working_days(sh(2026, 10, 3, 10), 2) == sh(2026, 10, 9, 17, 30)


def test_it_returns_same_day_end_for_zero_days_on_a_working_day_before_close() -> None:
    assert CAL.add_working_days(sh(2026, 3, 3, 10), 0) == sh(2026, 3, 3, 17, 30)
    assert CAL.add_working_days(sh(2026, 3, 3, 17, 29, 59), 0) == sh(2026, 3, 3, 17, 30)
    # Before office hours on an adjusted working Saturday still counts.
    assert CAL.add_working_days(sh(2026, 10, 10, 7), 0) == sh(2026, 10, 10, 17, 30)


def test_it_rolls_zero_days_to_next_workday_after_close() -> None:
    # Exactly 17:30 is no longer "before the end of the last period".
    assert CAL.add_working_days(sh(2026, 3, 3, 17, 30), 0) == sh(2026, 3, 4, 17, 30)
    assert CAL.add_working_days(sh(2026, 3, 3, 18), 0) == sh(2026, 3, 4, 17, 30)
    # Fri Mar 6 evening -> Mon Mar 9.
    assert CAL.add_working_days(sh(2026, 3, 6, 20), 0) == sh(2026, 3, 9, 17, 30)


def test_it_rolls_zero_days_on_a_holiday_to_next_workday() -> None:
    # Mon Oct 5 is a holiday, and the next working day is Thu Oct 8.
    assert CAL.add_working_days(sh(2026, 10, 5, 10), 0) == sh(2026, 10, 8, 17, 30)


def test_it_reasons_about_days_in_the_calendar_timezone() -> None:
    # 2026-03-02 20:00 UTC is Tue 2026-03-03 04:00 in Shanghai, so the start
    # day is Mar 3 and +1 gives Wed Mar 4.
    result = CAL.add_working_days(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), 1)
    assert result == sh(2026, 3, 4, 17, 30)
    assert result.tzinfo == SHANGHAI
    assert result.utcoffset() == timedelta(hours=8)
    # 2026-03-03 10:00 UTC is 18:00 in Shanghai, after close, so n=0 rolls over.
    assert CAL.add_working_days(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), 0) == sh(2026, 3, 4, 17, 30)
    # 01:00 UTC is 09:00 in Shanghai, before close.
    assert CAL.add_working_days(datetime(2026, 3, 3, 1, 0, tzinfo=UTC), 0) == sh(2026, 3, 3, 17, 30)


def test_it_adds_hundreds_of_working_days_over_a_year() -> None:
    # 2026 has 261 Mon-Fri days (365 days starting on a Thursday, so 52
    # full weeks plus the Thursday Dec 31). 19 of them are holidays: Jan 1-2,
    # Feb 16-20 and 23, Apr 6, May 1/4/5, Jun 19, Sep 25, Oct 1/2/5/6/7.
    # 6 weekend days are worked: Jan 4, Feb 14, Feb 28, May 9, Sep 20, Oct 10.
    # That gives 261 - 19 + 6 = 248 working days, and the 248th working day
    # after Dec 31 2025 is Thu Dec 31 2026.
    started = time_module.perf_counter()
    assert CAL.add_working_days(sh(2025, 12, 31, 12), 248) == sh(2026, 12, 31, 17, 30)
    assert CAL.add_working_days(sh(2025, 12, 31, 12), 247) == sh(2026, 12, 30, 17, 30)
    # This is a coarse guard against quadratic behaviour, not a benchmark.
    assert time_module.perf_counter() - started < 2.0


def test_it_uses_custom_office_periods_for_the_day_end() -> None:
    cal = WorkingCalendar(periods=((time(9, 0), time(17, 0)),))
    assert cal.add_working_days(sh(2026, 3, 3, 10), 0) == sh(2026, 3, 3, 17, 0)
    assert cal.add_working_days(sh(2026, 3, 3, 17, 0), 0) == sh(2026, 3, 4, 17, 0)
    assert cal.add_working_days(sh(2026, 3, 3, 10), 2) == sh(2026, 3, 5, 17, 0)


# -- overrides --------------------------------------------------------------------


def test_it_lets_an_override_turn_a_holiday_into_a_working_day() -> None:
    cal = WorkingCalendar(overrides={date(2026, 10, 5): True})
    assert cal.is_workday(date(2026, 10, 5)) is True
    assert CAL.is_workday(date(2026, 10, 5)) is False
    # Wed Sep 30 + 1: Oct 1-4 off, Mon Oct 5 (override) = 1.
    assert cal.add_working_days(sh(2026, 9, 30, 10), 1) == sh(2026, 10, 5, 17, 30)


def test_it_lets_an_override_turn_a_working_day_into_a_holiday() -> None:
    cal = WorkingCalendar(overrides={date(2026, 10, 12): False})
    assert cal.is_workday(date(2026, 10, 12)) is False
    # Tue Sep 29 + 5: Sep 30 = 1, Oct 8 = 2, Oct 9 = 3, Oct 10 = 4,
    # Oct 11 Sunday and Oct 12 (override) off, Tue Oct 13 = 5.
    assert cal.add_working_days(sh(2026, 9, 29, 9), 5) == sh(2026, 10, 13, 17, 30)


def test_it_ignores_later_mutation_of_the_overrides_dict() -> None:
    overrides = {date(2026, 3, 4): False}
    cal = WorkingCalendar(overrides=overrides)
    overrides[date(2026, 3, 4)] = True
    assert cal.is_workday(date(2026, 3, 4)) is False


# -- add_working_hours ------------------------------------------------------------


def test_it_adds_working_hours_within_a_period() -> None:
    assert CAL.add_working_hours(sh(2026, 3, 3, 9), 45) == sh(2026, 3, 3, 9, 45)
    # Seconds of the start are kept.
    assert CAL.add_working_hours(sh(2026, 3, 3, 10, 0, 30), 1) == sh(2026, 3, 3, 10, 1, 30)


def test_it_adds_working_hours_across_lunch() -> None:
    # 11:00-12:00 uses 60 minutes, and the other 60 run from 14:00 to 15:00.
    assert CAL.add_working_hours(sh(2026, 3, 3, 11), 120) == sh(2026, 3, 3, 15, 0)


def test_it_stops_at_a_period_end_instead_of_the_next_period_start() -> None:
    assert CAL.add_working_hours(sh(2026, 3, 3, 11), 60) == sh(2026, 3, 3, 12, 0)
    assert CAL.add_working_hours(sh(2026, 3, 3, 17), 30) == sh(2026, 3, 3, 17, 30)
    # A full day from opening ends at closing on the same day.
    assert CAL.add_working_hours(sh(2026, 3, 3, 8, 30), 420) == sh(2026, 3, 3, 17, 30)
    assert CAL.add_working_hours(sh(2026, 3, 3, 8, 30), 421) == sh(2026, 3, 4, 8, 31)


def test_it_adds_working_hours_across_the_evening() -> None:
    # 17:00-17:30 uses 30 minutes, and the other 30 run from 08:30 to 09:00 the next day.
    assert CAL.add_working_hours(sh(2026, 3, 3, 17), 60) == sh(2026, 3, 4, 9, 0)


def test_it_starts_counting_at_the_next_period_when_outside_office_hours() -> None:
    assert CAL.add_working_hours(sh(2026, 3, 3, 7), 30) == sh(2026, 3, 3, 9, 0)
    assert CAL.add_working_hours(sh(2026, 3, 3, 12, 30), 30) == sh(2026, 3, 3, 14, 30)
    assert CAL.add_working_hours(sh(2026, 3, 3, 20), 30) == sh(2026, 3, 4, 9, 0)


def test_it_adds_working_hours_across_a_weekend() -> None:
    # Fri Mar 6 16:30: 60 minutes until 17:30. Mar 7/8 weekend.
    # Mon Mar 9 08:30 + 60 = 09:30.
    assert CAL.add_working_hours(sh(2026, 3, 6, 16, 30), 120) == sh(2026, 3, 9, 9, 30)
    # Starting on the Saturday itself.
    assert CAL.add_working_hours(sh(2026, 3, 7, 10), 30) == sh(2026, 3, 9, 9, 0)


def test_it_adds_working_hours_across_a_holiday() -> None:
    # Wed Sep 30 17:00: 30 minutes. Oct 1-7 off. Thu Oct 8 08:30 + 30 = 09:00.
    assert CAL.add_working_hours(sh(2026, 9, 30, 17), 60) == sh(2026, 10, 8, 9, 0)
    # Fri Feb 13 17:00: 30 minutes. Sat Feb 14 is a working day, so 08:31 there.
    assert CAL.add_working_hours(sh(2026, 2, 13, 17), 31) == sh(2026, 2, 14, 8, 31)
    # Sat Feb 14 17:00 + 60: 30 minutes, Feb 15-23 off, Tue Feb 24 09:00.
    assert CAL.add_working_hours(sh(2026, 2, 14, 17), 60) == sh(2026, 2, 24, 9, 0)


def test_it_adds_several_days_worth_of_working_hours() -> None:
    # Tue Mar 3 08:30 + 3 * 420 + 60 minutes: Tue, Wed, Thu consumed in full,
    # then Fri Mar 6 08:30 + 60 = 09:30.
    assert CAL.add_working_hours(sh(2026, 3, 3, 8, 30), 3 * 420 + 60) == sh(2026, 3, 6, 9, 30)


def test_it_clamps_start_forward_for_zero_minutes() -> None:
    inside = sh(2026, 3, 3, 10, 15, 30)
    assert CAL.add_working_hours(inside, 0) == inside
    assert CAL.add_working_hours(sh(2026, 3, 3, 8, 30), 0) == sh(2026, 3, 3, 8, 30)
    # Periods are half-open, so 12:00 is outside and clamps to 14:00.
    assert CAL.add_working_hours(sh(2026, 3, 3, 12, 0), 0) == sh(2026, 3, 3, 14, 0)
    assert CAL.add_working_hours(sh(2026, 3, 3, 17, 30), 0) == sh(2026, 3, 4, 8, 30)
    assert CAL.add_working_hours(sh(2026, 10, 3, 10), 0) == sh(2026, 10, 8, 8, 30)


def test_it_returns_working_hours_results_in_the_calendar_timezone() -> None:
    # 2026-03-03 02:00 UTC is 10:00 in Shanghai.
    result = CAL.add_working_hours(datetime(2026, 3, 3, 2, 0, tzinfo=UTC), 90)
    assert result == sh(2026, 3, 3, 11, 30)
    assert result.tzinfo == SHANGHAI


# -- working_minutes_between --------------------------------------------------------


def test_it_measures_working_minutes_within_a_day() -> None:
    assert CAL.working_minutes_between(sh(2026, 3, 3, 9), sh(2026, 3, 3, 10)) == 60
    # 11:00-12:00 and 14:00-15:00.
    assert CAL.working_minutes_between(sh(2026, 3, 3, 11), sh(2026, 3, 3, 15)) == 120
    # A whole calendar day.
    assert CAL.working_minutes_between(sh(2026, 3, 3), sh(2026, 3, 4)) == 420
    # Lunch break only.
    assert CAL.working_minutes_between(sh(2026, 3, 3, 12), sh(2026, 3, 3, 14)) == 0


def test_it_returns_zero_minutes_for_empty_or_reversed_ranges() -> None:
    assert CAL.working_minutes_between(sh(2026, 3, 3, 10), sh(2026, 3, 3, 10)) == 0
    assert CAL.working_minutes_between(sh(2026, 3, 3, 11), sh(2026, 3, 3, 10)) == 0


def test_it_floors_the_total_of_working_seconds() -> None:
    assert CAL.working_minutes_between(sh(2026, 3, 3, 9), sh(2026, 3, 3, 9, 1, 59)) == 1
    # 30 s before lunch plus 30 s after it make one minute in total, even
    # though neither part is a whole minute.
    assert CAL.working_minutes_between(sh(2026, 3, 3, 11, 59, 30), sh(2026, 3, 3, 14, 0, 30)) == 1


def test_it_measures_working_minutes_across_holidays() -> None:
    # Wed Sep 30 (420) + Oct 1-7 (0) + Thu Oct 8 (420), ending at Fri Oct 9 00:00.
    assert CAL.working_minutes_between(sh(2026, 9, 30), sh(2026, 10, 9)) == 840
    # Fri Feb 13 17:00-17:30 (30) + Sat Feb 14 adjusted (420) + Feb 15-23 (0)
    # + Tue Feb 24 08:30-09:00 (30) = 480.
    assert CAL.working_minutes_between(sh(2026, 2, 13, 17), sh(2026, 2, 24, 9)) == 480
    # Fri Mar 6 17:00 to Mon Mar 9 09:00 is 30 + 30 across a weekend.
    assert CAL.working_minutes_between(sh(2026, 3, 6, 17), sh(2026, 3, 9, 9)) == 60


def test_it_measures_working_minutes_over_a_whole_year() -> None:
    # 248 working days in 2026 (see the add_working_days year test) * 420.
    started = time_module.perf_counter()
    assert CAL.working_minutes_between(sh(2026, 1, 1), sh(2027, 1, 1)) == 248 * 420
    assert time_module.perf_counter() - started < 2.0


def test_it_measures_working_minutes_with_mixed_timezones() -> None:
    # 2026-03-03 01:00 UTC is 09:00 in Shanghai, and 02:30 UTC is 10:30.
    assert CAL.working_minutes_between(datetime(2026, 3, 3, 1, 0, tzinfo=UTC), sh(2026, 3, 3, 10, 30)) == 90


# -- working_days_late ------------------------------------------------------------


def test_it_reports_zero_days_late_when_on_time() -> None:
    due = sh(2026, 3, 3, 17, 30)
    assert CAL.working_days_late(due, due) == 0
    assert CAL.working_days_late(due, sh(2026, 3, 3, 9)) == 0
    assert CAL.working_days_late(due, sh(2026, 2, 1, 9)) == 0


def test_it_counts_late_on_the_due_day_as_one_day() -> None:
    assert CAL.working_days_late(sh(2026, 3, 3, 17, 30), sh(2026, 3, 3, 17, 45)) == 1


def test_it_counts_working_days_late() -> None:
    # Due Tue Mar 3, done Wed Mar 4: Mar 4 = 1.
    assert CAL.working_days_late(sh(2026, 3, 3, 17, 30), sh(2026, 3, 4, 9)) == 1
    # Due Tue Mar 3, done Fri Mar 6: Mar 4, 5, 6 = 3.
    assert CAL.working_days_late(sh(2026, 3, 3, 17, 30), sh(2026, 3, 6, 9)) == 3
    # Due Fri Mar 6, done Mon Mar 9: the weekend is skipped, so only Mar 9 = 1.
    assert CAL.working_days_late(sh(2026, 3, 6, 17, 30), sh(2026, 3, 9, 10)) == 1


def test_it_skips_holidays_when_counting_days_late() -> None:
    # Due Wed Sep 30, done Fri Oct 9: Oct 1-7 off, Oct 8 and 9 = 2.
    assert CAL.working_days_late(sh(2026, 9, 30, 17, 30), sh(2026, 10, 9, 10)) == 2
    # Done during the holiday: no working day has passed, but late is at least 1.
    assert CAL.working_days_late(sh(2026, 9, 30, 17, 30), sh(2026, 10, 4, 10)) == 1


# -- validation -------------------------------------------------------------------


def test_it_rejects_naive_datetimes() -> None:
    naive = datetime(2026, 3, 3, 10, 0)
    aware = sh(2026, 3, 3, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_hours(naive, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_minutes_between(naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_minutes_between(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_late(naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_late(aware, naive)


def test_it_rejects_negative_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(sh(2026, 3, 3, 10), -1)
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_hours(sh(2026, 3, 3, 10), -1)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(14, 0), time(17, 30)), (time(8, 30), time(12, 0))),
        ((time(8, 30), time(12, 0)), (time(11, 0), time(17, 30))),
        ((time(12, 0), time(8, 30)),),
    ],
)
def test_it_rejects_invalid_office_periods(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError, match="period"):
        WorkingCalendar(periods=periods)


@pytest.mark.parametrize("minutes", [0, 1, 59, 210, 211, 420, 1000, 5000])
def test_it_keeps_add_working_hours_and_working_minutes_between_consistent(minutes: int) -> None:
    # Adding minutes and then measuring them must round-trip, including over
    # the National Day break.
    start = sh(2026, 9, 29, 15, 10)
    assert CAL.working_minutes_between(start, CAL.add_working_hours(start, minutes)) == minutes
