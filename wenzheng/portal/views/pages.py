"""Home, public board, large-text switch."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from wenzheng.accounts.models import Mailbox
from wenzheng.core.pagination import keyset_page
from wenzheng.portal.forms import BoardFilterForm
from wenzheng.portal.models import PublicEntry
from wenzheng.portal.search import board_entries
from wenzheng.portal.selectors import portal_org, unit_rates

LARGE_TEXT_COOKIE = "wz_large_text"


def home(request: HttpRequest) -> HttpResponse:
    org = portal_org()
    return render(
        request,
        "portal/home.html",
        {
            "org": org,
            "latest": PublicEntry.objects.filter(org=org)
            .select_related("lead_unit")
            .order_by("-published_at", "-pk")[:8],
            "rates": unit_rates(org),
            "mailboxes": Mailbox.objects.filter(is_active=True, office__path__startswith=org.path).order_by(
                "code"
            ),
            "hotline": settings.WENZHENG_HOTLINE,
            "intake_email": settings.WENZHENG_INTAKE_EMAIL,
        },
    )


def board(request: HttpRequest) -> HttpResponse:
    org = portal_org()
    form = BoardFilterForm(request.GET or None, org=org)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = board_entries(**{k: v for k, v in filters.items() if v}).filter(org=org).select_related("lead_unit")
    page = keyset_page(qs, request.GET.get("cursor"), size=20, field="published_at")
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(request, "portal/board.html", {"form": form, "page": page, "params": params.urlencode()})


def board_detail(request: HttpRequest, number: str) -> HttpResponse:
    entry = PublicEntry.objects.select_related("lead_unit", "territory").filter(number=number).first()
    if entry is None:  # private, unpublished or unknown: all the same to the public
        raise Http404
    return render(request, "portal/board_detail.html", {"entry": entry})


def large_text(request: HttpRequest) -> HttpResponse:
    """Switch the large-text mode for older readers; remembered in a cookie for a year."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response
