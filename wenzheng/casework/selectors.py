"""Plain queries of the ledger and its configuration (no permission checks: see access.py)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    Category,
    CoHandling,
    DispatchRule,
    Extension,
    FollowUp,
    Reply,
)


def get_dispatch_proposal(org: OrgUnit, category: Category, territory: OrgUnit | None) -> DispatchRule | None:
    """The most specific dispatch rule: deepest category first, then deepest territory, then anywhere."""
    lineage = category.lineage()
    territory_ids = territory.ancestor_ids() if territory is not None else []
    rules = list(
        DispatchRule.objects.filter(org=org, category__in=lineage)
        .select_related("lead_unit", "territory", "category")
        .prefetch_related("co_units")
    )
    by_key = {(r.category_id, r.territory_id): r for r in rules}
    for cat in lineage:
        for territory_id in reversed(territory_ids):
            if (cat.pk, territory_id) in by_key:
                return by_key[(cat.pk, territory_id)]
        if (cat.pk, None) in by_key:
            return by_key[(cat.pk, None)]
    return None


# The lists a case page shows beside its timeline, each asked for only when the case has any:
# most cases have two or three of the six, and one query with an EXISTS per list is cheaper than
# the empty queries.
CASE_SECTIONS = {
    "attachments": (Attachment, "case"),
    "co_handlings": (CoHandling, "case"),
    "replies": (Reply, "case"),
    "extensions": (Extension, "case"),
    "follow_ups": (FollowUp, "case"),
    "links_out": (CaseLink, "case"),
    "links_in": (CaseLink, "other"),
}


def case_sections(case: Case) -> frozenset[str]:
    """Which of ``CASE_SECTIONS`` hold at least one row of the case (one query)."""
    flags = {
        f"has_{name}": Exists(model._default_manager.filter(**{field: OuterRef("pk")}))
        for name, (model, field) in CASE_SECTIONS.items()
    }
    row = Case.objects.filter(pk=case.pk).annotate(**flags).values_list(*flags).first()
    if row is None:
        return frozenset()
    return frozenset(name for name, present in zip(CASE_SECTIONS, row, strict=True) if present)


def get_case_events(case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).order_by("seq").select_related("actor", "actor_unit")


def get_public_timeline(case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, is_public=True).order_by("seq").select_related("actor_unit")


# What a row of a case list shows (workbench/partials/case_rows.html), and the keyset's columns.
# Loading only these keeps the body, the encrypted contact fields (decrypted per row otherwise)
# and the rest of a wide row out of every list.
CASE_ROW_FIELDS = (
    "number",
    "subject",
    "is_key_supervised",
    "received_at",
    "grade",
    "state",
    "category__name",
    "territory__name",
    "lead_unit__name",
)


def for_case_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    """``qs`` with what a list row shows: the three names joined, the other columns left out."""
    return qs.select_related("lead_unit", "category", "territory").only(*CASE_ROW_FIELDS)
