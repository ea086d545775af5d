"""Rendering GeoReport v2 payloads as XML and JSON.

Views build one plain structure (dicts, lists, strings, numbers, booleans, None) and this module
writes it in either format, so the two can never disagree. JSON follows the spec's Spark
convention mapping of the XML: a list is a JSON array and in XML a container element with one
child per item (``<services><service>…``), None is ``null`` and an empty element, booleans are
``true``/``false`` in both.

XML is built with ElementTree, which escapes markup; characters that XML 1.0 cannot carry at all
(control characters, unpaired surrogates, U+FFFE/U+FFFF) are dropped, so hostile text can neither
break the document nor become markup.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise

from wenzheng.casework.models import Category
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.intake.channels.open311.errors import Open311Error
from wenzheng.intake.channels.open311.selectors import RequestRow

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
MIME_TYPES = ("text/xml", "application/json")  # as announced in the discovery document

# The element name of each item inside a list element, as the spec names them.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_text(value: object) -> str:
    """The text of a leaf element: booleans as the spec writes them, unusable characters dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML_CHAR.sub("", str(value))


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        item_tag = ITEM_TAGS[tag]
        for item in value:
            _append(element, item_tag, item)
    else:
        element.text = xml_text(value)


def to_xml(root: str, payload: Any) -> str:
    element = ET.Element(root)
    _fill(element, root, payload)
    return _XML_DECLARATION + ET.tostring(element, encoding="unicode")


def _json_default(value: object) -> str:
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, default=_json_default)


def render(fmt: str, root: str, payload: Any, *, status: int = 200) -> HttpResponse:
    content = to_xml(root, payload) if fmt == XML else to_json(payload)
    return HttpResponse(content.encode("utf-8"), content_type=CONTENT_TYPES[fmt], status=status)


def render_errors(fmt: str, error: Open311Error) -> HttpResponse:
    payload = [{"code": p.code, "description": str(p.description)} for p in error.problems]
    return render(fmt, "errors", payload, status=error.status)


# --- payloads -----------------------------------------------------------------------------------

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def w3c(moment: datetime | None) -> str | None:
    """W3C date/time with the zone, in the organisation's local time: 2026-03-05T10:00:00+08:00."""
    return None if moment is None else moment.astimezone(clock.local_tz()).isoformat(timespec="seconds")


def service_payload(service: Category) -> dict[str, Any]:
    lineage = service.lineage()  # most specific first; parents are joined by the selector
    headings = [c.name for c in reversed(lineage[1:])]
    return {
        "service_code": str(service.pk),
        "service_name": service.name,
        "description": service.full_name,
        "metadata": False,  # no service has attributes: nothing to fetch before posting
        "type": "realtime",  # the case number is returned at once
        "keywords": ", ".join(headings) or None,
        "group": lineage[-1].name,
    }


def service_definition_payload(service: Category) -> dict[str, Any]:
    return {"service_code": str(service.pk), "attributes": []}


def request_payload(row: RequestRow) -> dict[str, Any]:
    case = row.case
    return {
        "service_request_id": case.number,
        "status": row.status,
        "status_notes": str(State(case.state).label),
        "service_name": case.category.name if case.category else None,
        "service_code": str(case.category.pk) if case.category else None,
        "description": row.description,
        "agency_responsible": case.lead_unit.name if case.lead_unit else None,
        "service_notice": row.service_notice,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(row.updated_at),
        "expected_datetime": w3c(row.expected_at),
        "address": row.address,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def created_payload(number: str, notice: str, account_id: str) -> list[dict[str, Any]]:
    return [{"service_request_id": number, "service_notice": notice, "account_id": account_id or None}]


def discovery_payload(*, url: str, changeset: str, contact: str, key_service: str) -> dict[str, Any]:
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": list(MIME_TYPES),
            }
        ],
    }
