"""Tracking a message with its number and query code (or one's account), rating the reply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenzheng.casework import actions
from wenzheng.casework.access import access_case_by_query_code
from wenzheng.casework.models import Case, CaseClock, ReplyStatus
from wenzheng.casework.models.sla import ClockKind
from wenzheng.casework.selectors import get_public_timeline
from wenzheng.casework.workflow import BEFORE_PUBLICATION, State
from wenzheng.core import throttle
from wenzheng.core.errors import DomainError, NotFound
from wenzheng.portal.forms import RateForm, TrackForm

SESSION_KEY = "wenzheng_tracked"
LOCK_SCOPE = "portal-track"
LOCK_AFTER = 5
LOCK_WINDOW = 15 * 60
LOCK_SECONDS = 15 * 60
LOCKOUT = throttle.Lockout()


def remember_code(request: HttpRequest, number: str, code: str) -> None:
    tracked = dict(request.session.get(SESSION_KEY, {}))
    tracked[number] = code
    request.session[SESSION_KEY] = dict(list(tracked.items())[-20:])


def _code_for(request: HttpRequest, number: str) -> str | None:
    code = request.session.get(SESSION_KEY, {}).get(number)
    return code if isinstance(code, str) else None


def _tracked_case(request: HttpRequest, number: str) -> tuple[Case, str | None] | None:
    """The case if this visitor may follow it: by the code they gave, or as its author."""
    code = _code_for(request, number)
    if code:
        try:
            return access_case_by_query_code(number, code), code
        except NotFound:
            return None
    user = request.user
    if user.is_authenticated:
        case = Case.objects.filter(number=number, citizen=user).first()
        if case is not None:
            return case, None
    return None


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        key = f"{throttle.client_ip(request)}|{number}"
        ip_key = throttle.client_ip(request)
        locked = max(LOCKOUT.is_locked(LOCK_SCOPE, key), LOCKOUT.is_locked(LOCK_SCOPE, ip_key))
        if locked:
            form.add_error(
                None,
                _("Too many wrong attempts. Please try again in %(minutes)s minutes.")
                % {"minutes": max(1, round(locked / 60))},
            )
        else:
            try:
                access_case_by_query_code(number, form.cleaned_data["code"])
            except NotFound:
                LOCKOUT.fail(
                    LOCK_SCOPE, key, limit=LOCK_AFTER, window_seconds=LOCK_WINDOW, lock_seconds=LOCK_SECONDS
                )
                LOCKOUT.fail(
                    LOCK_SCOPE,
                    ip_key,
                    limit=LOCK_AFTER * 4,
                    window_seconds=LOCK_WINDOW,
                    lock_seconds=LOCK_SECONDS,
                )
                form.add_error(None, _("No message matches this number and query code."))
            else:
                LOCKOUT.reset(LOCK_SCOPE, key)
                remember_code(request, number, form.cleaned_data["code"].strip().upper())
                return redirect("portal:tracked", number=number)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/track.html", {"form": form}, status=status)


def _due(case: Case) -> Any:
    clock = (
        CaseClock.objects.filter(case=case, kind=ClockKind.COMPLETION, stopped_at__isnull=True)
        .order_by("-pk")
        .first()
        or CaseClock.objects.filter(case=case, stopped_at__isnull=True).order_by("due_at").first()
    )
    return clock.due_at if clock else None


def tracked(request: HttpRequest, number: str) -> HttpResponse:
    found = _tracked_case(request, number)
    if found is None:
        return redirect(f"/track/?number={number}")
    case, _code = found
    reply = (
        case.replies.filter(status=ReplyStatus.PUBLISHED)
        .select_related("unit")
        .order_by("-published_at")
        .first()
    )
    return render(
        request,
        "portal/tracked.html",
        {
            "case": case,
            "timeline": get_public_timeline(case),
            "due": _due(case) if case.state in BEFORE_PUBLICATION else None,
            "reply": reply,
            "rate_form": RateForm() if case.state == State.PUBLISHED else None,
            "can_withdraw": case.state in BEFORE_PUBLICATION,
        },
    )


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    found = _tracked_case(request, number)
    if found is None:
        return redirect(f"/track/?number={number}")
    case, code = found
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            actions.do_rate(
                case,
                result=form.cleaned_data["result"],
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
                query_code=code,
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Thank you. Your rating has been recorded."))
        return redirect("portal:tracked", number=number)
    reply = case.replies.filter(status=ReplyStatus.PUBLISHED).order_by("-published_at").first()
    return render(
        request,
        "portal/tracked.html",
        {"case": case, "timeline": get_public_timeline(case), "reply": reply, "rate_form": form, "due": None},
        status=400,
    )


@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    found = _tracked_case(request, number)
    if found is None:
        return redirect(f"/track/?number={number}")
    case, code = found
    try:
        actions.do_withdraw(
            case, acting_user=request.user, query_code=code, reason=(request.POST.get("reason") or "")[:500]
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your message has been withdrawn."))
    return redirect("portal:tracked", number=number)
