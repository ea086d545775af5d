"""Hot issues (热点问题) in the workbench: the ranking of a period and territory with surge warnings,
an issue's page with its messages, and raising an issue as a common problem. Reads through
wenzheng.insight.hotspots (scoped selectors and access), changes through its actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.roles import Role
from wenzheng.casework.access import visible_cases
from wenzheng.core import clock
from wenzheng.core.errors import DomainError
from wenzheng.insight.hotspots import actions
from wenzheng.insight.hotspots.access import access_issue, manager_authority, visible_surges
from wenzheng.insight.hotspots.selectors import open_surges, top_issues
from wenzheng.workbench.forms import UnitChoiceField, territories_of, units_of
from wenzheng.workbench.views.common import ledger_orgs, role_required

READERS = (Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR)
MAX_DAYS = 3 * 366
SHOWN = 30
CASES_SHOWN = 200
DATE = forms.DateInput(attrs={"type": "date"})


class HotspotFilterForm(forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=OrgUnit.objects.none())
    start = forms.DateField(label=gettext_lazy("Received from"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("Received to"), widget=DATE)
    territory = UnitChoiceField(
        label=gettext_lazy("Territory"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, data: Any, *, orgs: list[OrgUnit]) -> None:
        today = clock.now().astimezone(clock.local_tz()).date()
        initial = {"org": orgs[0].pk if orgs else None, "start": today - timedelta(days=29), "end": today}
        merged = {**initial, **{k: v for k, v in data.items() if v not in ("", None)}}
        super().__init__(merged)
        self.fields["org"].queryset = OrgUnit.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]
        chosen = next((o for o in orgs if str(o.pk) == str(merged.get("org"))), orgs[0] if orgs else None)
        if chosen is not None:
            self.fields["territory"].queryset = territories_of(chosen)  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["org"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


class RaiseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    responsible_unit = UnitChoiceField(
        label=gettext_lazy("Responsible unit"), queryset=OrgUnit.objects.none()
    )

    def __init__(self, *args: Any, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units_of(org).exclude(pk=org.pk)  # type: ignore[attr-defined]


def spark(counts: list[int], width: int = 96, height: int = 24) -> str:
    """Points of an SVG polyline for the weekly counts (oldest left)."""
    if not counts:
        return ""
    peak = max(max(counts), 1)
    step = width / max(len(counts) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (c / peak) * (height - 4):.1f}" for i, c in enumerate(counts)
    )


@role_required(*READERS)
def hotspot_list(request: HttpRequest) -> HttpResponse:
    orgs = ledger_orgs(request.user, set(READERS))
    if not orgs:
        raise Http404
    form = HotspotFilterForm(request.GET, orgs=orgs)
    ranked = []
    if form.is_valid():
        data = form.cleaned_data
        ranked = top_issues(data["org"], data["start"], data["end"], territory=data["territory"], limit=SHOWN)
    surges = list(open_surges([o.pk for o in orgs])[:20])
    context = {
        "form": form,
        "ranked": [(r, spark(r.issue.weekly)) for r in ranked],
        "surges": surges,
        "can_acknowledge": any(manager_authority(request.user, o) is not None for o in orgs),
    }
    return render(request, "workbench/hotspots.html", context, status=200 if form.is_valid() else 400)


def _detail(request: HttpRequest, pk: int, form: RaiseForm | None = None, status: int = 200) -> HttpResponse:
    issue = access_issue(request.user, pk)
    cases = visible_cases(request.user).filter(hot_issue_membership__issue=issue)
    shown = list(cases.select_related("lead_unit", "territory").order_by("-received_at")[:CASES_SHOWN])
    by_id = {c.pk: c for c in cases.filter(pk__in=issue.representatives)}
    can_raise = issue.common_problem_id is None and manager_authority(request.user, issue.org) is not None
    context = {
        "issue": issue,
        "cases": shown,
        "hidden_cases": max(issue.size - cases.count(), 0),
        "representatives": [by_id[pk] for pk in issue.representatives if pk in by_id],
        "parts": sorted(issue.heat_parts.items(), key=lambda kv: -abs(kv[1])),
        "spark": spark(issue.weekly),
        "surges": list(issue.surges.order_by("-raised_at")[:10]),
        "raise_form": (form or RaiseForm(org=issue.org, initial={"title": issue.title}))
        if can_raise
        else None,
    }
    return render(request, "workbench/hotspot.html", context, status=status)


@role_required(*READERS)
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@require_POST
@role_required(*READERS)
def hotspot_raise(request: HttpRequest, pk: int) -> HttpResponse:
    issue = access_issue(request.user, pk)
    form = RaiseForm(request.POST, org=issue.org)
    if form.is_valid():
        try:
            problem = actions.do_raise_common_problem(
                issue,
                acting_user=request.user,
                responsible_unit=form.cleaned_data["responsible_unit"],
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
            return _detail(request, pk, form, status=error.http_status)
        messages.success(request, _("The hot issue was entered in the common-problem ledger."))
        return redirect("workbench:problem", pk=problem.pk)
    return _detail(request, pk, form, status=400)


@require_POST
@role_required(Role.SUPERVISOR)
def surge_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    warning = visible_surges(request.user).select_related("org", "issue").filter(pk=pk).first()
    if warning is None:
        raise Http404
    try:
        actions.do_acknowledge_surge(warning, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Surge warning acknowledged."))
    return redirect("workbench:hotspots")
