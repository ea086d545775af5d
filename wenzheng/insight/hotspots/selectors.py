"""Reading hot issues: the ranking of any period and territory, and an issue's messages.

A period's ranking is computed from ``IssueMembership`` (one indexed row per grouped case, with its
time, votes, territory, channel and author key) aggregated per issue in the database, then heat in
Python for the issues with at least ``MIN_SIZE`` messages in the period — never from the ledger.
Growth compares the period's last 7 days with the 7 days before; persistence is the span inside
the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.insight.hotspots.actions import weights_for
from wenzheng.insight.hotspots.heat import GROWTH_DAYS, Figures, Heat, heat
from wenzheng.insight.hotspots.models import MIN_SIZE, HotIssue, IssueMembership, SurgeWarning


@dataclass(frozen=True)
class RankedIssue:
    issue: HotIssue
    figures: Figures
    heat: Heat

    @property
    def trend(self) -> str:
        if self.figures.recent > self.figures.previous:
            return "up"
        if self.figures.recent < self.figures.previous:
            return "down"
        return "flat"


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = clock.local_tz()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=tz
    )


def top_issues(
    org: OrgUnit,
    start: date,
    end: date,
    *,
    territory: OrgUnit | None = None,
    limit: int = 20,
    issues: QuerySet[HotIssue] | None = None,
) -> list[RankedIssue]:
    """The hottest issues of ``org`` with messages received from ``start`` to ``end`` (inclusive),
    optionally only those in ``territory``'s subtree, best first."""
    since, until = bounds(start, end)
    recent_from = until - timedelta(days=GROWTH_DAYS)
    previous_from = until - timedelta(days=2 * GROWTH_DAYS)
    rows = IssueMembership.objects.filter(org=org, received_at__gte=since, received_at__lt=until)
    if territory is not None:
        rows = rows.filter(issue__territory__path__startswith=territory.path)
    if issues is not None:
        rows = rows.filter(issue__in=issues)
    aggregated = (
        rows.values("issue_id")
        .annotate(
            n=Count("id"),
            likes_sum=Sum("likes"),
            against_sum=Sum("against"),
            first=Min("received_at"),
            last=Max("received_at"),
            recent_n=Count("id", filter=Q(received_at__gte=recent_from)),
            previous_n=Count("id", filter=Q(received_at__gte=previous_from, received_at__lt=recent_from)),
            authors_n=Count("author", distinct=True),
            territories_n=Count("territory_id_copy", distinct=True),
            channels_n=Count("channel", distinct=True),
        )
        .filter(n__gte=MIN_SIZE)
    )
    weights = weights_for(org)
    scored: list[tuple[float, int, Figures, Heat]] = []
    for r in aggregated:
        f = Figures(
            size=r["n"],
            likes=r["likes_sum"] or 0,
            against=r["against_sum"] or 0,
            first_at=r["first"],
            last_at=r["last"],
            recent=r["recent_n"],
            previous=r["previous_n"],
            authors=max(1, r["authors_n"]),
            territories=max(1, r["territories_n"]),
            channels=max(1, r["channels_n"]),
        )
        h = heat(f, weights)
        scored.append((h.value, r["issue_id"], f, h))
    scored.sort(key=lambda s: (-s[0], -s[2].size, s[1]))
    chosen = scored[:limit]
    by_id = HotIssue.objects.select_related("territory", "common_problem").in_bulk([s[1] for s in chosen])
    return [RankedIssue(by_id[pk], f, h) for _v, pk, f, h in chosen if pk in by_id]


def open_surges(org_ids: list[int]) -> QuerySet[SurgeWarning]:
    return (
        SurgeWarning.objects.filter(org_id__in=org_ids, acknowledged_at__isnull=True)
        .select_related("issue")
        .order_by("-raised_at", "-pk")
    )


def member_cases(issue: HotIssue) -> QuerySet[IssueMembership]:
    return issue.memberships.select_related("case", "case__lead_unit", "case__territory").order_by(
        "-received_at"
    )
