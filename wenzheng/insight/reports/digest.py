"""The weekly public-opinion digest (舆情信息周报) after Gansu's "1532" method.

Of the "2" report forms: the week's immediate special reports (专报: the router's ``Alert`` rows,
one per major-sensitive message) come first; then the weekly compilation of important,
representative and typical messages, grouped by territory and, within it, by unit. The
selection rule, with its constants, is explained in docs/reports.md:

1. important (重要): every message graded important or major and sensitive;
2. representative (代表性): one message for each topic (registered category, or the router's
   suggested category when it is confident, × territory) raised at least REPRESENTATIVE_MIN
   times in the week, counting merged duplicates and linked cases;
3. typical (典型性): of the rest, those that show strong feeling or a handling problem — repeated
   (duplicates / links), key supervision, urged, returned, the citizen unsatisfied, or flagged
   by the router's sensitive screen below the major threshold — highest score first, at most
   TYPICAL_LIMIT.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, CaseLink, Grade, Satisfaction
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.insight.metrics.selectors import MetricRow, metrics_table
from wenzheng.insight.reports.periods import week_range
from wenzheng.insight.router.models import Alert, Suggestion, kind_labels
from wenzheng.lib.masking import mask_text

REPRESENTATIVE_MIN = 3  # messages on one topic in the week (itself, duplicates and links included)
TYPICAL_LIMIT = 20
CONFIDENCE_MIN = 0.6  # the router's suggested category groups an unregistered message from here
SENSITIVE_MIN = 0.5  # the sensitive screen's score that makes a message typical (major is higher)
EXCERPT = 120  # characters of the (masked) body
NOT_COUNTED = (State.MERGED, State.REJECTED, State.WITHDRAWN)
GRADE_LABELS: dict[str, str] = {Grade.GENERAL: "一般", Grade.IMPORTANT: "重要", Grade.MAJOR: "重大敏感"}
NO_TERRITORY = "未定属地"
NO_UNIT = "未交办"


@dataclass
class DigestItem:
    number: str
    received_at: datetime
    subject: str  # masked
    excerpt: str  # masked
    category: str
    territory: str
    unit: str
    grade: str
    state: str
    similar: int  # messages on its topic this week, itself included
    territory_key: int = 0  # ids as the statistics key them (0: none)
    unit_key: int = 0
    kind: str = ""  # special / important / representative / typical
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SpecialReport:
    item: DigestItem
    raised_at: datetime
    kinds: list[str]
    acknowledged: bool


HOT_ISSUES = 5  # hot issues of the week in the digest


@dataclass(frozen=True)
class HotItem:
    """A hot issue of the week (wenzheng.insight.hotspots): figures of the week's messages."""

    rank: int
    title: str  # masked
    territory: str
    place: str
    size: int
    writers: int
    likes: int
    heat: float
    first: datetime
    last: datetime
    recent: int
    previous: int
    surging: bool
    numbers: list[str]  # representative cases


@dataclass
class Digest:
    org_name: str
    org_code: str
    week: str
    start: date
    end: date
    issued_at: datetime
    received: int
    graded: dict[str, int]
    specials: list[SpecialReport]
    groups: list[tuple[str, list[tuple[str, list[DigestItem]]]]]  # territory → unit → items
    by_territory: list[MetricRow]
    by_unit: list[MetricRow]
    hot_issues: list[HotItem] = field(default_factory=list)

    @property
    def selected(self) -> list[DigestItem]:
        return [i for _, units in self.groups for _, items in units for i in items]

    @property
    def period_label(self) -> str:
        year, number, _ = self.start.isocalendar()
        return (
            f"{year}年第{number}周（{self.start.month}月{self.start.day}日—"
            f"{self.end.month}月{self.end.day}日）"
        )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = clock.local_tz()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _item(case: Case, similar: int) -> DigestItem:
    return DigestItem(
        number=case.number,
        received_at=case.received_at,
        subject=mask_text(case.subject),
        excerpt=mask_text(" ".join(case.body.split())[:EXCERPT]),
        category=case.category.full_name if case.category else "未分类",
        territory=case.territory.name if case.territory else NO_TERRITORY,
        unit=case.lead_unit.name if case.lead_unit else NO_UNIT,
        grade=GRADE_LABELS.get(case.grade, case.grade),
        state=str(case.get_state_display()),
        similar=similar,
        territory_key=case.territory_id or 0,
        unit_key=case.lead_unit_id or 0,
    )


