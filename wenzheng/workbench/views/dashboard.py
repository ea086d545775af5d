"""Dashboards for supervisors, analysts and administrators: trends, categories, territories, units,
time-limit compliance and satisfaction of one ledger, read from the pre-aggregated tables through
the metrics selectors (never the ledger), with a drill-down from every figure to its cases.

Definitions of every figure: docs/metrics.md; what each chart shows: docs/dashboards.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.roles import Role
from wenzheng.casework.access import visible_cases
from wenzheng.casework.models import Category
from wenzheng.casework.selectors import for_case_rows
from wenzheng.core import clock
from wenzheng.core.dbrouter import read_alias
from wenzheng.core.pagination import keyset_page
from wenzheng.insight.metrics.selectors import (
    DIMENSIONS,
    METRICS,
    MetricRow,
    cases_behind,
    labels_for,
    metrics_series,
    metrics_table,
    metrics_total,
    percent,
)
from wenzheng.workbench.charts import Bar, Series, bar_chart, line_chart
from wenzheng.workbench.forms import UnitChoiceField, territories_of, units_of
from wenzheng.workbench.views.common import is_htmx, ledger_orgs, role_required

DASHBOARD_ROLES = (Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR)
MAX_DAYS = 3 * 366
MAX_DAILY_DAYS = 92
STEPS = [("day", gettext_lazy("Day")), ("week", gettext_lazy("Week")), ("month", gettext_lazy("Month"))]
DATE = forms.DateInput(attrs={"type": "date"})
# Names of the counts a drill-down lists (the others show their code).
METRIC_LABELS = {
    "received": gettext_lazy("Received"),
    "accepted": gettext_lazy("Accepted"),
    "assigned": gettext_lazy("Assigned"),
    "claimed_in_time": gettext_lazy("Claimed in time"),
    "completed": gettext_lazy("Completed"),
    "completed_on_time": gettext_lazy("Completed on time"),
    "overdue": gettext_lazy("Overdue"),
    "returned": gettext_lazy("Returned"),
    "rated": gettext_lazy("Rated"),
    "satisfied": gettext_lazy("Satisfied"),
    "basic": gettext_lazy("Basically satisfied"),
    "unsatisfied": gettext_lazy("Unsatisfied"),
}


class CategoryRootField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class DashboardForm(forms.Form):
    """The filters: which ledger, which days received, which period step, and one unit, territory
    and first-level category (each optional). Choices are scoped to the chosen ledger."""

    org = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=OrgUnit.objects.none())
    start = forms.DateField(label=gettext_lazy("Received from"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("Received to"), widget=DATE)
    step = forms.ChoiceField(label=gettext_lazy("Trend by"), choices=STEPS, initial="day", required=False)
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none(), required=False)
    territory = UnitChoiceField(
        label=gettext_lazy("Territory"), queryset=OrgUnit.objects.none(), required=False
    )
    category = CategoryRootField(
        label=gettext_lazy("Category"), queryset=Category.objects.filter(parent__isnull=True), required=False
    )

    def __init__(self, data: Any, *, orgs: list[OrgUnit]) -> None:
        today = clock.now().astimezone(clock.local_tz()).date()
        initial = {"org": orgs[0].pk if orgs else None, "start": today - timedelta(days=29), "end": today}
        merged = {**initial, **{k: v for k, v in data.items() if v not in ("", None)}}
        super().__init__(merged)
        self.fields["org"].queryset = OrgUnit.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]
        chosen = next((o for o in orgs if str(o.pk) == str(merged.get("org"))), orgs[0] if orgs else None)
        if chosen is not None:
            self.fields["unit"].queryset = units_of(chosen)  # type: ignore[attr-defined]
            self.fields["territory"].queryset = territories_of(chosen)  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["org"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        data["step"] = data.get("step") or "day"
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
            if data["step"] == "day" and (end - start).days >= MAX_DAILY_DAYS:
                data["step"] = "week"  # a daily trend over months is unreadable
        return data


class DrillForm(DashboardForm):
    metric = forms.ChoiceField(choices=[(m, m) for m in METRICS])
    by = forms.ChoiceField(choices=[(d, d) for d in DIMENSIONS], required=False)
    key = forms.IntegerField(required=False, min_value=0)


@dataclass
class Filters:
    org: OrgUnit
    start: date
    end: date
    step: str
    unit: OrgUnit | None
    territory: OrgUnit | None
    category: Category | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Filters:
        values: dict[str, Any] = {name: data.get(name) for name in cls.__dataclass_fields__}
        return cls(**values)

    def selector_kwargs(self) -> dict[str, Any]:
        return {"unit": self.unit, "territory": self.territory, "category": self.category}

    def drill(self, metric: str, *, by: str | None = None, key: Any = None, period: Any = None) -> str:
        start, end = period or (self.start, self.end)
        query: dict[str, Any] = {"org": self.org.pk, "start": start, "end": end, "metric": metric}
        for name in ("unit", "territory", "category"):
            value = getattr(self, name)
            if value is not None:
                query[name] = value.pk
        if by is not None:
            query.update(by=by, key=key)
        return reverse("workbench:dashboard_cases") + "?" + urlencode(query)


def _rate_bar(label: str, rate: float | None, num: int, den: int, href: str) -> Bar:
    return Bar(label, rate or 0.0, f"{percent(rate)} ({num}/{den})", href)


def _period_end(first: date, step: str, end: date) -> date:
    if step == "day":
        last = first
    elif step == "week":
        last = first + timedelta(days=6 - first.weekday())
    else:
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return min(last, end)


def _trend(f: Filters) -> dict[str, Any]:
    rows = metrics_series(f.org, f.start, f.end, f.step, **f.selector_kwargs())  # type: ignore[arg-type]
    periods = [(max(r.key, f.start), _period_end(r.key, f.step, f.end)) for r in rows]
    labels = [r.key.strftime("%Y-%m" if f.step == "month" else "%m-%d") for r in rows]
    lines = [
        Series(
            str(name),
            [r.counts[metric] for r in rows],
            [f.drill(metric, period=p) for p in periods],
        )
        for metric, name in (("received", _("Received")), ("completed", _("Completed")))
    ]
    table = [
        {
            "label": r.key.isoformat(),
            "received": (r.received, f.drill("received", period=p)),
            "completed": (r.completed, f.drill("completed", period=p)),
            "completed_on_time": (r.completed_on_time, f.drill("completed_on_time", period=p)),
        }
        for r, p in zip(rows, periods, strict=True)
    ]
    return {"chart": line_chart(labels, lines, title=_("Received and completed")), "rows": table}


def _dimension(f: Filters, by: str, title: str) -> dict[str, Any]:
    rows = metrics_table(f.org, f.start, f.end, by=by, **f.selector_kwargs())  # type: ignore[arg-type]
    bars = [Bar(r.label, r.received, href=f.drill("received", by=by, key=r.key)) for r in rows]
    return {
        "chart": bar_chart(bars, title=title),
        "rows": [_dimension_row(f, by, r) for r in rows],
    }


def _dimension_row(f: Filters, by: str, r: MetricRow) -> dict[str, Any]:
    def cell(metric: str) -> tuple[int, str]:
        return r.counts[metric], f.drill(metric, by=by, key=r.key)

    return {
        "label": r.label,
        "received": cell("received"),
        "assigned": cell("assigned"),
        "claimed_in_time": cell("claimed_in_time"),
        "completed": cell("completed"),
        "completed_on_time": cell("completed_on_time"),
        "overdue": cell("overdue"),
        "returned": cell("returned"),
        "completion_rate": percent(r.completion_rate),
        "on_time_completion_rate": percent(r.on_time_completion_rate),
        "satisfaction_rate": percent(r.satisfaction_rate),
    }


def _compliance(f: Filters, total: MetricRow, units: list[MetricRow]) -> dict[str, Any]:
    bars = [
        _rate_bar(
            _("Claimed in time"),
            total.claim_in_time_rate,
            total.claimed_in_time,
            total.assigned,
            f.drill("claimed_in_time"),
        ),
        _rate_bar(
            _("Completed on time"),
            total.on_time_completion_rate,
            total.completed_on_time,
            total.accepted,
            f.drill("completed_on_time"),
        ),
        _rate_bar(_("Overdue"), total.overdue_rate, total.overdue, total.accepted, f.drill("overdue")),
    ]
    per_unit = [
        _rate_bar(
            r.label,
            r.on_time_completion_rate,
            r.completed_on_time,
            r.accepted,
            f.drill("completed_on_time", by="unit", key=r.key),
        )
        for r in units
        if r.key
    ]
    return {
        "chart": bar_chart(bars, title=_("Time-limit compliance"), maximum=1.0),
        "bars": bars,
        "units_chart": bar_chart(per_unit, title=_("On-time completion by unit"), maximum=1.0),
    }


def _satisfaction(f: Filters, total: MetricRow) -> dict[str, Any]:
    bars = [
        Bar(str(label), total.counts[metric], href=f.drill(metric))
        for metric, label in (
            ("satisfied", _("Satisfied")),
            ("basic", _("Basically satisfied")),
            ("unsatisfied", _("Unsatisfied")),
        )
    ]
    return {
        "chart": bar_chart(bars, title=_("Satisfaction (last rating of each case)")),
        "bars": bars,
        "rate": percent(total.satisfaction_rate),
        "rated": (total.rated, f.drill("rated")),
    }


def dashboard_figures(f: Filters) -> dict[str, Any]:
    """Every figure of the dashboard: nine selector calls over the rollup tables."""
    total = metrics_total(f.org, f.start, f.end, **f.selector_kwargs())
    units = metrics_table(f.org, f.start, f.end, by="unit", **f.selector_kwargs())
    headline = [
        (_("Received"), total.received, f.drill("received")),
        (_("Accepted"), total.accepted, f.drill("accepted")),
        (_("Completed"), total.completed, f.drill("completed")),
        (_("Completion rate"), percent(total.completion_rate), f.drill("completed")),
        (_("On-time completion rate"), percent(total.on_time_completion_rate), f.drill("completed_on_time")),
        (_("Overdue"), total.overdue, f.drill("overdue")),
        (_("Satisfaction rate"), percent(total.satisfaction_rate), f.drill("rated")),
    ]
    return {
        "filters": f,
        "headline": headline,
        "trend": _trend(f),
        "categories": _dimension(f, "category", _("Received by category")),
        "territories": _dimension(f, "territory", _("Received by territory")),
        "units": {
            "chart": bar_chart(
                [Bar(r.label, r.received, href=f.drill("received", by="unit", key=r.key)) for r in units],
                title=_("Received by unit"),
            ),
            "rows": [_dimension_row(f, "unit", r) for r in units],
        },
        "compliance": _compliance(f, total, units),
        "satisfaction": _satisfaction(f, total),
    }


def _orgs(request: HttpRequest) -> list[OrgUnit]:
    orgs = ledger_orgs(request.user, set(DASHBOARD_ROLES))
    if not orgs:
        raise Http404
    return orgs


@role_required(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET, orgs=_orgs(request))
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        context.update(dashboard_figures(Filters.of(form.cleaned_data)))
    template = "workbench/dashboard_body.html" if is_htmx(request) else "workbench/dashboard.html"
    return render(request, template, context)


@role_required(*DASHBOARD_ROLES)
def dashboard_cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure, as the user may see them, newest first, keyset pages."""
    form = DrillForm(request.GET, orgs=_orgs(request))
    if not form.is_valid():
        return render(request, "workbench/dashboard_cases.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data
    f = Filters.of(data)
    by, key = data.get("by") or None, data.get("key")
    behind = cases_behind(
        f.org, data["metric"], f.start, f.end, by=by, key=key if by else None, **f.selector_kwargs()
    )
    qs = visible_cases(request.user).filter(pk__in=behind.values("pk")).using(read_alias())
    page = keyset_page(for_case_rows(qs), request.GET.get("cursor"))
    params = request.GET.copy()
    params.pop("cursor", None)
    if is_htmx(request):
        return render(
            request, "workbench/partials/case_rows.html", {"page": page, "params": params.urlencode()}
        )
    back = request.GET.copy()
    for name in ("metric", "by", "key", "cursor"):
        back.pop(name, None)
    return render(
        request,
        "workbench/dashboard_cases.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "filters": f,
            "metric_label": METRIC_LABELS.get(data["metric"], data["metric"]),
            "key_label": labels_for(by, [key]).get(key) if by and key is not None else None,
            "back": back.urlencode(),
        },
    )
