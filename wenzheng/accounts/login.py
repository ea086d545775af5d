"""Login forms that throttle password guessing (workbench, portal and the admin site).

Three lock-outs, kept in the cache by ``wenzheng.core.throttle.Lockout``, checked *before* the
password is, so a locked login costs no password hash and reveals nothing:

- one login name from one address: ``WENZHENG_LOGIN_FAILURES`` (5) failures within
  ``WENZHENG_LOGIN_WINDOW_MINUTES`` (15) lock that pair for ``WENZHENG_LOGIN_LOCK_MINUTES`` (15).
  A colleague mistyping does not lock anyone else out.
- one login name from anywhere: four times that many failures lock the name itself. This stops
  guessing spread over many addresses; the price is that someone who knows a login name can keep
  it locked by failing on purpose, which is why the threshold is higher and the lock is temporary.
- one address: ``WENZHENG_LOGIN_FAILURES_PER_IP`` (50) failures lock the address, whatever the
  names (a guesser trying one password against many names).

A successful login clears the failures of its name and address pair. A phone number is one login
however it is written (``phone_key``). Keys are stored as keyed digests (see core.throttle).
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _

from wenzheng.core import throttle
from wenzheng.lib.phones import phone_key

LOCKOUT = throttle.Lockout()
PAIR_SCOPE = "login-pair"
NAME_SCOPE = "login-name"
IP_SCOPE = "login-ip"
NAME_FACTOR = 4


def login_name_key(username: str) -> str:
    value = (username or "").strip()
    if "@" not in value and len(phone_key(value)) >= 7 and not any(ch.isalpha() for ch in value):
        return "phone:" + phone_key(value)
    return "name:" + value.casefold()


def _limits() -> dict[str, tuple[int, int, int]]:
    window = settings.WENZHENG_LOGIN_WINDOW_MINUTES * 60
    lock = settings.WENZHENG_LOGIN_LOCK_MINUTES * 60
    failures = settings.WENZHENG_LOGIN_FAILURES
    return {
        PAIR_SCOPE: (failures, window, lock),
        NAME_SCOPE: (failures * NAME_FACTOR, window, lock),
        IP_SCOPE: (settings.WENZHENG_LOGIN_FAILURES_PER_IP, window, lock),
    }


def _keys(request: Any, username: str) -> dict[str, str]:
    name = login_name_key(username)
    address = throttle.client_ip(request) if request is not None else ""
    return {PAIR_SCOPE: f"{name}|{address}", NAME_SCOPE: name, IP_SCOPE: address}


def locked_seconds(request: Any, username: str) -> int:
    """Seconds until this login may be tried again (0 when it may be tried now)."""
    keys = _keys(request, username)
    return max(LOCKOUT.is_locked(scope, key) for scope, key in keys.items())


def record_failure(request: Any, username: str) -> int:
    keys = _keys(request, username)
    limits = _limits()
    left = 0
    for scope, key in keys.items():
        limit, window, lock = limits[scope]
        left = max(left, LOCKOUT.fail(scope, key, limit=limit, window_seconds=window, lock_seconds=lock))
    return left


def record_success(request: Any, username: str) -> None:
    LOCKOUT.reset(PAIR_SCOPE, _keys(request, username)[PAIR_SCOPE])


def locked_error(seconds: int) -> forms.ValidationError:
    minutes = max(1, math.ceil(seconds / 60))
    return forms.ValidationError(
        _("Too many failed logins. Try again in %(minutes)s minutes.") % {"minutes": minutes},
        code="locked",
    )


class ThrottledLoginMixin:
    request: Any
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # type: ignore[misc]
        left = locked_seconds(self.request, username)
        if left:
            raise locked_error(left)
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            left = record_failure(self.request, username)
            if left:
                raise locked_error(left) from None
            raise
        record_success(self.request, username)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The workbench's and the portal's login form."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's login form."""
