"""The staff inbox: one's own notifications, newest first (keyset pages), marked read one by one or
all at once, and one's choice of channels per kind."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.core.pagination import keyset_page
from wenzheng.notifications.actions import do_mark_read, do_set_preferences
from wenzheng.notifications.selectors import inbox_for, preference_grid, unread_count
from wenzheng.workbench.views.common import staff_required

PAGE_SIZE = 30


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = inbox_for(request.user)
    unread_only = request.GET.get("show") == "unread"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = keyset_page(qs, request.GET.get("cursor"), size=PAGE_SIZE, field="created_at")
    return render(
        request,
        "workbench/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": unread_count(request.user),
            "grid": preference_grid(request.user),
        },
    )


@require_POST
@staff_required
def inbox_read(request: HttpRequest) -> HttpResponse:
    if request.POST.get("all"):
        do_mark_read(acting_user=request.user)
    else:
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        do_mark_read(acting_user=request.user, ids=ids)
    return redirect("workbench:inbox")


@require_POST
@staff_required
def inbox_preferences(request: HttpRequest) -> HttpResponse:
    enabled = {tuple(v.split(":", 1)) for v in request.POST.getlist("on") if ":" in v}
    do_set_preferences(acting_user=request.user, enabled={(k, c) for k, c in enabled})
    messages.success(request, _("Your notification settings are saved."))
    return redirect("workbench:inbox")
