"""The monthly feedback report (办理情况反馈): the month's totals and rates beside the previous
month's, per first-level category and per territory, the working time to claim and to reply
(exact medians and 90th percentiles), and satisfaction. Everything comes from the statistics
selectors (docs/metrics.md: cohort of the month received)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.insight.metrics.assessment import month_range
from wenzheng.insight.metrics.selectors import MetricRow, metrics_table, metrics_total, percent
from wenzheng.insight.reports.periods import previous_month

WORKDAY_MINUTES = 420

COUNTS: tuple[tuple[str, str], ...] = (
    ("received", "收到留言"),
    ("accepted", "受理"),
    ("assigned", "交办"),
    ("claimed", "认领"),
    ("replied", "回复"),
    ("completed", "办结"),
    ("completed_on_time", "按期办结"),
    ("overdue", "逾期"),
    ("extensions", "延期"),
    ("returned", "退回"),
    ("sent_back", "发回重办"),
)
RATES: tuple[tuple[str, str], ...] = (
    ("acceptance_rate", "受理率"),
    ("claim_in_time_rate", "按时认领率"),
    ("reply_rate", "回复率"),
    ("completion_rate", "办结率"),
    ("on_time_completion_rate", "按期办结率"),
    ("satisfaction_rate", "满意率"),
)
TIMES: tuple[tuple[str, str], ...] = (
    ("claim_minutes_p50", "认领用时（中位数）"),
    ("claim_minutes_p90", "认领用时（90%分位）"),
    ("reply_minutes_p50", "回复用时（中位数）"),
    ("reply_minutes_p90", "回复用时（90%分位）"),
)
SATISFACTION: tuple[tuple[str, str], ...] = (
    ("rated", "参与评价"),
    ("satisfied", "满意"),
    ("basic", "基本满意"),
    ("unsatisfied", "不满意"),
)


@dataclass(frozen=True)
class Comparison:
    label: str
    current: str
    previous: str
    change: str


@dataclass
class FeedbackReport:
    org_name: str
    org_code: str
    month: str
    previous_month: str
    start: date
    end: date
    issued_at: datetime
    current: MetricRow
    previous: MetricRow
    totals: list[Comparison]
    rates: list[Comparison]
    times: list[Comparison]
    satisfaction: list[Comparison]
    by_category: list[MetricRow]
    by_territory: list[MetricRow]

    @property
    def period_label(self) -> str:
        return f"{self.start.year}年{self.start.month}月"


def working_time(minutes: float | None) -> str:
    """Working minutes as the documents say them: hours under a working day, else working days."""
    if minutes is None:
        return "—"
    if minutes < WORKDAY_MINUTES:
        return f"{minutes / 60:.1f}工作小时"
    return f"{minutes / WORKDAY_MINUTES:.1f}个工作日"


def _count_change(now: int, before: int) -> str:
    diff = now - before
    return "持平" if diff == 0 else f"{'+' if diff > 0 else '−'}{abs(diff)}"


def _rate_change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "—"
    points = round((now - before) * 100, 1)
    return "持平" if points == 0 else f"{'+' if points > 0 else '−'}{abs(points):.1f}个百分点"


def _time_change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "—"
    diff = now - before
    return "持平" if diff == 0 else f"{'缩短' if diff < 0 else '延长'}{working_time(abs(diff))}"


def build_feedback(org: OrgUnit, month: str, *, now: datetime | None = None) -> FeedbackReport:
    start, end = month_range(month)
    before = previous_month(month)
    p_start, p_end = month_range(before)
    cur = metrics_total(org, start, end, exact_percentiles=True)
    prev = metrics_total(org, p_start, p_end, exact_percentiles=True)
    return FeedbackReport(
        org_name=org.name,
        org_code=org.code,
        month=f"{start.year}-{start.month:02d}",
        previous_month=before,
        start=start,
        end=end,
        issued_at=now or clock.now(),
        current=cur,
        previous=prev,
        totals=[
            Comparison(
                label, str(cur.counts[n]), str(prev.counts[n]), _count_change(cur.counts[n], prev.counts[n])
            )
            for n, label in COUNTS
        ],
        rates=[
            Comparison(
                label,
                percent(cur.rates[n]),
                percent(prev.rates[n]),
                _rate_change(cur.rates[n], prev.rates[n]),
            )
            for n, label in RATES
        ],
        times=[
            Comparison(
                label,
                working_time(getattr(cur, n)),
                working_time(getattr(prev, n)),
                _time_change(getattr(cur, n), getattr(prev, n)),
            )
            for n, label in TIMES
        ],
        satisfaction=[
            Comparison(
                label, str(cur.counts[n]), str(prev.counts[n]), _count_change(cur.counts[n], prev.counts[n])
            )
            for n, label in SATISFACTION
        ],
        by_category=metrics_table(org, start, end, by="category", exact_percentiles=True),
        by_territory=metrics_table(org, start, end, by="territory", exact_percentiles=True),
    )
