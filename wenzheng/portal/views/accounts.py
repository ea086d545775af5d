"""Citizens' accounts: register and log in with a mobile number or email; my messages."""

from __future__ import annotations

import secrets

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenzheng.accounts.models import User
from wenzheng.core.pagination import keyset_page
from wenzheng.portal.forms import RegisterForm


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["login"]
        is_email = "@" in value
        try:
            with transaction.atomic():
                user = User(
                    # A mobile number is not the user name: user names are stored in clear, phones
                    # encrypted. The citizen logs in with the number (PhoneOrEmailBackend).
                    username=value if is_email else f"m-{secrets.token_hex(8)}",
                    email=value if is_email else "",
                    phone="" if is_email else value,
                    full_name=form.cleaned_data["full_name"],
                )
                user.set_password(form.cleaned_data["password1"])
                user.save()
        except IntegrityError:
            form.add_error("login", _("An account with this login exists already; log in instead."))
        else:
            login(request, user, backend="wenzheng.accounts.backends.PhoneOrEmailBackend")
            return redirect("portal:my")
    return render(
        request, "portal/register.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required(login_url="portal:login")
def my_messages(request: HttpRequest) -> HttpResponse:
    qs = request.user.cases.all()  # type: ignore[union-attr,misc]
    page = keyset_page(qs, request.GET.get("cursor"), size=20)
    return render(request, "portal/my.html", {"page": page})
