"""The contact access log for supervisors and administrators: who saw which complainant's contact
details unmasked, when and where (wenzheng/casework/contact_log.py), newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenzheng.casework.contact_log import LOG_READERS, visible_contact_accesses
from wenzheng.core.pagination import keyset_page
from wenzheng.workbench.views.common import role_required

PAGE_SIZE = 50


@role_required(*LOG_READERS)
def contact_log(request: HttpRequest) -> HttpResponse:
    qs = visible_contact_accesses(request.user).select_related("case", "user")
    number = (request.GET.get("case") or "").strip()[:40]
    viewer = (request.GET.get("user") or "").strip()[:150]
    if number:
        qs = qs.filter(case__number=number.upper())
    if viewer:
        qs = qs.filter(user__username=viewer)
    page = keyset_page(qs, request.GET.get("cursor"), size=PAGE_SIZE, field="at")
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(
        request,
        "workbench/contact_log.html",
        {"page": page, "number": number, "viewer": viewer, "params": params.urlencode()},
    )
