"""Parsing and validating GeoReport v2 arguments into typed values; every failure is an
``Open311Error`` with the status the spec prescribes.

The spec's rule for optional arguments applies throughout: an argument sent empty is treated
exactly as one not sent at all.
"""

from __future__ import annotations

import hmac
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Category
from wenzheng.core import clock
from wenzheng.intake.channels.open311 import selectors
from wenzheng.intake.channels.open311.errors import BAD_REQUEST, Open311Error, Problem

Params = Mapping[str, str]

MAX_DESCRIPTION = 4000  # the spec: "free form text limited to 4,000 characters"
MAX_ADDRESS = 500
MAX_SHORT = 100  # address_id, device_id, account_id, each name
MAX_PHONE = 30  # Case.contact_phone
MAX_EMAIL = 254
MAX_URL = 1000
WINDOW = timedelta(days=90)  # the spec's default and largest date range
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE  # the spec's default is "first 1000"; ours is as close as the cap allows
MAX_IDS = MAX_PAGE_SIZE
MAX_PAGE = 10**9  # beyond it every page is empty anyway; keeps OFFSET inside a 64-bit integer
STATUSES = frozenset({"open", "closed"})

# W3C date/time (http://www.w3.org/TR/NOTE-datetime): a date, or a date and time with a zone.
_W3C = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:\d{2}))?$"
)


# Control characters carry nothing a message needs, PostgreSQL cannot store NUL, and XML 1.0
# cannot carry most of them: they are dropped at the door (tab and line breaks stay).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def arg(params: Params, name: str) -> str:
    return _CONTROL.sub("", params.get(name) or "").strip()


# --- authentication and jurisdiction ---------------------------------------------------------


def check_api_key(key: str) -> None:
    """The key must be one of WENZHENG_OPEN311_API_KEYS; an empty list closes the POST method."""
    configured = getattr(settings, "WENZHENG_OPEN311_API_KEYS", [])
    if isinstance(configured, str):  # "k1,k2" straight from the environment, not one key per character
        configured = configured.split(",")
    allowed = [str(k).strip() for k in configured if str(k).strip()]
    given = key.encode()
    # Compare with every key in constant time, so timing tells nothing about a near miss.
    matched = False
    for candidate in allowed:
        matched |= hmac.compare_digest(given, candidate.encode())
    if not key or not matched:
        raise Open311Error.forbidden(_("The api_key is missing or not valid."))


def check_jurisdiction(jurisdiction: str, org: OrgUnit) -> None:
    """This endpoint serves one jurisdiction (the portal's organisation), so the argument is
    optional; when given it must name that organisation by its code."""
    if jurisdiction and jurisdiction != org.code:
        raise Open311Error.not_found(
            _("jurisdiction_id “%(id)s” was not found.") % {"id": jurisdiction[:MAX_SHORT]}
        )


# --- POST Service Request --------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    service: Category
    lat: float | None
    long: float | None
    address_string: str
    address_id: str
    email: str
    device_id: str
    account_id: str
    first_name: str
    last_name: str
    phone: str
    description: str
    media_url: str


def parse_service_code(value: str) -> Category:
    if not value:
        raise Open311Error.bad_request(_("service_code was not provided."))
    service = selectors.get_service(value)
    if service is None:
        raise Open311Error.not_found(
            _("service_code “%(code)s” was not found.") % {"code": value[:MAX_SHORT]}
        )
    return service


def _too_long(name: str, limit: int) -> Problem:
    return Problem(
        BAD_REQUEST,
        _("%(field)s is longer than %(limit)s characters.") % {"field": name, "limit": limit},
    )