def _topic(case: Case, suggestion: Suggestion | None) -> tuple[int, int] | None:
    category = case.category_id
    territory = case.territory_id
    if suggestion is not None:
        if category is None and suggestion.confidence >= CONFIDENCE_MIN:
            category = suggestion.category_id
        if territory is None and suggestion.territory_confidence >= CONFIDENCE_MIN:
            territory = suggestion.territory_id
    return None if category is None else (category, territory or 0)


def _typical_score(case: Case, volume: int, suggestion: Suggestion | None) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if volume > 1:
        score += volume - 1
        reasons.append(f"重复反映{volume}次")
    if case.is_key_supervised:
        score += 2
        reasons.append("重点督办")
    if case.urge_count:
        score += case.urge_count
        reasons.append(f"催办{case.urge_count}次")
    if case.return_count:
        score += case.return_count
        reasons.append("曾被退回")
    if case.satisfaction == Satisfaction.UNSATISFIED or case.handling_round > 1:
        score += 2
        reasons.append("群众不满意")
    sensitive = (suggestion.sensitive or {}).get("score", 0.0) if suggestion else 0.0
    if sensitive >= SENSITIVE_MIN:
        score += 1
        reasons.append("涉敏感内容")
    return score, reasons


def build_digest(org: OrgUnit, week: str, *, now: datetime | None = None) -> Digest:
    start, end = week_range(week)
    since, until = _bounds(start, end)
    cases = list(
        Case.objects.filter(org=org, received_at__gte=since, received_at__lt=until)
        .exclude(state__in=NOT_COUNTED)
        .select_related("category", "territory", "lead_unit")
        .order_by("received_at", "pk")
    )
    ids = [c.pk for c in cases]
    suggestions = {s.case_id: s for s in Suggestion.objects.filter(case_id__in=ids)}
    volume: Counter[int] = Counter({pk: 1 for pk in ids})
    for into in Case.objects.filter(merged_into_id__in=ids).values_list("merged_into_id", flat=True):
        volume[into] += 1
    for a, b in CaseLink.objects.filter(case_id__in=ids).values_list("case_id", "other_id"):
        volume[a] += 1
        if b in volume:
            volume[b] += 1
    topics = {c.pk: _topic(c, suggestions.get(c.pk)) for c in cases}
    topic_volume: Counter[tuple[int, int]] = Counter()
    for c in cases:
        topic = topics[c.pk]
        if topic is not None:
            topic_volume[topic] += volume[c.pk]

    def similar(case: Case) -> int:
        topic = topics[case.pk]
        return topic_volume[topic] if topic is not None else volume[case.pk]

    alerts = list(
        Alert.objects.filter(org=org, created_at__gte=since, created_at__lt=until)
        .select_related("case__category", "case__territory", "case__lead_unit")
        .order_by("created_at", "pk")
    )
    specials = [
        SpecialReport(
            item=_item(a.case, similar(a.case) if a.case_id in topics else 1),
            raised_at=a.created_at,
            kinds=kind_labels(a.kinds),
            acknowledged=a.acknowledged_at is not None,
        )
        for a in alerts
    ]
    taken = {a.case_id for a in alerts}
    chosen: list[DigestItem] = []
    covered: set[tuple[int, int]] = set()
    for case in cases:
        if case.pk in taken or case.grade == Grade.GENERAL:
            continue
        item = _item(case, similar(case))
        item.kind, item.reasons = "important", [f"{item.grade}舆情"]
        if item.similar >= REPRESENTATIVE_MIN and topics[case.pk] is not None:
            item.reasons.append(f"同类留言{item.similar}件")
            covered.add(topics[case.pk])  # type: ignore[arg-type]
        chosen.append(item)
        taken.add(case.pk)
    by_topic: dict[tuple[int, int], list[Case]] = defaultdict(list)
    for case in cases:
        topic = topics[case.pk]
        if topic is not None and case.pk not in taken and topic not in covered:
            by_topic[topic].append(case)
    for topic, members in by_topic.items():
        if topic_volume[topic] < REPRESENTATIVE_MIN:
            continue
        best = max(members, key=lambda c: (volume[c.pk], c.is_key_supervised, c.urge_count, -c.pk))
        item = _item(best, topic_volume[topic])
        item.kind, item.reasons = "representative", [f"同类留言{item.similar}件"]
        chosen.append(item)
        taken.add(best.pk)
    typical: list[tuple[float, Case, list[str]]] = []
    for case in cases:
        if case.pk in taken:
            continue
        score, reasons = _typical_score(case, volume[case.pk], suggestions.get(case.pk))
        if score > 0:
            typical.append((score, case, reasons))
    typical.sort(key=lambda t: (-t[0], t[1].received_at, t[1].pk))
    for _, case, reasons in typical[:TYPICAL_LIMIT]:
        item = _item(case, similar(case))
        item.kind, item.reasons = "typical", reasons
        chosen.append(item)
    return Digest(
        org_name=org.name,
        org_code=org.code,
        week=f"{start.isocalendar()[0]}-W{start.isocalendar()[1]:02d}",
        start=start,
        end=end,
        issued_at=now or clock.now(),
        received=len(cases),
        graded=dict(Counter(GRADE_LABELS.get(c.grade, c.grade) for c in cases)),
        specials=specials,
        groups=_group(chosen),
        by_territory=metrics_table(org, start, end, by="territory"),
        by_unit=metrics_table(org, start, end, by="unit"),
        hot_issues=hot_issues_of(org, start, end),
    )


