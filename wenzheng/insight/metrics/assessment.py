"""Assessment of units (考核) from the rollup, with the organisation's scheme. The formula is in
docs/metrics.md; it is computed in decimals so that a hand computation matches to the cent."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.metrics.models import AssessmentScheme
from wenzheng.insight.metrics.schemes import scheme_for
from wenzheng.insight.metrics.selectors import MetricRow, metrics_table

CENT = Decimal("0.01")


@dataclass
class UnitScore:
    unit_id: int
    unit: str
    assigned: int
    accepted: int
    response: Decimal | None  # claimed in time / assigned
    resolution: Decimal | None  # completed on time / accepted
    satisfaction: Decimal | None  # (satisfied + w × basically satisfied) / rated
    base: Decimal  # 100 × Σ weight × rate / Σ weight, over the components that have a rate
    deduction_counts: dict[str, int] = field(default_factory=dict)
    deductions: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    rank: int = 0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("response", "resolution", "satisfaction", "base", "deductions", "total"):
            value = data[name]
            data[name] = None if value is None else str(value)
        return data


def _rate(num: Decimal | int, den: int) -> Decimal | None:
    return Decimal(num) / Decimal(den) if den else None


def score_row(row: MetricRow, scheme: AssessmentScheme) -> UnitScore:
    c = row.counts
    response = _rate(c["claimed_in_time"], c["assigned"])
    resolution = _rate(c["completed_on_time"], c["accepted"])
    satisfaction = _rate(c["satisfied"] + scheme.basic_satisfied_weight * c["basic"], c["rated"])
    parts = [
        (scheme.response_weight, response),
        (scheme.resolution_weight, resolution),
        (scheme.satisfaction_weight, satisfaction),
    ]
    weights = sum((w for w, r in parts if r is not None), Decimal(0))
    earned = sum((w * r for w, r in parts if r is not None), Decimal(0))
    base = (Decimal(100) * earned / weights).quantize(CENT, ROUND_HALF_UP) if weights else Decimal(0)
    counts = {
        "overdue_unextended": c["overdue_unextended"],
        "late_claims": c["late_claims"],
        "refused_returns": c["refused_returns"],
        "sent_back": c["sent_back"],
    }
    deductions = (
        counts["overdue_unextended"] * scheme.deduction_overdue
        + counts["late_claims"] * scheme.deduction_late_claim
        + counts["refused_returns"] * scheme.deduction_refused_return
        + counts["sent_back"] * scheme.deduction_send_back
    ).quantize(CENT, ROUND_HALF_UP)
    return UnitScore(
        unit_id=row.key,
        unit=row.label,
        assigned=c["assigned"],
        accepted=c["accepted"],
        response=response,
        resolution=resolution,
        satisfaction=satisfaction,
        base=base,
        deduction_counts=counts,
        deductions=deductions,
        total=base - deductions,
    )


def rank(scores: list[UnitScore]) -> list[UnitScore]:
    """Highest total first; equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.unit, s.unit_id))
    for i, score in enumerate(ordered):
        same = i > 0 and ordered[i - 1].total == score.total
        score.rank = ordered[i - 1].rank if same else i + 1
    return ordered


def assessment_scores(org: OrgUnit, start: date, end: date) -> list[UnitScore]:
    """Every unit that had a case assigned among the cases received in [start, end], scored and
    ranked. A year is scored from the year's counts (not as an average of its months)."""
    scheme = scheme_for(org)
    rows = metrics_table(org, start, end, by="unit")
    return rank([score_row(r, scheme) for r in rows if r.key and r.counts["assigned"]])


def month_range(month: str) -> tuple[date, date]:
    """ "2026-10" → (2026-10-01, 2026-10-31)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return date(year, number, 1), date(year, number, _calendar.monthrange(year, number)[1])
    except ValueError as exc:
        raise ValueError(f"A month is written YYYY-MM, not {month!r}") from exc


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)
