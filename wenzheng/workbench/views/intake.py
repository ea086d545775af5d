"""The intake desk: a phone appeal entered while the caller waits, registered in the same step."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenzheng.accounts.roles import Role
from wenzheng.casework import actions
from wenzheng.casework.models import Category
from wenzheng.casework.models.case import Channel
from wenzheng.core.errors import DomainError
from wenzheng.core.forms import domain_error_field
from wenzheng.workbench.forms import HotlineForm, territories_of
from wenzheng.workbench.views.common import ledger_orgs, role_required


@role_required(Role.INTAKE_OPERATOR)
def hotline(request: HttpRequest) -> HttpResponse:
    orgs = ledger_orgs(request.user, {Role.INTAKE_OPERATOR})
    if not orgs:
        messages.error(request, _("You are not an intake operator of any ledger."))
        return redirect("workbench:home")
    org = orgs[0]
    form = HotlineForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Received and registered together: a failed registration must not leave a half-entered case.
            with transaction.atomic():
                receipt = actions.do_receive_message(
                    channel=Channel.HOTLINE,
                    org=org,
                    subject=data["subject"],
                    body=data["body"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    is_public=data["is_public"],
                    acting_user=request.user,
                )
                if data["category"] is not None:
                    actions.do_register(
                        receipt.case,
                        acting_user=request.user,
                        category=data["category"],
                        grade=data["grade"],
                        territory=data["territory"],
                    )
        except DomainError as error:
            form.add_error(domain_error_field(form, error), str(error.message))
        else:
            messages.success(
                request,
                _("Case %(number)s entered. Tell the caller the number and the query code %(code)s.")
                % {"number": receipt.case.number, "code": receipt.query_code},
            )
            return redirect("workbench:hotline")
    return render(
        request,
        "workbench/hotline.html",
        {
            "form": form,
            "org": org,
            "categories": Category.objects.filter(is_active=True, level=3).values_list(
                "full_name", flat=True
            ),
            "territories": territories_of(org).values_list("name", flat=True),
        },
        status=400 if request.method == "POST" else 200,
    )
