"""Observation in the workbench: preview any recent period's public figures and publish or
withdraw it (supervisors, administrators; analysts preview)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.accounts.models import OrgUnit
from wenzheng.core.errors import DomainError
from wenzheng.participation.observation import actions
from wenzheng.participation.observation.access import manager_authority, readable_orgs
from wenzheng.participation.observation.forms import PeriodForm
from wenzheng.participation.observation.models import Grain, PublishedPeriod, period_label
from wenzheng.participation.observation.selectors import observation_table, period_range, recent_periods
from wenzheng.workbench.views.common import staff_required


def _org(request: HttpRequest) -> tuple[list[OrgUnit], OrgUnit]:
    orgs = readable_orgs(request.user)
    if not orgs:
        raise Http404
    code = request.GET.get("org") or request.POST.get("org_code")
    return orgs, next((o for o in orgs if o.code == code), orgs[0])


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    orgs, org = _org(request)
    published = {(p.grain, p.start): p for p in PublishedPeriod.objects.filter(org=org)}
    offered = recent_periods()
    periods = [
        {
            "grain": grain,
            "start": start,
            "label": period_label(grain, start),
            "published": published.get((grain, start)),
        }
        for grain, start in offered
    ]
    grain = request.GET.get("grain") or Grain.MONTH
    try:
        chosen = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        grain, chosen = offered[1]  # last month: the latest that is complete
    if grain not in Grain.values:
        grain = Grain.MONTH
    start, end = period_range(grain, chosen)
    context = {
        "orgs": orgs,
        "org": org,
        "periods": periods,
        "grain": grain,
        "start": start,
        "end": end,
        "label": period_label(grain, start),
        "current": published.get((grain, start)),
        "rows": observation_table(org, start, end),
        "can_publish": manager_authority(request.user, org) is not None,
    }
    return render(request, "observation/workbench/index.html", context)


@require_POST
@staff_required
def publish(request: HttpRequest) -> HttpResponse:
    orgs, _org_unused = _org(request)
    form = PeriodForm(request.POST, orgs=orgs)
    if not form.is_valid():
        messages.error(request, _("Choose a period to publish."))
        return redirect("workbench:observation:index")
    data = form.cleaned_data
    try:
        period = actions.do_publish_period(
            data["org"], acting_user=request.user, grain=data["grain"], start=data["start"]
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("workbench:observation:index")
    messages.success(request, _("The figures of %(period)s are on the portal.") % {"period": period})
    return redirect(_back(period))


@require_POST
@staff_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    orgs = readable_orgs(request.user)
    period = PublishedPeriod.objects.filter(pk=pk, org__in=orgs).select_related("org").first()
    if period is None:
        raise Http404
    try:
        actions.do_withdraw_period(period, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The figures of %(period)s were withdrawn from the portal.") % {"period": period}
        )
    return redirect(_back(period))


def _back(period: PublishedPeriod) -> str:
    query = f"?org={period.org.code}&grain={period.grain}&start={period.start.isoformat()}"
    return reverse("workbench:observation:index") + query
