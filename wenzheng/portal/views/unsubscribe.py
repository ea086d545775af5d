"""A citizen's unsubscribe link: stop non-essential messages about one case, or to their contact."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from wenzheng.core import clock
from wenzheng.lib.masking import mask_email, mask_phone
from wenzheng.notifications.models import OptOutScope
from wenzheng.notifications.optout import case_from_token, citizen_addresses, do_opt_out


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows the choice: mail scanners follow links, and must not unsubscribe anyone.
    case = case_from_token(token)
    if case is None:
        raise Http404
    addresses = citizen_addresses(case)
    done = ""
    if request.method == "POST":
        scope = request.POST.get("scope", "")
        if scope in OptOutScope.values:
            do_opt_out(case, scope, at=clock.now())
            done = scope
    return render(
        request,
        "portal/unsubscribe.html",
        {
            "number": case.number,
            "phone": mask_phone(addresses["sms"]),
            "email": mask_email(addresses["email"]),
            "done": done,
        },
    )
