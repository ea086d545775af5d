"""Public pages of leaders' reports and commitments: the overview with the archive by month, a
month's reports, a unit's and a leader's page, a report and a commitment with its progress."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from wenzheng.accounts.models import OrgUnit
from wenzheng.participation.commitments.access import public_commitments, public_leaders, public_reports
from wenzheng.participation.commitments.selectors import (
    commitments_with_progress,
    report_months,
    reports_of_month,
    unit_leaders,
    units_with_publications,
)

PAGE = 24


def index(request: HttpRequest) -> HttpResponse:
    context = {
        "units": units_with_publications(),
        "months": report_months(),
        "latest": public_reports().select_related("unit", "leader").order_by("-published_at", "-pk")[:8],
    }
    return render(request, "commitments/portal/index.html", context)


def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    try:
        first = date(year, month, 1)
    except ValueError as exc:
        raise Http404 from exc
    return render(
        request,
        "commitments/portal/month.html",
        {"month": first, "reports": list(reports_of_month(first)), "months": report_months()},
    )


def unit(request: HttpRequest, code: str) -> HttpResponse:
    found = OrgUnit.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise Http404
    reports = list(
        public_reports().filter(unit=found).select_related("leader").order_by("-period", "pk")[:PAGE]
    )
    commitments = list(
        commitments_with_progress(public_commitments().filter(unit=found)).order_by("target_date", "pk")
    )
    leaders = unit_leaders(found)
    if not (reports or commitments or leaders):
        raise Http404
    context = {"unit": found, "leaders": leaders, "reports": reports, "commitments": commitments}
    return render(request, "commitments/portal/unit.html", context)


def leader(request: HttpRequest, pk: int) -> HttpResponse:
    profile = public_leaders().select_related("unit").filter(pk=pk).first()
    if profile is None:
        raise Http404
    reports = list(public_reports().filter(leader=profile).order_by("-period", "pk")[:PAGE])
    commitments = list(
        commitments_with_progress(public_commitments().filter(leader=profile)).order_by("target_date")
    )
    context = {"leader": profile, "reports": reports, "commitments": commitments}
    return render(request, "commitments/portal/leader.html", context)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = public_reports().select_related("unit", "leader").filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "commitments/portal/report.html", {"report": found})


def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    found = commitments_with_progress(public_commitments()).filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "commitments/portal/commitment.html", {"commitment": found})
