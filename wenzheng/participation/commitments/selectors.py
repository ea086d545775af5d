"""Read-only queries for leaders' reports and commitments: the portal's pages and the overview."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from wenzheng.accounts.models import OrgUnit
from wenzheng.participation.commitments.access import public_commitments, public_leaders, public_reports
from wenzheng.participation.commitments.models import (
    Commitment,
    CommitmentProgress,
    CommitmentStatus,
    WorkReport,
)
from wenzheng.participation.registry import CurrentItem


def report_months(limit: int = 36) -> list[date]:
    """Months that have published reports, newest first (the archive)."""
    return list(public_reports().dates("period", "month", order="DESC")[:limit])


def reports_of_month(month: date) -> QuerySet[WorkReport]:
    return (
        public_reports()
        .filter(period=month)
        .select_related("unit", "leader")
        .order_by("unit__path", "leader__position")
    )


def commitments_with_progress(qs: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return qs.select_related("unit", "leader").prefetch_related(
        Prefetch("progress", queryset=CommitmentProgress.objects.order_by("reported_on", "pk"))
    )


def units_with_publications() -> list[dict[str, Any]]:
    """Each unit that has published anything: its name, code and commitment counts by status."""
    statuses = ("total", "in_progress", "fulfilled", "overdue")
    counts: dict[int, dict[str, int]] = {
        row["unit"]: {
            "total": row["total"],
            "in_progress": row["in_progress"],
            "fulfilled": row["fulfilled"],
            "overdue": row["overdue"],
        }
        for row in public_commitments()
        .values("unit")
        .annotate(
            total=Count("id"),
            in_progress=Count("id", filter=Q(status=CommitmentStatus.IN_PROGRESS)),
            fulfilled=Count("id", filter=Q(status=CommitmentStatus.FULFILLED)),
            overdue=Count("id", filter=Q(status=CommitmentStatus.OVERDUE)),
        )
    }
    report_units = set(public_reports().values_list("unit", flat=True).distinct())
    units = OrgUnit.objects.filter(pk__in=set(counts) | report_units).order_by("path")
    empty = dict.fromkeys(statuses, 0)
    return [{"unit": unit, **counts.get(unit.pk, empty)} for unit in units]


def unit_leaders(unit: OrgUnit) -> list[Any]:
    return list(public_leaders().filter(unit=unit).order_by("position", "pk"))


def current_items(limit: int) -> Sequence[CurrentItem]:
    """The latest published reports (for the /participate/ overview)."""
    rows = public_reports().select_related("unit", "leader").order_by("-published_at", "-pk")[:limit]
    return [
        CurrentItem(
            title=r.title,
            url=reverse("commitments:report", args=[r.pk]),
            status=f"{r.period:%Y-%m} · {r.leader or r.unit.name}",
        )
        for r in rows
    ]
