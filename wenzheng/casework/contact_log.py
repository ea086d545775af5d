"""The contact access log: who saw a complainant's phone, name or email unmasked, when, where.

Contact details are shown unmasked only to the roles whose work needs them (``can_see_contact``);
this log makes that use accountable. Every place that shows them unmasked to staff calls
``do_log_contact_access`` — the case page, the spreadsheet export, the admin site's case page —
with the fields it showed. A citizen reading their own message is not logged (it is their data).
Supervisors and administrators read the log of their jurisdiction (``visible_contact_accesses``)
on the workbench page "联系方式查看记录" and in the admin site.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from wenzheng.accounts.policy import has_any_role, oversight_scopes
from wenzheng.accounts.roles import Role
from wenzheng.casework.models import Case, ContactAccess, ContactAccessPlace
from wenzheng.core import clock

# Who may read the log: those who supervise handling and those who administer the accounts.
LOG_READERS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
CONTACT_FIELDS: dict[str, str] = {"name": "contact_name", "phone": "contact_phone", "email": "contact_email"}
BATCH = 1000


def contact_fields_of(case: Case, shown: Iterable[str] = CONTACT_FIELDS) -> list[str]:
    """The fields among ``shown`` that the case actually has (an empty field reveals nothing)."""
    return [name for name in shown if getattr(case, CONTACT_FIELDS[name], "")]


def do_log_contact_access(
    cases: Iterable[Case],
    *,
    acting_user: Any,
    place: ContactAccessPlace | str,
    path: str = "",
    shown: Iterable[str] = CONTACT_FIELDS,
) -> int:
    """Append one row per case whose contact details ``acting_user`` was just shown unmasked."""
    if acting_user is None or not getattr(acting_user, "is_authenticated", False):
        return 0
    shown = tuple(shown)
    now = clock.now()
    label = (getattr(acting_user, "full_name", "") or acting_user.get_username())[:80]
    label = f"{label} ({acting_user.get_username()})"[:160]
    rows = []
    for case in cases:
        if case.citizen_id is not None and case.citizen_id == acting_user.pk:
            continue
        fields = contact_fields_of(case, shown)
        if not fields:
            continue
        rows.append(
            ContactAccess(
                user=acting_user,
                user_label=label,
                case_id=case.pk,
                org_id=case.org_id,
                fields=fields,
                place=str(place),
                path=path[:300],
                at=now,
            )
        )
    ContactAccess.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def can_read_contact_log(user: Any) -> bool:
    return has_any_role(user, LOG_READERS)


def visible_contact_accesses(user: Any) -> QuerySet[ContactAccess]:
    """The log rows of the cases in the ledgers the user supervises or administers."""
    scopes = oversight_scopes(user, LOG_READERS)
    if not scopes:
        return ContactAccess.objects.none()
    condition = Q()
    for jurisdiction in scopes:
        condition |= Q(org__path__startswith=jurisdiction.path)
    return ContactAccess.objects.filter(condition)
