"""Keeping facts and the daily rollup current: one case after its event, the due-time sweep, and
the idempotent rebuild of an organisation from a date on."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case
from wenzheng.core import clock
from wenzheng.insight.metrics.facts import _category_roots, compute_batch, save_facts
from wenzheng.insight.metrics.models import (
    BUCKET_EDGES,
    COUNT_FIELDS,
    RETURN_FIELDS,
    CaseFact,
    DailyStat,
    ReturnFact,
)
from wenzheng.insight.metrics.periods import rebuild_periods, refresh_days
from wenzheng.lib.workdays import WorkingCalendar

logger = logging.getLogger(__name__)

CELL = ("org_id", "day", "unit_key", "territory_key", "category_key")
Cell = tuple[int, date, int, int, int]


def _bucket_sum(field: str, i: int) -> Any:
    low = Q(**{f"{field}__gte": BUCKET_EDGES[i]})
    cond = low & Q(**{f"{field}__lt": BUCKET_EDGES[i + 1]}) if i + 1 < len(BUCKET_EDGES) else low
    return Coalesce(Sum(When_(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())), 0)


def fact_aggregates() -> dict[str, Any]:
    """The rollup's columns as aggregates over CaseFact rows (the definition of the rollup)."""
    aggs: dict[str, Any] = {name: Coalesce(Sum(name), 0) for name in COUNT_FIELDS}
    aggs["claim_n"] = Count("claim_minutes")
    aggs["claim_minutes_sum"] = Coalesce(Sum("claim_minutes"), 0)
    aggs["reply_n"] = Count("reply_minutes")
    aggs["reply_minutes_sum"] = Coalesce(Sum("reply_minutes"), 0)
    for i in range(len(BUCKET_EDGES)):
        aggs[f"claim_b{i}"] = _bucket_sum("claim_minutes", i)
        aggs[f"reply_b{i}"] = _bucket_sum("reply_minutes", i)
    return aggs


def _return_aggregates() -> dict[str, Any]:
    return {
        "returned": Count("pk"),
        "refused_returns": Coalesce(Sum(When_(When(refused=True, then=Value(1)), default=Value(0))), 0),
    }


def _cell_filter(cell: Cell) -> dict[str, Any]:
    return dict(zip(CELL, cell, strict=True))


def refresh_cells(cells: Iterable[Cell]) -> None:
    """Recompute rollup cells from their facts (idempotent: a cell is the sum of its facts), then
    the period rows they belong to."""
    cells = set(cells)
    for cell in cells:
        where = _cell_filter(cell)
        with transaction.atomic():
            # Lock the cell's row (if any) so two jobs refreshing one cell write one after the other.
            list(DailyStat.objects.select_for_update().filter(**where).values_list("pk", flat=True))
            values = CaseFact.objects.filter(**where).aggregate(n=Count("pk"), **fact_aggregates())
            values |= ReturnFact.objects.filter(**where).aggregate(**_return_aggregates())
            if not values.pop("n") and not values["returned"]:
                DailyStat.objects.filter(**where).delete()
                continue
            DailyStat.objects.update_or_create(defaults=values, **where)
    refresh_days(cells)


def _cell_of(row: CaseFact | ReturnFact) -> Cell:
    return (row.org_id, row.day, row.unit_key, row.territory_key, row.category_key)


# What a fact contributes to the rollup: when none of it changed, no cell needs recomputing.
_COUNTED = [f.attname for f in CaseFact._meta.concrete_fields if f.attname not in ("check_at", "computed_at")]


def _counted(fact: CaseFact) -> tuple[Any, ...]:
    return tuple(getattr(fact, name) for name in _COUNTED)


def _return_key(r: ReturnFact) -> tuple[Any, ...]:
    return (r.case_id, r.seq, *_cell_of(r), r.refused)


