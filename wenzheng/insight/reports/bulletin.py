"""The monthly bulletin (通报) of an organisation: the units' rates and assessment ranking, praise
and criticism, and per unit the "completed late" and "overdue, not done" lists (逾期办结、逾期未办).

Which cases (docs/reports.md):
- rates, ranking and "completed late" follow the statistics' cohort: the messages *received* in
  the month and what has become of them when the bulletin is issued (docs/metrics.md);
- "overdue, not done" is the outstanding backlog: every message received up to the month's end
  that is still open with a handling clock past due when the bulletin is issued, so a message
  received in an earlier month and still overdue is not forgotten.
Lists come from ``cases_behind`` (the facts), the working days late from the cases' clocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, CaseClock
from wenzheng.casework.models.sla import ClockKind
from wenzheng.casework.sla import calendar_for
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.insight.metrics.assessment import UnitScore, assessment_scores, month_range
from wenzheng.insight.metrics.selectors import MetricRow, cases_behind, metrics_table, metrics_total, percent
from wenzheng.lib.masking import mask_text

HANDLING_CLOCKS = (ClockKind.OPINION, ClockKind.REPLY, ClockKind.COMPLETION)
# "Overdue, not done" looks back this far for the backlog (the facts are kept for every case).
BACKLOG_SINCE = date(2000, 1, 1)
PRAISE_LIMIT = 3
CRITICISM_LIMIT = 3
NO_UNIT = "未交办"
CLOSED_UNANSWERED = (State.MERGED, State.REJECTED, State.WITHDRAWN)


@dataclass(frozen=True)
class LateItem:
    number: str
    subject: str  # masked
    unit: str
    received_at: datetime
    due_at: datetime | None  # the due time of its latest handling clock
    days_late: int  # working days (at issue time for a clock still running)
    state: str


@dataclass(frozen=True)
class Mention:
    """A unit praised or criticised, with the figures that earned it."""

    unit: str
    reason: str


@dataclass
class Bulletin:
    org_name: str
    org_code: str
    month: str  # "2026-10"
    start: date
    end: date
    issued_at: datetime
    total: MetricRow
    rates: list[MetricRow]  # one per unit (the "not assigned" row last)
    scores: list[UnitScore]
    completed_late: list[LateItem]
    overdue_open: list[LateItem]
    praise: list[Mention] = field(default_factory=list)
    criticism: list[Mention] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return f"{self.start.year}年{self.start.month}月"


def group_by_unit(items: list[LateItem]) -> list[tuple[str, list[LateItem]]]:
    """Items per unit, units in order of their number of items (most first), then by name."""
    groups: dict[str, list[LateItem]] = defaultdict(list)
    for item in items:
        groups[item.unit].append(item)
    return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))


def late_items(org: OrgUnit, cases: QuerySet[Case], now: datetime) -> list[LateItem]:
    """The cases with how late each one is: the worst of its handling clocks (stopped late, or
    still running past its due time at ``now``)."""
    rows = list(cases.select_related("lead_unit").order_by("received_at", "pk"))
    calendar = calendar_for(org)
    worst: dict[int, tuple[int, datetime]] = {}
    clocks = CaseClock.objects.filter(case__in=rows, kind__in=HANDLING_CLOCKS, is_cancelled=False)
    for c in clocks.order_by("handling_round", "due_at"):
        if c.stopped_at is not None:
            late = c.late_working_days if c.is_late else 0
        else:
            late = calendar.working_days_late(c.due_at, now) if c.due_at < now else 0
        if late and late >= worst.get(c.case_id, (0, c.due_at))[0]:
            worst[c.case_id] = (late, c.due_at)
    items = [
        LateItem(
            number=case.number,
            subject=mask_text(case.subject),
            unit=case.lead_unit.name if case.lead_unit else NO_UNIT,
            received_at=case.received_at,
            due_at=worst[case.pk][1] if case.pk in worst else None,
            days_late=worst[case.pk][0] if case.pk in worst else 0,
            state=str(case.get_state_display()),
        )
        for case in rows
    ]
    return sorted(items, key=lambda i: (i.unit, -i.days_late, i.number))


def _praise(rates: list[MetricRow], blamed: set[str]) -> list[Mention]:
    """Units that completed cases, none of them late, best on-time completion then satisfaction."""
    candidates = [
        r
        for r in rates
        if r.key and r.counts["completed"] and not r.counts["overdue"] and r.label not in blamed
    ]
    candidates.sort(key=lambda r: (-(r.on_time_completion_rate or 0), -(r.satisfaction_rate or 0), r.label))
    return [
        Mention(
            r.label,
            f"受理{r.counts['accepted']}件，办结{r.counts['completed']}件，"
            f"按期办结率{percent(r.on_time_completion_rate)}，满意率{percent(r.satisfaction_rate)}，无逾期。",
        )
        for r in candidates[:PRAISE_LIMIT]
    ]


def _criticism(completed_late: list[LateItem], overdue_open: list[LateItem]) -> list[Mention]:
    late: dict[str, int] = defaultdict(int)
    open_: dict[str, int] = defaultdict(int)
    for item in completed_late:
        late[item.unit] += 1
    for item in overdue_open:
        open_[item.unit] += 1
    units = sorted(set(late) | set(open_), key=lambda u: (-(late[u] + open_[u]), -open_[u], u))
    return [
        Mention(
            unit,
            f"逾期办结{late[unit]}件，逾期未办结{open_[unit]}件，请限期办结并说明原因。",
        )
        for unit in units[:CRITICISM_LIMIT]
    ]


def build_bulletin(org: OrgUnit, month: str, *, now: datetime | None = None) -> Bulletin:
    """The bulletin of ``org`` for ``month`` ("YYYY-MM"), as it stands at ``now``."""
    start, end = month_range(month)
    now = now or clock.now()
    overdue = cases_behind(org, "overdue", start, end)
    completed = cases_behind(org, "completed", start, end)
    completed_late = late_items(org, overdue.filter(pk__in=completed.values("pk")), now)
    backlog = (
        cases_behind(org, "overdue", BACKLOG_SINCE, end)
        .exclude(pk__in=cases_behind(org, "completed", BACKLOG_SINCE, end).values("pk"))
        .exclude(state__in=CLOSED_UNANSWERED)
    )
    overdue_open = late_items(org, backlog, now)
    rates = metrics_table(org, start, end, by="unit")
    blamed = {i.unit for i in completed_late} | {i.unit for i in overdue_open}
    return Bulletin(
        org_name=org.name,
        org_code=org.code,
        month=f"{start.year}-{start.month:02d}",
        start=start,
        end=end,
        issued_at=now,
        total=metrics_total(org, start, end),
        rates=rates,
        scores=assessment_scores(org, start, end),
        completed_late=completed_late,
        overdue_open=overdue_open,
        praise=_praise(rates, blamed),
        criticism=_criticism(completed_late, overdue_open),
    )
