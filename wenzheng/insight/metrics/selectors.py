"""What dashboards and reports read: tables and series of metrics from the daily rollup (never
the ledger), and the cases behind a cell for drill-down. Definitions: docs/metrics.md.

Periods are inclusive ranges of local days received (Asia/Shanghai): a case belongs to the day
it was received (its cohort), and every count of that case is counted in that day's period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Category
from wenzheng.core.dbrouter import replica
from wenzheng.insight.metrics.models import (
    CLAIM_BUCKET_FIELDS,
    COUNT_FIELDS,
    REPLY_BUCKET_FIELDS,
    RETURN_FIELDS,
    STAT_FIELDS,
    CaseFact,
    DailyStat,
    Grain,
    PeriodStat,
    ReturnFact,
)
from wenzheng.insight.metrics.percentiles import from_buckets, nearest_rank
from wenzheng.insight.metrics.periods import KEYS, month_of, next_month
from wenzheng.insight.metrics.schemes import scheme_for

Dimension = Literal["unit", "territory", "category"]
Step = Literal["day", "week", "month"]
DIMENSIONS: dict[str, str] = {"unit": "unit_key", "territory": "territory_key", "category": "category_key"}
NONE_LABELS = {"unit": _("Not assigned"), "territory": _("No territory"), "category": _("Unclassified")}
METRICS = COUNT_FIELDS + RETURN_FIELDS


def _ratio(num: float, den: int) -> float | None:
    return num / den if den else None


@dataclass
class MetricRow:
    """One row of a table or series: counts, time percentiles (working minutes) and rates (0–1)."""

    key: Any  # a unit/territory/category id (0: none), a period's first day, or None for a total
    label: str
    counts: dict[str, int]
    claim_minutes_p50: float | None = None
    claim_minutes_p90: float | None = None
    reply_minutes_p50: float | None = None
    reply_minutes_p90: float | None = None
    basic_weight: float = 1.0
    rates: dict[str, float | None] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        # Counts and rates read as attributes: row.completed, row.completion_rate.
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        rates = self.__dict__.get("rates", {})
        if name in rates:
            return rates[name]
        raise AttributeError(name)

    def compute_rates(self) -> None:
        c = self.counts
        self.rates = {
            "acceptance_rate": _ratio(c["accepted"], c["received"]),
            "claim_rate": _ratio(c["claimed"], c["assigned"]),
            "claim_in_time_rate": _ratio(c["claimed_in_time"], c["assigned"]),
            "reply_rate": _ratio(c["replied"], c["accepted"]),
            "completion_rate": _ratio(c["completed"], c["accepted"]),
            "on_time_completion_rate": _ratio(c["completed_on_time"], c["accepted"]),
            "on_time_share": _ratio(c["completed_on_time"], c["completed"]),
            "overdue_rate": _ratio(c["overdue"], c["accepted"]),
            "satisfaction_rate": _ratio(c["satisfied"] + self.basic_weight * c["basic"], c["rated"]),
        }


def percent(rate: float | None, digits: int = 1) -> str:
    """A rate as the documents print it: 0.99162 → "99.2%" (half-up), "—" without a denominator."""
    if rate is None:
        return "—"
    value = (Decimal(str(rate)) * 100).quantize(Decimal(1).scaleb(-digits), rounding="ROUND_HALF_UP")
    return f"{value}%"


def _row(key: Any, label: str, sums: dict[str, Any], weight: float) -> MetricRow:
    counts = {name: int(sums.get(name) or 0) for name in STAT_FIELDS}
    claim = [counts[f] for f in CLAIM_BUCKET_FIELDS]
    reply = [counts[f] for f in REPLY_BUCKET_FIELDS]
    row = MetricRow(
        key,
        label,
        counts,
        claim_minutes_p50=from_buckets(claim, 50),
        claim_minutes_p90=from_buckets(claim, 90),
        reply_minutes_p50=from_buckets(reply, 50),
        reply_minutes_p90=from_buckets(reply, 90),
        basic_weight=weight,
    )
    row.compute_rates()
    return row


def _filters(
    unit: int | OrgUnit | None, territory: int | OrgUnit | None, category: int | Category | None
) -> dict[str, int]:
    out = {}
    for name, value in (("unit_key", unit), ("territory_key", territory), ("category_key", category)):
        if value is not None:
            out[name] = value if isinstance(value, int) else value.pk
    return out


def _weight(org: OrgUnit) -> float:
    return float(scheme_for(org).basic_satisfied_weight)


SUMS = {name: Sum(name) for name in STAT_FIELDS}
Sums = dict[Any, dict[str, int]]


def _source(
    org: OrgUnit, ranges: list[tuple[date, date]], monthly: bool, dims: set[str], filters: dict[str, int]
) -> tuple[QuerySet[Any], str]:
    """The smallest table that can answer: a PeriodStat grain keeping just the dimensions grouped
    or filtered on, or the full daily cube; returns it filtered, with its date column's name."""
    if not monthly and len(dims) > 1:
        rows: QuerySet[Any] = DailyStat.objects.filter(org=org, **filters)
        column = "day"
    else:
        grain: str
        if len(dims) > 1:
            grain = Grain.MONTH_CUBE
        else:
            grain = ("m" if monthly else "d") + ("." + next(iter(dims))[0] if dims else "")
        rows, column = PeriodStat.objects.filter(org=org, grain=grain, **filters), "period"
    within = Q()
    for first, last in ranges:
        within |= Q(**{f"{column}__gte": first, f"{column}__lte": last})
    return rows.filter(within), column


