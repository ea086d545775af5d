"""Observation's figures, read from the pre-aggregated statistics (never the ledger): one row per
unit with its public rates, returns and assessment score, ranked as the assessment ranks them."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.insight.metrics.assessment import rank, score_row
from wenzheng.insight.metrics.schemes import scheme_for
from wenzheng.insight.metrics.selectors import metrics_table
from wenzheng.participation.observation.models import Grain, PublishedPeriod, period_label
from wenzheng.participation.registry import CurrentItem


@dataclass(frozen=True)
class ObservationRow:
    """What the public sees of a unit: counts, rates (0–1 or None), and its assessment."""

    rank: int | None  # None: no case was assigned to it in the period (only returns)
    unit_id: int
    unit: str
    accepted: int
    completion_rate: float | None
    on_time_completion_rate: float | None
    satisfaction_rate: float | None
    returned: int
    score: Decimal | None


def period_range(grain: str, start: date) -> tuple[date, date]:
    """The inclusive days of the month, quarter or year that begins on (or contains) ``start``."""
    if grain == Grain.MONTH:
        first = start.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if grain == Grain.QUARTER:
        month = (start.month - 1) // 3 * 3 + 1
        first = date(start.year, month, 1)
        last_month = month + 2
        return first, date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])
    if grain == Grain.YEAR:
        return date(start.year, 1, 1), date(start.year, 12, 31)
    raise ValueError(f"Unknown period type {grain!r}")


def recent_periods(today: date | None = None) -> list[tuple[str, date]]:
    """The periods offered for publication: the last 12 months, 8 quarters and 3 years (each
    begun by today), newest first within its type."""
    today = today or clock.now().astimezone(clock.local_tz()).date()
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append((Grain.MONTH.value, date(year, month, 1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarters = []
    first = period_range(Grain.QUARTER, today)[0]
    for _ in range(8):
        quarters.append((Grain.QUARTER.value, first))
        first = date(first.year, first.month - 3, 1) if first.month > 3 else date(first.year - 1, 10, 1)
    years = [(Grain.YEAR.value, date(today.year - i, 1, 1)) for i in range(3)]
    return months + quarters + years


def observation_table(org: OrgUnit, start: date, end: date) -> list[ObservationRow]:
    """Every unit with cases (or returns) among the cases received in [start, end], ranked by the
    assessment score; units with returns only come last, unranked. Two reads of the rollup tables
    and the scheme — the same figures as the dashboards and the assessment."""
    scheme = scheme_for(org)
    rows = [r for r in metrics_table(org, start, end, by="unit") if r.key]
    scores = {s.unit_id: s for s in rank([score_row(r, scheme) for r in rows if r.counts["assigned"]])}
    out = []
    for r in rows:
        score = scores.get(r.key)
        if score is None and not r.counts["returned"]:
            continue
        out.append(
            ObservationRow(
                rank=score.rank if score else None,
                unit_id=r.key,
                unit=r.label,
                accepted=r.counts["accepted"],
                completion_rate=r.rates["completion_rate"],
                on_time_completion_rate=r.rates["on_time_completion_rate"],
                satisfaction_rate=r.rates["satisfaction_rate"],
                returned=r.counts["returned"],
                score=score.total if score else None,
            )
        )
    return sorted(out, key=lambda row: (row.rank is None, row.rank or 0, row.unit))


def public_periods() -> QuerySet[PublishedPeriod]:
    return PublishedPeriod.objects.filter(is_public=True).select_related("org")


def current_items(limit: int) -> Sequence[CurrentItem]:
    """The latest published periods (for the /participate/ overview)."""
    return [
        CurrentItem(
            title=f"{p.org.name} {period_label(p.grain, p.start)}",
            url=reverse("observation:period", args=[p.pk]),
            status=str(Grain(p.grain).label),
        )
        for p in public_periods().order_by("-published_at", "-pk")[:limit]
    ]
