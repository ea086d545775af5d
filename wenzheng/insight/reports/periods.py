"""The periods the reports cover: a month ("2026-10") and an ISO week ("2026-W43", Monday first)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from wenzheng.core import clock
from wenzheng.insight.metrics.assessment import month_range

__all__ = ["cn_date", "cn_datetime", "month_range", "previous_month", "week_of", "week_range"]

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def week_range(week: str) -> tuple[date, date]:
    """ "2026-W43" → (Monday 2026-10-19, Sunday 2026-10-25)."""
    match = _WEEK_RE.match(week.strip())
    if match is None:
        raise ValueError(f"A week is written YYYY-Www (e.g. 2026-W43), not {week!r}")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise ValueError(f"No such week: {week!r}") from exc
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def previous_month(month: str) -> str:
    first, _ = month_range(month)
    before = first - timedelta(days=1)
    return f"{before.year}-{before.month:02d}"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: datetime) -> str:
    local = moment.astimezone(clock.local_tz())
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