def _split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """[start, end] as its whole months (first month's day 1, last month's day 1) and the days
    left over at either end."""
    first = start if start.day == 1 else next_month(start)
    after = end + timedelta(days=1)
    stop = after if after.day == 1 else month_of(after)  # the day after the last whole month
    if first >= stop:
        return None, [(start, end)]
    days = [r for r in ((start, first - timedelta(days=1)), (stop, end)) if r[0] <= r[1]]
    return (first, stop - timedelta(days=1)), days


def _sums(org: OrgUnit, start: date, end: date, group: str | None, filters: dict[str, int]) -> Sums:
    """Sums of every measure over [start, end], grouped by a dimension's column, by "day", or not."""
    out: Sums = defaultdict(lambda: defaultdict(int))
    dims = set(filters) | ({group} if group in KEYS else set())
    if group == "day":
        parts = [(False, [(start, end)])]
    else:
        months, days = _split(start, end)
        parts = ([(True, [months])] if months else []) + ([(False, days)] if days else [])
    for monthly, ranges in parts:
        rows, column = _source(org, ranges, monthly, dims, filters)
        key = column if group == "day" else group
        grouped = rows.values(key).order_by().annotate(**SUMS) if key else [rows.aggregate(**SUMS)]
        for values in grouped:
            target = out[values.pop(key) if key else None]
            for name, value in values.items():
                target[name] += value or 0
    return out


def labels_for(by: str, keys: Iterable[int]) -> dict[int, str]:
    ids = [k for k in keys if k]
    if by == "category":
        names = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        names = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    names[0] = str(NONE_LABELS[by])
    return names


@replica()  # rollups refreshed by jobs: a replica's lag of seconds does not show
def metrics_table(
    org: OrgUnit,
    start: date,
    end: date,
    by: Dimension = "unit",
    *,
    unit: int | OrgUnit | None = None,
    territory: int | OrgUnit | None = None,
    category: int | Category | None = None,
    exact_percentiles: bool = False,
) -> list[MetricRow]:
    """One row per unit (territory, first-level category) with cases received in [start, end].

    Percentiles are estimated from the histogram buckets; ``exact_percentiles`` computes them
    from the facts instead (reports: reads one column of CaseFact for the period)."""
    column = DIMENSIONS[by]
    filters = _filters(unit, territory, category)
    weight = _weight(org)
    sums = _sums(org, start, end, column, filters)
    names = labels_for(by, sums)
    rows = [_row(key, names.get(key, str(key)), values, weight) for key, values in sums.items()]
    if exact_percentiles:
        _exact(org, start, end, filters, column, rows)
    return sorted(rows, key=lambda r: (r.key == 0, r.label))


