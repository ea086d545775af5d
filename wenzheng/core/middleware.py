"""Security middleware: the idle timeout of sessions and the response headers Django does not set.

Idle timeout. A workbench left open on a shared office computer shows citizens' contact details to
whoever sits down next, so a staff session ends after ``WENZHENG_STAFF_IDLE_MINUTES`` (30) without
a request; a citizen's after ``WENZHENG_CITIZEN_IDLE_MINUTES`` (120: older citizens type slowly
and their sessions show only their own messages). The last request's time is kept in the session
and written at most once a minute, so browsing does not save the session on every request. When
the limit has passed the user is logged out before the view runs: the view then sees an anonymous
user and sends them to its login page, where a message says why. An htmx request gets an
``HX-Redirect`` to that login page, so a fragment is never replaced by a login form.

Headers. SecurityMiddleware sets nosniff, Referrer-Policy and Cross-Origin-Opener-Policy and
ContentSecurityPolicyMiddleware the CSP (both configured in settings); this adds
Permissions-Policy (no camera, microphone, location, payment … for any page), and
``Cache-Control: private, no-store`` on responses to logged-in users, whose pages carry personal
data that must not stay in a shared browser's or a proxy's cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

_now: Callable[[], float] = time.time

LAST_SEEN = "wz_last_seen"
IDLE_LIMIT = "wz_idle_limit"
# The last-seen time is rewritten only when it is this old: one session write a minute at most.
TOUCH_SECONDS = 60

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


def idle_limit_seconds(user: Any) -> int:
    """Staff (members of a unit, or admin-site users) get the short limit, citizens the long one."""
    is_staff = bool(getattr(user, "is_staff", False)) or user.memberships.exists()
    minutes = settings.WENZHENG_STAFF_IDLE_MINUTES if is_staff else settings.WENZHENG_CITIZEN_IDLE_MINUTES
    return int(minutes) * 60


@receiver(user_logged_in, dispatch_uid="wenzheng.core.middleware.start_idle_clock")
def start_idle_clock(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN] = int(_now())
        session[IDLE_LIMIT] = idle_limit_seconds(user)


def _login_url(request: HttpRequest) -> str:
    workbench = reverse("workbench:home")
    name = "workbench:login" if request.path.startswith(workbench) else "portal:login"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(_now())
            limit = session.get(IDLE_LIMIT)
            if not isinstance(limit, int):
                limit = session[IDLE_LIMIT] = idle_limit_seconds(user)
            last = session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > limit:
                logout(request)
                messages.info(
                    request, _("You were logged out after a period without activity. Please log in again.")
                )
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = _login_url(request)
                    return response
            elif not isinstance(last, int) or now - last >= TOUCH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response
