"""Supervision: overdue and near-due cases by unit, with urging, key supervision and send-back on
each case page."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenzheng.accounts.roles import Role
from wenzheng.casework.models import CaseClock
from wenzheng.casework.queues import queue_cases
from wenzheng.core import clock
from wenzheng.workbench.views.common import role_required

LIST_LIMIT = 200


@role_required(Role.SUPERVISOR)
def supervision(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    overdue = list(queue_cases(request.user, "overdue").select_related("lead_unit", "category")[:LIST_LIMIT])
    due_soon = list(
        queue_cases(request.user, "due_soon").select_related("lead_unit", "category")[:LIST_LIMIT]
    )
    running = CaseClock.objects.filter(case__in=[*overdue, *due_soon], stopped_at__isnull=True).order_by(
        "due_at"
    )
    first_due: dict[int, CaseClock] = {}
    for c in running:
        first_due.setdefault(c.case_id, c)
    by_unit = Counter(c.lead_unit.name if c.lead_unit else "—" for c in overdue)
    return render(
        request,
        "workbench/supervision.html",
        {
            "overdue": [(c, first_due.get(c.pk)) for c in overdue],
            "due_soon": [(c, first_due.get(c.pk)) for c in due_soon],
            "by_unit": by_unit.most_common(),
            "now": now,
        },
    )