def _exact(
    org: OrgUnit, start: date, end: date, filters: dict[str, int], column: str | None, rows: list[MetricRow]
) -> None:
    facts = CaseFact.objects.filter(org=org, day__gte=start, day__lte=end, **filters)
    claim: dict[Any, list[int]] = defaultdict(list)
    reply: dict[Any, list[int]] = defaultdict(list)
    for key, c, r in facts.values_list(column or "org_id", "claim_minutes", "reply_minutes"):
        key = key if column else None
        if c is not None:
            claim[key].append(c)
        if r is not None:
            reply[key].append(r)
    for row in rows:
        row.claim_minutes_p50 = _f(nearest_rank(claim[row.key], 50))
        row.claim_minutes_p90 = _f(nearest_rank(claim[row.key], 90))
        row.reply_minutes_p50 = _f(nearest_rank(reply[row.key], 50))
        row.reply_minutes_p90 = _f(nearest_rank(reply[row.key], 90))


def _f(value: int | None) -> float | None:
    return None if value is None else float(value)


@replica()
def metrics_total(
    org: OrgUnit,
    start: date,
    end: date,
    *,
    unit: int | OrgUnit | None = None,
    territory: int | OrgUnit | None = None,
    category: int | Category | None = None,
    exact_percentiles: bool = False,
) -> MetricRow:
    """The whole organisation (or the filtered part) over [start, end]."""
    filters = _filters(unit, territory, category)
    sums = _sums(org, start, end, None, filters).get(None, {})
    row = _row(None, str(_("Total")), sums, _weight(org))
    if exact_percentiles:
        _exact(org, start, end, filters, None, [row])
    return row


def period_start(day: date, step: Step) -> date:
    if step == "week":
        return day - timedelta(days=day.weekday())  # weeks start on Monday
    if step == "month":
        return day.replace(day=1)
    return day


def _periods(start: date, end: date, step: Step) -> list[date]:
    out, day = [], period_start(start, step)
    while day <= end:
        out.append(day)
        if step == "day":
            day += timedelta(days=1)
        elif step == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


@replica()
def metrics_series(
    org: OrgUnit,
    start: date,
    end: date,
    step: Step = "day",
    *,
    unit: int | OrgUnit | None = None,
    territory: int | OrgUnit | None = None,
    category: int | Category | None = None,
) -> list[MetricRow]:
    """One row per day, week (Monday first) or month from start to end, empty periods included;
    a row's key is its period's first day (the first and last period are cut at start and end)."""
    filters = _filters(unit, territory, category)
    weight = _weight(org)
    per_period: dict[date, dict[str, int]] = {p: defaultdict(int) for p in _periods(start, end, step)}
    for day, values in _sums(org, start, end, "day", filters).items():
        target = per_period[period_start(day, step)]
        for name, value in values.items():
            target[name] += value
    return [_row(p, p.isoformat(), sums, weight) for p, sums in per_period.items()]


def cases_behind(
    org: OrgUnit,
    metric: str,
    start: date,
    end: date,
    *,
    by: Dimension | None = None,
    key: int | None = None,
    unit: int | OrgUnit | None = None,
    territory: int | OrgUnit | None = None,
    category: int | Category | None = None,
) -> QuerySet[Case]:
    """The cases counted in one cell: ``metric`` (a count's name) for the row ``key`` of a table
    ``by`` a dimension (or a total), over [start, end]. Intersect with visible_cases(user) before
    showing them; returns are listed under the unit that returned."""
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; known: {', '.join(METRICS)}")
    filters = _filters(unit, territory, category)
    if by is not None and key is not None:
        filters[DIMENSIONS[by]] = key
    if metric in RETURN_FIELDS:
        returns = ReturnFact.objects.filter(org=org, day__gte=start, day__lte=end, **filters)
        if metric == "refused_returns":
            returns = returns.filter(refused=True)
        return Case.objects.filter(pk__in=returns.values("case_id"))
    facts = CaseFact.objects.filter(org=org, day__gte=start, day__lte=end, **filters, **{f"{metric}__gt": 0})
    return Case.objects.filter(pk__in=facts.values("case_id"))
