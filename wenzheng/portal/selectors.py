"""Queries behind the public pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Category, Satisfaction
from wenzheng.core import clock
from wenzheng.intake.duplicates import text_similarity
from wenzheng.portal.models import PublicEntry
from wenzheng.portal.search import tokenize

EMERGENCY_WORDS = (
    "着火",
    "火灾",
    "起火",
    "爆炸",
    "煤气泄漏",
    "燃气泄漏",
    "有人落水",
    "溺水",
    "抢劫",
    "持刀",
    "杀人",
    "打架",
    "绑架",
    "车祸",
    "昏迷",
    "晕倒",
    "心脏病",
    "大出血",
    "自杀",
    "跳楼",
    "被困",
)
RATE_DAYS = 90


def portal_org() -> OrgUnit:
    """The organisation whose ledger the portal serves (WENZHENG_PORTAL_ORG, else the first)."""
    code = getattr(settings, "WENZHENG_PORTAL_ORG", "")
    qs = OrgUnit.objects.filter(runs_ledger=True, is_active=True)
    org = (qs.filter(code=code).first() if code else None) or qs.order_by("path").first()
    if org is None:
        raise OrgUnit.DoesNotExist("No organisation runs a ledger yet.")
    return org


def looks_like_emergency(text: str) -> bool:
    return any(word in text for word in EMERGENCY_WORDS)


def similar_answered(
    org: OrgUnit, subject: str, body: str = "", *, limit: int = 5
) -> list[tuple[PublicEntry, float]]:
    """Published answers to similar messages, offered before a citizen sends a new one."""
    words = sorted({t for t in tokenize(subject) if len(t) >= 2}, key=len, reverse=True)[:4]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(search_text__contains=f" {word} ")
    candidates = PublicEntry.objects.filter(condition, org=org).order_by("-published_at")[:200]
    text = f"{subject} {body[:500]}"
    scored = [(e, text_similarity(text, f"{e.subject} {e.body[:500]}")) for e in candidates]
    scored = [(e, s) for e, s in scored if s >= 0.15]
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]


def unit_rates(org: OrgUnit) -> list[dict[str, Any]]:
    """Units' reply and satisfaction rates over the last 90 days, for the home page.

    Cached for ten minutes: a grouped count over an indexed window, not a per-view scan. The
    supervision issue replaces it with its pre-aggregated statistics.
    """
    key = f"portal-unit-rates-{org.pk}"
    rows = cache.get(key)
    if rows is not None:
        return list(rows)
    since = clock.now() - timedelta(days=RATE_DAYS)
    weight = getattr(settings, "WENZHENG_BASIC_SATISFACTION_WEIGHT", 1.0)
    grouped = (
        Case.objects.filter(org=org, assigned_at__gte=since, lead_unit__isnull=False)
        .values("lead_unit__name")
        .annotate(
            received=Count("id"),
            replied=Count("id", filter=Q(published_at__isnull=False)),
            satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basic=Count("id", filter=Q(satisfaction=Satisfaction.BASIC)),
            rated=Count("id", filter=~Q(satisfaction="")),
        )
        .order_by("-received")[:12]
    )
    rows = [
        {
            "unit": g["lead_unit__name"],
            "received": g["received"],
            "reply_rate": g["replied"] / g["received"] if g["received"] else None,
            "satisfaction": (g["satisfied"] + weight * g["basic"]) / g["rated"] if g["rated"] else None,
        }
        for g in grouped
    ]
    cache.set(key, rows, 600)
    return rows


@dataclass(frozen=True)
class Guess:
    """The router's guess of a message's topic (first-level category) and place, for the writer to
    accept or ignore: the form's own choices, nothing else."""

    category: Category | None
    territory: OrgUnit | None


def topic_and_place(org: OrgUnit | None, subject: str, body: str) -> Guess | None:
    if org is None:
        return None
    from wenzheng.insight.router.services import advise

    advice = advise(org, subject, body)
    category = None
    if advice.category_label:
        top = advice.category_label.split("/")[0]
        category = Category.objects.filter(level=1, name=top, is_active=True).first()
    territory = advice.territory if advice.territory_confidence >= 0.5 else None
    if category is None and territory is None:
        return None
    return Guess(category, territory)
