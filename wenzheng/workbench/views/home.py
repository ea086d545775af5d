"""Each role's home: its queues with counts, and one queue as a keyset-paged list."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from wenzheng.accounts.policy import memberships_of
from wenzheng.casework.queues import QUEUES, queue_cases, queues_for
from wenzheng.casework.selectors import for_case_rows
from wenzheng.core.pagination import keyset_page
from wenzheng.workbench.views.common import is_htmx, staff_required, user_roles

# Counting a queue stops here: "999+" is as useful as an exact figure, and costs a bounded scan.
COUNT_CAP = 1000
PREVIEW = 5


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    cards = []
    for queue in queues_for(request.user):
        qs = queue_cases(request.user, queue.key)
        count = qs[:COUNT_CAP].count()
        top = list(qs.select_related("lead_unit").order_by("-received_at", "-pk")[:PREVIEW]) if count else []
        cards.append({"queue": queue, "count": count, "capped": count >= COUNT_CAP, "top": top})
    return render(
        request,
        "workbench/home.html",
        {"cards": cards, "roles": user_roles(request.user), "memberships": memberships_of(request.user)},
    )


@staff_required
def queue_list(request: HttpRequest, key: str) -> HttpResponse:
    if key not in QUEUES or QUEUES[key] not in queues_for(request.user):
        raise Http404
    qs = for_case_rows(queue_cases(request.user, key))
    page = keyset_page(qs, request.GET.get("cursor"))
    template = "workbench/partials/case_rows.html" if is_htmx(request) else "workbench/queue.html"
    return render(request, template, {"queue": QUEUES[key], "page": page})
