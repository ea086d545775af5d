"""The public observation page (问政观察): units' rates and ranking for a published period."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from wenzheng.participation.observation.models import Grain, PublishedPeriod
from wenzheng.participation.observation.selectors import observation_table, public_periods


def _page(request: HttpRequest, period: PublishedPeriod | None) -> HttpResponse:
    periods = list(public_periods().order_by("grain", "-start"))
    grouped = [(label, [p for p in periods if p.grain == grain]) for grain, label in Grain.choices]
    context = {
        "period": period,
        "rows": observation_table(period.org, period.start, period.end) if period else [],
        "grouped": [(label, items) for label, items in grouped if items],
    }
    return render(request, "observation/portal/index.html", context)


def index(request: HttpRequest) -> HttpResponse:
    latest = public_periods().order_by("-published_at", "-pk").first()
    return _page(request, latest)


def period(request: HttpRequest, pk: int) -> HttpResponse:
    found = public_periods().filter(pk=pk).first()
    if found is None:
        raise Http404
    return _page(request, found)