def _coordinate(value: str, limit: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def parse_new_request(params: Params) -> NewRequest:
    """The form-encoded arguments of a new service request (api_key and jurisdiction already checked)."""
    service = parse_service_code(arg(params, "service_code"))
    problems: list[Problem] = []
    values: dict[str, str] = {}
    limits = {
        "address_string": MAX_ADDRESS,
        "address_id": MAX_SHORT,
        "email": MAX_EMAIL,
        "device_id": MAX_SHORT,
        "account_id": MAX_SHORT,
        "first_name": MAX_SHORT,
        "last_name": MAX_SHORT,
        "phone": MAX_PHONE,
        "description": MAX_DESCRIPTION,
        "media_url": MAX_URL,
    }
    for name, limit in limits.items():
        values[name] = arg(params, name)
        if len(values[name]) > limit:
            problems.append(_too_long(name, limit))

    lat_text, long_text = arg(params, "lat"), arg(params, "long")
    lat = long = None
    if lat_text or long_text:
        lat, long = _coordinate(lat_text, 90), _coordinate(long_text, 180)
        if lat is None or long is None:
            problems.append(
                Problem(
                    BAD_REQUEST,
                    _("lat and long must both be sent, in decimal degrees (WGS84)."),
                )
            )
    elif not values["address_string"] and not values["address_id"]:
        problems.append(
            Problem(
                BAD_REQUEST,
                _("A location is required: lat and long, address_string or address_id."),
            )
        )
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(Problem(BAD_REQUEST, _("email is not a valid email address.")))
    if values["media_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["media_url"])
        except ValidationError:
            problems.append(Problem(BAD_REQUEST, _("media_url is not a valid http or https URL.")))
    if problems:
        raise Open311Error(*problems)
    return NewRequest(service=service, lat=lat, long=long, **values)


# --- GET Service Requests --------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilter:
    ids: tuple[str, ...]  # when given, every other argument is ignored (the spec: "overrides")
    service_codes: tuple[int, ...]
    start: datetime
    end: datetime
    statuses: frozenset[str]
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_w3c_datetime(name: str, value: str) -> datetime:
    """A W3C date/time with its zone; a date alone means the start of that day here."""
    # An unencoded "+" in a query string arrives as a space: "…T00:00:00 08:00".
    value = re.sub(r" (\d{2}:\d{2})$", r"+\1", value)
    match = _W3C.match(value)
    try:
        if match is None:
            raise ValueError(value)
        if match["time"] is None:
            return timezone.make_aware(datetime.combine(date.fromisoformat(match["date"]), time()))
        return datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error.bad_request(
            _(
                "%(field)s must be a date and time in W3C format with its time zone,"
                " for example 2010-01-01T00:00:00Z."
            )
            % {"field": name}
        ) from None


def _positive_int(params: Params, name: str, default: int) -> int:
    value = arg(params, name)
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise Open311Error.bad_request(_("%(field)s must be a positive whole number.") % {"field": name})
    return min(int(value), MAX_PAGE)


def parse_request_filter(params: Params) -> RequestFilter:
    ids = _comma_list(arg(params, "service_request_id"))
    if len(ids) > MAX_IDS:
        raise Open311Error.bad_request(
            _("At most %(limit)s service_request_id values can be asked for at once.") % {"limit": MAX_IDS}
        )
    codes = _comma_list(arg(params, "service_code"))
    if not all(selectors.is_service_code(code) for code in codes):
        raise Open311Error.bad_request(
            _("service_code must be service codes from the service list, separated by commas.")
        )
    statuses = frozenset(s.lower() for s in _comma_list(arg(params, "status")))
    if not statuses <= STATUSES:
        raise Open311Error.bad_request(_("status must be open, closed or both, separated by commas."))

    start_text, end_text = arg(params, "start_date"), arg(params, "end_date")
    start = parse_w3c_datetime("start_date", start_text) if start_text else None
    end = parse_w3c_datetime("end_date", end_text) if end_text else None
    if end is None:
        end = start + WINDOW if start is not None else clock.now()
    if start is None:
        start = end - WINDOW
    if start > end:
        raise Open311Error.bad_request(_("start_date must not be later than end_date."))
    if end - start > WINDOW:
        raise Open311Error.bad_request(_("start_date and end_date may not span more than 90 days."))

    page = _positive_int(params, "page", 1)
    page_size = min(_positive_int(params, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    return RequestFilter(
        ids=tuple(dict.fromkeys(ids)),
        service_codes=tuple(int(code) for code in codes),
        start=start,
        end=end,
        statuses=statuses,
        page=page,
        page_size=page_size,
    )