def refresh_cases(case_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute the facts of these cases and the rollup cells they leave and enter. Most events
    (a draft, a sign-off, a note) change no count: then only the fact's recheck time is saved."""
    ids = list(case_ids)
    if not ids:
        return 0
    now = now or clock.now()
    old_facts = list(CaseFact.objects.filter(case_id__in=ids))
    old_returns = list(ReturnFact.objects.filter(case_id__in=ids))
    cases = Case.objects.filter(pk__in=ids).select_related("org")
    facts, returns = compute_batch(cases, now)
    unchanged = {_counted(f) for f in old_facts} == {_counted(f) for f in facts} and {
        _return_key(r) for r in old_returns
    } == {_return_key(r) for r in returns}
    with transaction.atomic():
        save_facts(facts, returns)
    if not unchanged:
        cells = {_cell_of(f) for f in [*old_facts, *facts]} | {_cell_of(r) for r in [*old_returns, *returns]}
        refresh_cells(cells)
    return len(facts)


def due_for_check(now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Facts whose running clock has fallen due since they were computed (lateness has no event)."""
    now = now or clock.now()
    return list(
        CaseFact.objects.filter(check_at__lte=now)
        .order_by("check_at")
        .values_list("case_id", flat=True)[:limit]
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def rebuild(
    org: OrgUnit, since: date | None = None, *, batch: int = 2000, now: datetime | None = None
) -> dict[str, int]:
    """Recompute the facts of the organisation's cases received from ``since`` (local day) on, and
    its rollup from that day on. Running it twice gives the same rows."""
    now = now or clock.now()
    cases: QuerySet[Case] = Case.objects.filter(org=org).select_related("org")
    if since is not None:
        cases = cases.filter(received_at__gte=_day_start(since))
    calendars: dict[int, WorkingCalendar] = {}
    roots = _category_roots()
    done = 0
    last = 0
    while True:
        chunk = list(cases.filter(pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            break
        facts, returns = compute_batch(chunk, now, calendars=calendars, roots=roots)
        with transaction.atomic():
            save_facts(facts, returns)
        done += len(facts)
        last = chunk[-1].pk
    stats = rebuild_rollup(org, since)
    return {"facts": done, "cells": stats}


def rebuild_rollup(org: OrgUnit, since: date | None = None) -> int:
    """Recompute the daily rollup of the organisation from ``since`` from its facts: one
    INSERT … SELECT … GROUP BY cell (the same aggregates as a single cell's refresh), then the
    returns' counts into those cells (and the cells that only have returns)."""
    facts = CaseFact.objects.filter(org=org)
    returns = ReturnFact.objects.filter(org=org)
    stale = DailyStat.objects.filter(org=org)
    if since is not None:
        facts, returns, stale = (
            facts.filter(day__gte=since),
            returns.filter(day__gte=since),
            stale.filter(day__gte=since),
        )
    aggs = fact_aggregates()
    table = connection.ops.quote_name(DailyStat._meta.db_table)
    cells = ", ".join(CELL)
    measures = list(aggs)
    select_facts = facts.order_by().values(*CELL).annotate(**aggs).values_list(*CELL, *measures)
    select_returns = (
        returns.order_by().values(*CELL).annotate(**_return_aggregates()).values_list(*CELL, *RETURN_FIELDS)
    )
    facts_sql, facts_params = select_facts.query.sql_with_params()
    returns_sql, returns_params = select_returns.query.sql_with_params()
    same_cell = " AND ".join(f"d.{c} = r.{c}" for c in CELL)
    # Table and column names come from the models; every value is a query parameter.
    with transaction.atomic(), connection.cursor() as cursor:
        stale.delete()
        cursor.execute(
            f"INSERT INTO {table} ({cells}, {', '.join(measures)}, {', '.join(RETURN_FIELDS)}) "  # noqa: S608
            f"SELECT f.*, 0, 0 FROM ({facts_sql}) f",
            facts_params,
        )
        created = cursor.rowcount
        cursor.execute(
            f"UPDATE {table} AS d SET returned = r.returned, refused_returns = r.refused_returns "  # noqa: S608
            f"FROM ({returns_sql}) r WHERE {same_cell}",
            returns_params,
        )
        cursor.execute(
            f"INSERT INTO {table} ({cells}, {', '.join(measures)}, {', '.join(RETURN_FIELDS)}) "  # noqa: S608
            f"SELECT {', '.join('r.' + c for c in CELL)}, {', '.join('0' for _m in measures)}, "
            f"r.returned, r.refused_returns FROM ({returns_sql}) r "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE {same_cell})",
            returns_params,
        )
        created += cursor.rowcount
    rebuild_periods(org, since)
    return created
