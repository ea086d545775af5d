"""Assessment schemes: the presets shipped and the scheme in force for an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from wenzheng.accounts.models import OrgUnit
from wenzheng.insight.metrics.models import AssessmentScheme


@dataclass(frozen=True)
class SchemePreset:
    key: str
    title: str
    response_weight: Decimal
    resolution_weight: Decimal
    satisfaction_weight: Decimal
    basic_satisfied_weight: Decimal
    deduction_overdue: Decimal
    deduction_late_claim: Decimal
    deduction_refused_return: Decimal
    deduction_send_back: Decimal


D = Decimal
PRESETS: dict[str, SchemePreset] = {
    p.key: p
    for p in [
        # Resolution weighs most: the documents publish on-time completion first; Chenghua deducts
        # for every overdue case without an approved extension; "kicking the ball" is penalised.
        SchemePreset(
            "standard", "标准：响应 30、办结 50、满意 20", D(30), D(50), D(20), D(1), D(2), D(1), D(1), D(1)
        ),
        # Where satisfaction weighs more (Wuhan publishes satisfaction beside on-time completion)
        # and "basically satisfied" counts for 0.8 of "satisfied".
        SchemePreset(
            "satisfaction",
            "重满意度：响应 20、办结 40、满意 40",
            D(20),
            D(40),
            D(40),
            D("0.8"),
            D(2),
            D(1),
            D(1),
            D(2),
        ),
    ]
}
DEFAULT_PRESET = "standard"


def default_scheme(org: OrgUnit | None = None) -> AssessmentScheme:
    """An unsaved scheme with the standard preset's values."""
    p = PRESETS[DEFAULT_PRESET]
    return AssessmentScheme(
        org=org,
        name=p.title,
        preset=p.key,
        response_weight=p.response_weight,
        resolution_weight=p.resolution_weight,
        satisfaction_weight=p.satisfaction_weight,
        basic_satisfied_weight=p.basic_satisfied_weight,
        deduction_overdue=p.deduction_overdue,
        deduction_late_claim=p.deduction_late_claim,
        deduction_refused_return=p.deduction_refused_return,
        deduction_send_back=p.deduction_send_back,
    )


def scheme_for(org: OrgUnit) -> AssessmentScheme:
    """The organisation's scheme, or the standard preset if its administrator has not set one."""
    scheme = AssessmentScheme.objects.filter(org=org).first()
    return scheme if scheme is not None else default_scheme(org)


def do_apply_scheme_preset(org: OrgUnit, key: str) -> AssessmentScheme:
    if key not in PRESETS:
        raise ValueError(f"Unknown assessment preset {key!r}; known: {', '.join(sorted(PRESETS))}")
    p = PRESETS[key]
    scheme, _created = AssessmentScheme.objects.update_or_create(
        org=org,
        defaults={
            "name": p.title,
            "preset": p.key,
            "response_weight": p.response_weight,
            "resolution_weight": p.resolution_weight,
            "satisfaction_weight": p.satisfaction_weight,
            "basic_satisfied_weight": p.basic_satisfied_weight,
            "deduction_overdue": p.deduction_overdue,
            "deduction_late_claim": p.deduction_late_claim,
            "deduction_refused_return": p.deduction_refused_return,
            "deduction_send_back": p.deduction_send_back,
        },
    )
    return scheme
