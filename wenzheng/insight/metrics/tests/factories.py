"""Fact rows written directly, for counts too large to play through the chain in a test."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.metrics.models import CaseFact

NOON = datetime(2026, 10, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_next_id = [10_000_000]


def fact(org: OrgUnit, day: date, **values: int) -> CaseFact:
    """An accepted, assigned case's fact (no ledger row behind it) with the given counts."""
    _next_id[0] += 1
    defaults = {"received": 1, "accepted": 1, "assigned": 1}
    return CaseFact(case_id=_next_id[0], org_id=org.pk, day=day, computed_at=NOON, **(defaults | values))
