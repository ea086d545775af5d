"""The GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2) under /open311/v2/.

Each view parses its arguments, reads through the selectors or hands one submission to
``accept``, and returns a payload; ``endpoint`` checks the format and the method and renders the
payload, or the spec's error list, as XML or JSON.

The endpoint serves one jurisdiction, the portal's organisation (``portal_org``): its services are
the category leaves, its service requests the public cases of its ledger. Reading needs no key;
posting needs an api_key from WENZHENG_OPEN311_API_KEYS.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wenzheng.accounts.models import OrgUnit
from wenzheng.core.errors import DomainError
from wenzheng.intake.channels.open311 import forms, selectors, serializers
from wenzheng.intake.channels.open311.channel import channel
from wenzheng.intake.channels.open311.errors import METHOD_NOT_ALLOWED, Open311Error, Problem
from wenzheng.intake.submission import accept
from wenzheng.portal.selectors import portal_org

Result = tuple[Any, int]
View = Callable[..., Result]
READ = ("GET", "HEAD")
CREATED = 201  # the spec names no success status; a POST that creates a request answers 201 Created


def endpoint(root: str, methods: tuple[str, ...] = READ) -> Callable[[View], Callable[..., HttpResponse]]:
    """Format and method checks, rendering, and the spec's error responses for one view."""

    def decorate(view: View) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in serializers.FORMATS:
                # XML is the format every GeoReport client reads.
                return serializers.render_errors(
                    serializers.XML,
                    Open311Error.not_found(
                        _("The format “%(format)s” is not supported: use xml or json.") % {"format": fmt[:20]}
                    ),
                )
            if request.method not in methods:
                response = serializers.render_errors(
                    fmt,
                    Open311Error(
                        Problem(
                            METHOD_NOT_ALLOWED,
                            _("The method %(method)s is not allowed here.") % {"method": request.method},
                        )
                    ),
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                payload, status = view(request, *args, **kwargs)
            except Open311Error as error:
                return serializers.render_errors(fmt, error)
            return serializers.render(fmt, root, payload, status=status)

        return wrapper

    return decorate


def _org() -> OrgUnit:
    try:
        return portal_org()
    except OrgUnit.DoesNotExist:
        raise Open311Error.bad_request(
            _("The service is not available yet: no organisation runs a ledger.")
        ) from None


def _arg(request: HttpRequest, name: str) -> str:
    """An argument from the form body, else from the query string (api_key is often sent there)."""
    return forms.arg(request.POST, name) or forms.arg(request.GET, name)


@endpoint("discovery")
def discovery(request: HttpRequest) -> Result:
    services_url = reverse("open311:services", kwargs={"fmt": serializers.XML})
    changed = selectors.services_changed_at()
    payload = serializers.discovery_payload(
        url=request.build_absolute_uri(services_url.rsplit("/", 1)[0]),
        changeset=serializers.w3c(changed) or "",
        contact=_("Call %(hotline)s or write to %(email)s.")
        % {"hotline": settings.WENZHENG_HOTLINE, "email": settings.WENZHENG_INTAKE_EMAIL},
        key_service=_("API keys for posting service requests are issued by the intake centre: %(email)s.")
        % {"email": settings.WENZHENG_INTAKE_EMAIL},
    )
    return payload, 200


@endpoint("services")
def service_list(request: HttpRequest) -> Result:
    forms.check_jurisdiction(forms.arg(request.GET, "jurisdiction_id"), _org())
    return [serializers.service_payload(service) for service in selectors.services()], 200


@endpoint("service_definition")
def service_definition(request: HttpRequest, service_code: str) -> Result:
    forms.check_jurisdiction(forms.arg(request.GET, "jurisdiction_id"), _org())
    service = forms.parse_service_code(service_code)
    return serializers.service_definition_payload(service), 200


def _create(request: HttpRequest) -> Result:
    # The key first: a caller without one learns nothing, not even whether a service exists.
    forms.check_api_key(_arg(request, "api_key"))
    org = _org()
    forms.check_jurisdiction(_arg(request, "jurisdiction_id"), org)
    new_request = forms.parse_new_request(request.POST)
    (submission,) = channel.parse(new_request)
    try:
        accepted = accept(submission, org=org)
    except DomainError as error:
        raise Open311Error.bad_request(error.message) from None
    notice = _(
        "Your message is in the ledger. It will be registered and assigned to the responsible unit,"
        " which answers within the time limits; follow it with its service_request_id."
    )
    return serializers.created_payload(accepted.case.number, notice, new_request.account_id), CREATED


def _search(request: HttpRequest) -> Result:
    org = _org()
    forms.check_jurisdiction(forms.arg(request.GET, "jurisdiction_id"), org)
    criteria = forms.parse_request_filter(request.GET)
    if criteria.ids:
        rows = selectors.find_requests(org, ids=criteria.ids, limit=len(criteria.ids))
    else:
        rows = selectors.find_requests(
            org,
            service_codes=criteria.service_codes,
            start=criteria.start,
            end=criteria.end,
            statuses=criteria.statuses,
            offset=criteria.offset,
            limit=criteria.page_size,
        )
    return [serializers.request_payload(row) for row in rows], 200


@csrf_exempt  # a machine-to-machine API authenticated by its api_key, not by a browser session
@endpoint("service_requests", methods=("GET", "HEAD", "POST"))
def service_requests(request: HttpRequest) -> Result:
    return _create(request) if request.method == "POST" else _search(request)


@endpoint("service_requests")
def service_request(request: HttpRequest, service_request_id: str) -> Result:
    org = _org()
    forms.check_jurisdiction(forms.arg(request.GET, "jurisdiction_id"), org)
    row = selectors.get_request(org, service_request_id)
    if row is None:
        raise Open311Error.not_found(
            _("service_request_id “%(id)s” was not found.") % {"id": service_request_id[: forms.MAX_SHORT]}
        )
    return [serializers.request_payload(row)], 200
