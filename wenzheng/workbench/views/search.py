"""Search and archive: filters over the visible ledger, keyset pages, and an XLSX export with
personal data masked unless the user's role needs it."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, TextField, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wenzheng.accounts.policy import has_any_role
from wenzheng.accounts.roles import Role
from wenzheng.casework.access import visible_cases
from wenzheng.casework.contact_log import do_log_contact_access
from wenzheng.casework.models import Case, ContactAccessPlace
from wenzheng.casework.selectors import for_case_rows
from wenzheng.core import clock
from wenzheng.core.dbrouter import read_alias
from wenzheng.core.pagination import keyset_page
from wenzheng.lib.masking import mask_name, mask_phone, mask_text
from wenzheng.lib.spreadsheet import Sheet, write_xlsx
from wenzheng.workbench.forms import SearchForm
from wenzheng.workbench.views.common import is_htmx, staff_required

EXPORT_LIMIT = 50_000


def search_cases(user: Any, data: dict[str, Any]) -> QuerySet[Case]:
    # Lists and exports may lag the primary by a second: read from a replica when there is one.
    qs = visible_cases(user).using(read_alias())
    q = (data.get("q") or "").strip()
    if q:
        # A case number is exact (one indexed look-up); otherwise the subject. Asked as one OR, the
        # database cannot use the number's index and scans the whole ledger even for a number
        # (about a second at 10^6 cases, bench/pages.py). Words of the subject: _subject_contains
        # (docs/benchmarks.md: why a bigram index, and not pg_trgm, serves Chinese words).
        by_number = qs.filter(number=q)
        qs = by_number if by_number.exists() else _subject_contains(qs, q)
    for field in ("state", "grade", "channel"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("unit"):
        qs = qs.filter(lead_unit__path__startswith=data["unit"].path)
    if data.get("category"):
        qs = qs.filter(category__full_name__startswith=data["category"].full_name)
    if data.get("territory"):
        qs = qs.filter(territory__path__startswith=data["territory"].path)
    tz = clock.local_tz()
    if data.get("date_from"):
        qs = qs.filter(
            received_at__gte=timezone.make_aware(datetime.combine(data["date_from"], time.min), tz)
        )
    if data.get("date_to"):
        qs = qs.filter(received_at__lte=timezone.make_aware(datetime.combine(data["date_to"], time.max), tz))
    return qs


class _Bigrams(Func):
    function = "wz_bigrams"  # SQL function of casework migration 0012
    output_field = TextField()


class _ArrayContains(Func):
    template = "%(expressions)s"
    arg_joiner = " @> "
    output_field = BooleanField()


def _subject_contains(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    """Subjects containing ``q`` (case-insensitive). On PostgreSQL through the subjects' bigram
    index (casework migration 0012): a two-character query is one bigram, an exact match; a
    longer one needs all its bigrams, then LIKE confirms they are consecutive."""
    if connection.vendor != "postgresql" or len(q) < 2:
        return qs.filter(subject__icontains=q)
    bigrams = _ArrayContains(_Bigrams(F("subject")), _Bigrams(Value(q)))
    qs = qs.filter(bigrams)
    if len(q) == 2:
        return qs
    # Without cased letters (Chinese, digits) LIKE on the column itself gives the same rows as
    # ILIKE, and the planner estimates it from the column's statistics: with UPPER(subject) it
    # guesses, takes a common phrase for a rare one and reads 100,000 rows through the index.
    return qs.filter(subject__contains=q) if q.upper() == q.lower() else qs.filter(subject__icontains=q)


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid():
        qs = for_case_rows(search_cases(request.user, form.cleaned_data))
        page = keyset_page(qs, request.GET.get("cursor"))
    params = request.GET.copy()
    params.pop("cursor", None)
    template = "workbench/partials/case_rows.html" if is_htmx(request) and page else "workbench/search.html"
    return render(request, template, {"form": form, "page": page, "params": params.urlencode()})


@staff_required
def search_export(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if not form.is_valid():
        return HttpResponse(status=400)
    # Contact details are for the roles that call citizens back; everyone else gets them masked.
    needs_contact = has_any_role(request.user, {Role.INTAKE_OPERATOR, Role.SUPERVISOR})
    qs = search_cases(request.user, form.cleaned_data).select_related("lead_unit", "category", "territory")
    tz = clock.local_tz()
    shown: list[Case] = []  # cases whose contact details leave unmasked: logged once written

    def rows() -> Any:
        for c in qs.order_by("-received_at", "-pk")[:EXPORT_LIMIT].iterator(chunk_size=2000):
            if needs_contact:
                shown.append(
                    Case(
                        pk=c.pk,
                        org_id=c.org_id,
                        citizen_id=c.citizen_id,
                        contact_name=c.contact_name,
                        contact_phone=c.contact_phone,
                    )
                )
            yield [
                c.number,
                c.received_at.astimezone(tz),
                c.get_channel_display(),
                mask_text(c.subject),
                c.category.full_name if c.category else "",
                c.territory.name if c.territory else "",
                c.get_grade_display(),
                c.lead_unit.name if c.lead_unit else "",
                c.get_state_display(),
                c.published_at.astimezone(tz) if c.published_at else None,
                c.contact_name if needs_contact else mask_name(c.contact_name),
                c.contact_phone if needs_contact else mask_phone(c.contact_phone),
            ]

    headers = [
        "编号",
        "收到时间",
        "渠道",
        "标题",
        "分类",
        "属地",
        "等级",
        "主办单位",
        "状态",
        "发布时间",
        "联系人",
        "联系电话",
    ]
    body = write_xlsx([Sheet(title="留言台账", headers=headers, rows=rows())])
    do_log_contact_access(
        shown,
        acting_user=request.user,
        place=ContactAccessPlace.EXPORT,
        path=request.get_full_path(),
        shown=("name", "phone"),
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="wenzheng-{clock.now():%Y%m%d-%H%M}.xlsx"'
    return response
