"""Shared helpers of the workbench views: staff-only access and domain errors as messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from wenzheng.accounts.models import OrgUnit
from wenzheng.accounts.policy import has_any_role, memberships_of, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.core.errors import DomainError, NotFound

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Logged-in users with at least one membership; citizens and strangers get a 404 (the
    workbench does not exist for them), anonymous users the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_any_role(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapper


def role_required(*roles: Role) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_any_role(request.user, roles):
                raise Http404
            return view(request, *args, **kwargs)

        return staff_required(wrapper)

    return decorator


def report_error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, str(error.message))


def user_roles(user: Any) -> set[str]:
    return {m.role for m in memberships_of(user)}


def ledger_queryset(user: Any, roles: set[Role] | None = None) -> QuerySet[OrgUnit]:
    """The ledgers (organisations running one) within the user's oversight jurisdictions, as one
    condition (usable as a subquery)."""
    within = Q()
    for jurisdiction in oversight_scopes(user, roles) if roles else oversight_scopes(user):
        within |= Q(path__startswith=jurisdiction.path)
    if not within:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(within, runs_ledger=True)


def ledger_orgs(user: Any, roles: set[Role] | None = None) -> list[OrgUnit]:
    """``ledger_queryset`` as a list, by path."""
    return list(ledger_queryset(user, roles).order_by("path"))


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then gets a fragment, not the whole page)."""
    details = getattr(request, "htmx", None)
    return isinstance(details, HtmxDetails) and bool(details)
