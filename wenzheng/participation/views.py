"""The portal overview of every participation component (/participate/)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from wenzheng.participation.registry import portal_components


def portal_index(request: HttpRequest) -> HttpResponse:
    sections = [(component, component.get_current_items(limit=5)) for component in portal_components()]
    return render(request, "participation/index.html", {"sections": sections})


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then gets a fragment, not the whole page)."""
    details = getattr(request, "htmx", None)
    return isinstance(details, HtmxDetails) and bool(details)
