"""The time limits of the source documents, shipped as presets an administrator applies and edits.

Grades map as follows. Chenzhou: 一般 → general, 重要 → important, 重大敏感 → major ("1-3-1":
claim in 1 working day, handling opinion in 3, feedback to the netizen in 1). Gansu grades by
urgency and complexity (紧要 / 一般 / 复杂): 紧要 → major (assigned the same day, then the general
limit), 一般 → general (5 working days), 复杂 → important (10 working days after investigation).
Chenghua: an answer within 4 working days for every grade, longer only by an approved extension.
Jing county: at most 5 working days for every grade.
Completion clocks start when the case is assigned: the limits are the handling unit's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import SlaClockRule, SlaPolicy
from wenzheng.casework.models.case import Grade
from wenzheng.casework.models.sla import ClockKind, ClockStart, ClockUnit


@dataclass(frozen=True)
class RuleSpec:
    clock: ClockKind
    amount: int
    starts_at: ClockStart
    unit: ClockUnit = ClockUnit.WORKING_DAYS


@dataclass(frozen=True)
class PolicySpec:
    grade: Grade
    name: str
    rules: tuple[RuleSpec, ...]
    allows_extension: bool = True
    max_extension_days: int = 10


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    policies: tuple[PolicySpec, ...]


K, A, G = ClockKind, ClockStart, Grade


def _completion(days: int) -> RuleSpec:
    return RuleSpec(K.COMPLETION, days, A.ASSIGNED)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in [
        Preset(
            "chenzhou",
            "郴州：一般 7 个工作日，重要 3 个工作日，重大敏感“1-3-1”",
            (
                PolicySpec(
                    G.GENERAL, "一般舆情 7 个工作日", (RuleSpec(K.CLAIM, 1, A.ASSIGNED), _completion(7))
                ),
                PolicySpec(
                    G.IMPORTANT, "重要舆情 3 个工作日", (RuleSpec(K.CLAIM, 1, A.ASSIGNED), _completion(3))
                ),
                PolicySpec(
                    G.MAJOR,
                    "重大敏感舆情“1-3-1”",
                    (
                        RuleSpec(K.CLAIM, 1, A.ASSIGNED),
                        RuleSpec(K.OPINION, 3, A.CLAIMED),
                        RuleSpec(K.REPLY, 1, A.SUBMITTED),
                        _completion(5),
                    ),
                ),
            ),
        ),
        Preset(
            "gansu",
            "甘肃：紧要当日交办，一般 5 个工作日，复杂 10 个工作日",
            (
                PolicySpec(G.GENERAL, "一般留言 5 个工作日", (_completion(5),)),
                PolicySpec(G.IMPORTANT, "复杂留言 10 个工作日", (_completion(10),)),
                PolicySpec(G.MAJOR, "紧要留言当日交办", (RuleSpec(K.ASSIGN, 0, A.RECEIVED), _completion(5))),
            ),
        ),
        Preset(
            "chenghua",
            "成华：4 个工作日内答复，确需延期须说明客观原因",
            tuple(
                PolicySpec(
                    grade,
                    "4 个工作日答复",
                    (RuleSpec(K.CLAIM, 1, A.ASSIGNED), _completion(4)),
                    max_extension_days=10,
                )
                for grade in Grade
            ),
        ),
        Preset(
            "jingxian",
            "泾县：最长 5 个工作日办结",
            tuple(PolicySpec(grade, "5 个工作日办结", (_completion(5),)) for grade in Grade),
        ),
    ]
}


@transaction.atomic
def do_apply_preset(org: OrgUnit, key: str) -> list[SlaPolicy]:
    """Replace the organisation's active policies with the preset's (the old ones stay, inactive)."""
    if key not in PRESETS:
        raise ValueError(f"Unknown preset {key!r}; known: {', '.join(sorted(PRESETS))}")
    if not org.runs_ledger:
        raise ValueError(f"{org} does not run a ledger")
    preset = PRESETS[key]
    SlaPolicy.objects.filter(org=org, is_active=True).update(is_active=False)
    created = []
    for spec in preset.policies:
        policy = SlaPolicy.objects.create(
            org=org,
            grade=spec.grade,
            name=spec.name,
            preset=key,
            allows_extension=spec.allows_extension,
            max_extension_days=spec.max_extension_days,
        )
        SlaClockRule.objects.bulk_create(
            SlaClockRule(policy=policy, clock=r.clock, amount=r.amount, unit=r.unit, starts_at=r.starts_at)
            for r in spec.rules
        )
        created.append(policy)
    return created
