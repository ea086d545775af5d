"""The project's URLs plus ``/bench/bare-intake/``: a bare Django view that inserts the same case
row as the partner API, with nothing else, so that the intake benchmark shows what our intake
costs on top of Django, the database and the server (bench/intake_http.py). Never in production."""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wenzheng.casework.models import Case, CaseCounter
from wenzheng.urls import urlpatterns as project_urlpatterns

BARE_ORG_CODE = "BARE"


@csrf_exempt
@require_POST
def bare_intake(request: HttpRequest) -> JsonResponse:
    """Parse the JSON body, take the next number from the same counter row, insert the case."""
    payload = json.loads(request.body)
    now = timezone.now()
    with transaction.atomic():
        org_id, year = _org_id(), now.year
        CaseCounter.objects.filter(org_id=org_id, year=year).update(value=F("value") + 1)
        seq = CaseCounter.objects.filter(org_id=org_id, year=year).values_list("value", flat=True).get()
        case = Case.objects.create(
            org_id=org_id,
            number=f"{BARE_ORG_CODE}-{year}-{seq:06d}",
            year=year,
            seq=seq,
            channel="api",
            source="bench:bare",
            subject=payload["subject"],
            body=payload["body"],
            contact_name=payload.get("contact_name", ""),
            contact_phone=payload.get("contact_phone", ""),
            received_at=now,
            updated_at=now,
        )
    return JsonResponse({"number": case.number, "created": True}, status=201)


_ORG_ID: list[int] = []


def _org_id() -> int:
    if not _ORG_ID:
        from wenzheng.accounts.models import OrgUnit

        _ORG_ID.append(OrgUnit.objects.values_list("pk", flat=True).get(code=BARE_ORG_CODE))
    return _ORG_ID[0]


urlpatterns = [path("bench/bare-intake/", bare_intake), *project_urlpatterns]
