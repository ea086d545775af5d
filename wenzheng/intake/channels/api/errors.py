"""Every error of the partner API leaves as ``{"error": code, "message": text, "details": {…}}``.

Domain errors keep their code and status, except invalid input, which is 422 throughout the API
(as ninja's own validation errors are) with ``details.fields`` naming each field as the API names
it. The message is in the request's language (Chinese unless the partner asks otherwise).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wenzheng.core.errors import DomainError, InvalidInput, NotFound
from wenzheng.intake.channels.api.auth import RateLimited, Unauthorized

logger = logging.getLogger(__name__)

# The domain's field names, as the API calls them.
FIELD_NAMES = {"mailbox": "mailbox_code", "territory": "territory_code"}


class CaseClosed(DomainError):
    code = "case_closed"
    http_status = 409
    default_message = gettext_lazy("This case is closed; a further message cannot be added.")


def validation_message(error: dict[str, Any]) -> str:
    """A pydantic error as a sentence for the partner's staff, in the request's language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our own validators' messages, already translated
    messages = {
        "missing": _("This field is required."),
        "string_too_short": _("This field cannot be empty."),
        "string_type": _("Enter a text."),
        "string_pattern_mismatch": _("The value has a format that is not accepted."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "extra_forbidden": _("This field is not accepted."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
    }
    if kind in messages:
        return messages[kind]
    if kind in ("string_too_long", "too_long"):
        return _("Enter at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return _("Enter a number of at least %(min)s.") % {"min": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a number of at most %(max)s.") % {"max": ctx.get("le")}
    if kind.startswith(("datetime", "timezone")):
        return _("Enter a date and time in ISO 8601 format with a time zone, e.g. 2026-05-01T09:30:00+08:00.")
    return str(error.get("msg", ""))


def field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        # ("body", "payload", "subject"): "payload" is the handler's parameter, not the partner's.
        return ".".join(parts[2:]) or "__all__"
    return parts[-1] if parts else "__all__"


def register_error_handlers(api: NinjaAPI) -> None:
    def error(
        request: HttpRequest, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> HttpResponse:
        body = {"error": code, "message": message, "details": details or {}}
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        details = dict(exc.details)
        status = exc.http_status
        if isinstance(exc, InvalidInput):
            status = 422
            if "field" in details and "fields" not in details:
                name = str(details.pop("field"))
                details["fields"] = {FIELD_NAMES.get(name, name): [str(exc.message)]}
        response = error(request, status, exc.code, str(exc.message), details)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(details["retry_after"])
        if isinstance(exc, Unauthorized):
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return domain_error(request, Unauthorized())

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            fields.setdefault(field_name(item.get("loc", ())), []).append(validation_message(item))
        return error(request, 422, InvalidInput.code, _("The input is not valid."), {"fields": fields})

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return domain_error(request, NotFound())

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja's only use: a body that is not JSON
            return error(request, 400, "bad_request", _("The request body is not valid JSON."))
        return error(request, exc.status_code, "error", str(exc))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback like Django's own 500s, but answered in the API's shape.
        logger.exception("partner API: unhandled error on %s %s", request.method, request.path)
        return error(request, 500, "server_error", _("Something went wrong on our side. Please retry later."))
