"""Citizens log in with their mobile phone number or email address and a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from wenzheng.accounts.models import User


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        if not login:
            return None
        query = Q(email__iexact=login) if "@" in login else User.phone_lookup(login)
        user = User.objects.filter(query).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint that the login exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