def hot_issues_of(org: OrgUnit, start: date, end: date) -> list[HotItem]:
    """The week's hottest issues: heat of the week's messages of each issue (docs/hotspots.md)."""
    from wenzheng.insight.hotspots.selectors import top_issues

    ranked = top_issues(org, start, end, limit=HOT_ISSUES)
    reps = {r.issue.pk: r.issue.representatives[:3] for r in ranked}
    numbers = dict(
        Case.objects.filter(pk__in=[c for ids in reps.values() for c in ids]).values_list("pk", "number")
    )
    return [
        HotItem(
            rank=n,
            title=mask_text(r.issue.title),
            territory=r.issue.territory.name if r.issue.territory else NO_TERRITORY,
            place=r.issue.place,
            size=r.figures.size,
            writers=r.figures.authors,
            likes=r.figures.likes,
            heat=r.heat.value,
            first=r.figures.first_at,
            last=r.figures.last_at,
            recent=r.figures.recent,
            previous=r.figures.previous,
            surging=r.issue.surging,
            numbers=[numbers[c] for c in reps[r.issue.pk] if c in numbers],
        )
        for n, r in enumerate(ranked, 1)
    ]


KIND_ORDER = {"important": 0, "representative": 1, "typical": 2}


def _group(items: list[DigestItem]) -> list[tuple[str, list[tuple[str, list[DigestItem]]]]]:
    tree: dict[str, dict[str, list[DigestItem]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        tree[item.territory][item.unit].append(item)
    out = []
    for territory, units in tree.items():
        ordered = [
            (unit, sorted(members, key=lambda i: (KIND_ORDER.get(i.kind, 9), i.received_at, i.number)))
            for unit, members in sorted(units.items(), key=lambda u: (-len(u[1]), u[0]))
        ]
        out.append((territory, ordered))
    out.sort(key=lambda t: (t[0] == NO_TERRITORY, -sum(len(m) for _, m in t[1]), t[0]))
    return out
