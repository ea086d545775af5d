"""PeriodStat: the daily rollup summed again, by day with at most one dimension and by month.

Every PeriodStat row is the sum of DailyStat rows (directly, or through the day grains for the
month grains): `refresh_days` recomputes the rows a changed daily cell belongs to, `rebuild_periods`
recomputes an organisation's rows from a day on with INSERT … SELECT … GROUP BY.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.metrics.models import STAT_FIELDS, DailyStat, Grain, PeriodStat

KEYS = ("unit_key", "territory_key", "category_key")
# The dimensions each grain keeps.
KEPT: dict[str, tuple[str, ...]] = {
    Grain.DAY: (),
    Grain.DAY_UNIT: ("unit_key",),
    Grain.DAY_TERRITORY: ("territory_key",),
    Grain.DAY_CATEGORY: ("category_key",),
    Grain.MONTH: (),
    Grain.MONTH_UNIT: ("unit_key",),
    Grain.MONTH_TERRITORY: ("territory_key",),
    Grain.MONTH_CATEGORY: ("category_key",),
    Grain.MONTH_CUBE: KEYS,
}
DAY_GRAINS = (Grain.DAY, Grain.DAY_UNIT, Grain.DAY_TERRITORY, Grain.DAY_CATEGORY)
MONTH_GRAINS = (Grain.MONTH, Grain.MONTH_UNIT, Grain.MONTH_TERRITORY, Grain.MONTH_CATEGORY, Grain.MONTH_CUBE)
SUMS = {name: Coalesce(Sum(name), 0) for name in STAT_FIELDS}


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _source(grain: str, org_id: int, period: date, keys: dict[str, int]) -> QuerySet[Any]:
    """The rows whose sum is one PeriodStat row. Month grains with fewer dimensions add up the day
    grain with the same dimension (≤ 31 rows) rather than a month of daily cells."""
    kept = {k: keys[k] for k in KEPT[grain]}
    if grain in DAY_GRAINS:
        return DailyStat.objects.filter(org_id=org_id, day=period, **kept)
    if grain == Grain.MONTH_CUBE:
        return DailyStat.objects.filter(org_id=org_id, day__gte=period, day__lt=next_month(period), **kept)
    day_grain = "d" + grain[1:]
    return PeriodStat.objects.filter(
        org_id=org_id, grain=day_grain, period__gte=period, period__lt=next_month(period), **kept
    )


def refresh_days(cells: Iterable[tuple[int, date, int, int, int]]) -> None:
    """Recompute the PeriodStat rows that the given daily cells belong to (day grains first)."""
    targets: dict[tuple[Any, ...], None] = {}
    cells = list(cells)
    grain: str
    for grains, to_period in ((DAY_GRAINS, lambda d: d), (MONTH_GRAINS, month_of)):
        for org_id, day, unit, territory, category in cells:
            keys = {"unit_key": unit, "territory_key": territory, "category_key": category}
            for grain in grains:
                kept = tuple(keys[k] if k in KEPT[grain] else 0 for k in KEYS)
                targets[(grain, org_id, to_period(day), *kept)] = None
    for grain, org_id, period, unit, territory, category in targets:
        keys = {"unit_key": unit, "territory_key": territory, "category_key": category}
        where: dict[str, Any] = {"org_id": org_id, "grain": grain, "period": period, **keys}
        with transaction.atomic():
            list(PeriodStat.objects.select_for_update().filter(**where).values_list("pk", flat=True))
            values = _source(grain, org_id, period, keys).aggregate(**SUMS)
            if not any(values.values()):
                PeriodStat.objects.filter(**where).delete()
                continue
            PeriodStat.objects.update_or_create(defaults=values, **where)


def rebuild_periods(org: OrgUnit, since: date | None = None) -> int:
    """Recompute the organisation's PeriodStat rows from ``since`` (its whole month for the month
    grains) from DailyStat, one INSERT … SELECT per grain."""
    daily = DailyStat.objects.filter(org=org)
    stale = PeriodStat.objects.filter(org=org)
    if since is not None:
        first_month = month_of(since)
        daily = daily.filter(day__gte=first_month)
        stale = stale.filter(grain__in=DAY_GRAINS, period__gte=since) | stale.filter(
            grain__in=MONTH_GRAINS, period__gte=first_month
        )
    table = connection.ops.quote_name(PeriodStat._meta.db_table)
    columns = ", ".join(("org_id", "grain", "period", *KEYS, *STAT_FIELDS))
    created = 0
    # Table and column names come from the models; every value is a query parameter.
    with transaction.atomic(), connection.cursor() as cursor:
        stale.delete()
        for grain in DAY_GRAINS + MONTH_GRAINS:
            # Day grains and the month cube add up daily cells; the other month grains add up the
            # day grain with the same dimension (inserted just before: 30 times fewer rows).
            rows: QuerySet[Any]
            if grain in DAY_GRAINS:
                rows, column = (daily.filter(day__gte=since) if since is not None else daily), "day"
            elif grain == Grain.MONTH_CUBE:
                rows, column = daily, "day"
            else:
                rows = PeriodStat.objects.filter(org=org, grain="d" + grain[1:])
                rows = rows.filter(period__gte=month_of(since)) if since is not None else rows
                column = "period"
            period = F(column) if grain in DAY_GRAINS else TruncMonth(column)
            zeros = {k: Value(0) for k in KEYS if k not in KEPT[grain]}
            select = (
                rows.order_by()
                .annotate(g_grain=Value(grain), g_period=period, **{f"g_{k}": v for k, v in zeros.items()})
                .values("org_id", "g_grain", "g_period", *(f"g_{k}" if k in zeros else k for k in KEYS))
                .annotate(**SUMS)
                .values_list(
                    "org_id",
                    "g_grain",
                    "g_period",
                    *(f"g_{k}" if k in zeros else k for k in KEYS),
                    *STAT_FIELDS,
                )
            )
            sql, params = select.query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM ({sql}) s", params)  # noqa: S608
            created += cursor.rowcount
    return created
