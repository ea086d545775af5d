"""Writing a message: one form, similar answered messages offered while typing, anti-spam."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wenzheng.accounts.policy import has_any_role
from wenzheng.casework import actions
from wenzheng.casework.models.case import Channel
from wenzheng.core import throttle
from wenzheng.core.errors import DomainError
from wenzheng.core.forms import domain_error_field
from wenzheng.portal import captcha
from wenzheng.portal.forms import WriteForm
from wenzheng.portal.selectors import looks_like_emergency, portal_org, similar_answered, topic_and_place
from wenzheng.portal.views.track import remember_code

WRITE_SCOPE = captcha.WRITE_SCOPE


def _citizen(request: HttpRequest) -> object | None:
    user = request.user
    return user if user.is_authenticated and not has_any_role(user) else None


def write(request: HttpRequest) -> HttpResponse:
    org = portal_org()
    ip = throttle.client_ip(request)
    needs_captcha = captcha.is_required(request)
    citizen = _citizen(request)
    initial = {"mailbox": request.GET.get("mailbox") and _mailbox_pk(org, request.GET["mailbox"])}
    if citizen is not None:
        initial |= {
            "contact_name": getattr(citizen, "full_name", ""),
            "contact_phone": getattr(citizen, "phone", ""),
            "contact_email": getattr(citizen, "email", ""),
        }
    form = WriteForm(
        request.POST or None,
        org=org,
        files_list=request.FILES.getlist("attachments"),
        needs_captcha=needs_captcha,
        initial=initial,
    )
    question = None
    if request.method == "POST":
        limit = settings.WENZHENG_SUBMISSIONS_PER_HOUR
        if throttle.count(WRITE_SCOPE, ip, window_seconds=3600) >= limit:
            form.add_error(
                None, _("Too many messages from your network in the last hour; please try again later.")
            )
        elif needs_captcha and not captcha.check_answer(request.session, form.data.get("captcha", "")):
            form.add_error("captcha", _("The answer is not right; here is a new question."))
        if not form.errors and form.is_valid():
            data = form.cleaned_data
            mailbox = data["mailbox"]
            try:
                receipt = actions.do_receive_message(
                    channel=Channel.MAILBOX if mailbox else Channel.WEB,
                    org=None if mailbox else org,
                    mailbox=mailbox,
                    subject=data["subject"],
                    body=data["body"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    is_public=data["is_public"],
                    attachments=request.FILES.getlist("attachments"),
                    citizen=citizen,
                    acting_user=request.user,
                    territory=data["territory"],
                    category=data["category"],
                )
            except DomainError as error:
                form.add_error(domain_error_field(form, error), str(error.message))
            else:
                throttle.hit(WRITE_SCOPE, ip, limit=10**6, window_seconds=3600)
                remember_code(request, receipt.case.number, receipt.query_code)
                request.session["just_written"] = {"number": receipt.case.number, "code": receipt.query_code}
                return redirect("portal:written")
    if "captcha" in form.fields:
        question = captcha.new_challenge(request.session)
    return render(
        request,
        "portal/write.html",
        {"form": form, "question": question, "org": org},
        status=400 if request.method == "POST" else 200,
    )


def _mailbox_pk(org: object, code: str) -> int | None:
    from wenzheng.accounts.models import Mailbox

    box = Mailbox.objects.filter(code=code, is_active=True).first()
    return box.pk if box else None


def written(request: HttpRequest) -> HttpResponse:
    """The number and query code, shown once right after sending."""
    receipt = request.session.pop("just_written", None)
    if not receipt:
        return redirect("portal:track")
    return render(request, "portal/written.html", {"receipt": receipt})


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """htmx, while typing: similar messages already answered, and the emergency reminder."""
    org = portal_org()
    subject = (request.GET.get("subject") or "")[:200]
    body = (request.GET.get("body") or "")[:2000]
    similar = similar_answered(org, subject, body) if len(subject) >= 4 else []
    return render(
        request,
        "portal/partials/suggestions.html",
        {
            "similar": similar,
            "emergency": looks_like_emergency(subject + body),
            "guess": topic_and_place(org, subject, body) if len(subject) + len(body) >= 6 else None,
        },
    )
