"""Actions of intake: receive (numbering), register, reclassify, and closing without handling."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import Mailbox, OrgUnit
from wenzheng.accounts.policy import ledger_org_of
from wenzheng.casework import sla
from wenzheng.casework.models import (
    Attachment,
    Case,
    CaseCounter,
    CaseLink,
    Category,
    Grade,
)
from wenzheng.casework.models.case import Channel
from wenzheng.casework.recording import (
    Actor,
    authorize,
    hash_query_code,
    new_query_code,
    record,
)
from wenzheng.casework.selectors import get_dispatch_proposal
from wenzheng.casework.workflow import TERMINAL, get_transition
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput

MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_TEXT = 20_000


def _text(
    value: str | None, field: str, label: str | Promise, *, required: bool = True, limit: int = MAX_TEXT
) -> str:
    """``label`` names the input in messages, lower case: "Please fill in the %(label)s."."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("Please fill in the %(label)s.") % {"label": label}, field=field)
    if len(value) > limit:
        raise InvalidInput(
            _("The %(label)s cannot be longer than %(limit)s characters.") % {"label": label, "limit": limit},
            field=field,
        )
    return value


def _check_unit_in_org(unit: OrgUnit, org: OrgUnit, field: str) -> None:
    if not unit.is_active or not org.contains(unit) or unit.pk == org.pk:
        raise InvalidInput(
            _("“%(unit)s” is not a unit of this organisation that can handle cases.") % {"unit": unit},
            field=field,
        )


# --- Receiving and numbering ------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    case: Case
    query_code: str  # shown once to the citizen; only its keyed hash is stored
    created: bool


def allocate_number(org: OrgUnit, year: int) -> tuple[int, str]:
    """Next gapless number for ``org`` and ``year``; must run inside the registering transaction.

    The upsert takes the counter row's lock until commit, so concurrent registrations queue on it
    (PostgreSQL) or on the database write lock (SQLite); a rollback returns the number.
    """
    seq = _next_value(org.pk, year)
    number = settings.WENZHENG_CASE_NUMBER_FORMAT.format(prefix=org.case_prefix, year=year, seq=seq)
    return seq, number


def _next_value(org_id: int, year: int) -> int:
    """The counter's next value in one statement (an upsert returning the new value; PostgreSQL
    and SQLite ≥ 3.35 both have it): the first number of a year creates the row."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (org_id, year, value) VALUES (%s, %s, 1) "  # noqa: S608 — our table's name
            f"ON CONFLICT (org_id, year) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [org_id, year],
        )
        row = cursor.fetchone()
    return int(row[0])


def _store_attachment(
    case: Case, upload: UploadedFile, *, user: Any, at: datetime, is_result: bool
) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Attachment.objects.create(
        case=case,
        file=upload,
        original_name=(upload.name or "file")[:255],
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        is_result=is_result,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        created_at=at,
    )


def do_receive_message(
    *,
    channel: str,
    subject: str,
    body: str,
    acting_user: Any = None,
    org: OrgUnit | None = None,
    mailbox: Mailbox | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    is_public: bool = True,
    source: str = "",
    external_ref: str = "",
    attachments: Sequence[UploadedFile] = (),
    citizen: Any = None,
    territory: OrgUnit | None = None,
    category: Category | None = None,
) -> Receipt:
    """A message enters the ledger from any channel and gets its number and query code."""
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    subject = _text(subject, "subject", _("subject"), limit=MAX_SUBJECT)
    body = _text(body, "body", _("message text"), limit=MAX_BODY)
    if mailbox is not None:
        if not mailbox.is_active:
            raise InvalidInput(_("This mailbox is no longer in use."), field="mailbox")
        org = org or ledger_org_of(mailbox.office)
    if org is None or not org.runs_ledger:
        raise InvalidInput(_("No receiving organisation was given."), field="org")
    if mailbox is not None and not org.contains(mailbox.office):
        raise InvalidInput(_("This mailbox does not belong to this organisation."), field="mailbox")
    external_ref = (external_ref or "").strip()
    if external_ref:
        existing = Case.objects.filter(channel=channel, source=source, external_ref=external_ref).first()
        if existing is not None:
            return Receipt(existing, "", created=False)
    if (
        citizen is None
        and getattr(acting_user, "is_authenticated", False)
        and not acting_user.memberships.exists()
    ):
        citizen = acting_user
    at = clock.now()
    code = new_query_code()
    transition = get_transition("receive")
    try:
        with transaction.atomic():
            year = at.astimezone(clock.local_tz()).year
            seq, number = allocate_number(org, year)
            case = Case.objects.create(
                org=org,
                number=number,
                year=year,
                seq=seq,
                channel=channel,
                source=source,
                external_ref=external_ref,
                mailbox=mailbox,
                subject=subject,
                body=body,
                citizen=citizen,
                contact_name=contact_name.strip()[:100],
                contact_phone=contact_phone.strip()[:30],
                contact_email=contact_email.strip(),
                query_code_hash=hash_query_code(code),
                is_public=is_public,
                received_at=at,
                updated_at=at,
                # What the citizen said about place and topic: a hint that registration confirms.
                territory=territory if territory is not None and org.contains(territory) else None,
                category=category if category is not None and category.is_active else None,
            )
            actor = Actor(
                acting_user if getattr(acting_user, "is_authenticated", False) else None,
                None,
                "citizen" if citizen is not None and acting_user == citizen else "system",
            )
            for upload in attachments:
                _store_attachment(case, upload, user=acting_user, at=at, is_result=False)
            record(
                case,
                transition,
                actor,
                at=at,
                public=True,
                data={
                    "channel": channel,
                    "mailbox": mailbox.code if mailbox else None,
                    "attachments": len(attachments),
                },
            )
            sla.on_step(case, "receive", at)
    except IntegrityError:
        # Two deliveries of one external message raced; the other one won.
        if external_ref:
            existing = Case.objects.filter(channel=channel, source=source, external_ref=external_ref).first()
            if existing is not None:
                return Receipt(existing, "", created=False)
        raise
    return Receipt(case, code, created=True)


# --- Registration -----------------------------------------------------------------------------


def _check_registration(case: Case, category: Category | None, territory: OrgUnit | None, grade: str) -> None:
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    if territory is not None and not case.org.contains(territory):
        raise InvalidInput(_("The territory is outside this organisation's jurisdiction."), field="territory")
    if grade not in Grade.values:
        raise InvalidInput(_("The grade is not valid."), field="grade")


def do_register(
    case: Case,
    *,
    acting_user: Any,
    category: Category,
    grade: str = Grade.GENERAL,
    territory: OrgUnit | None = None,
    proposed_unit: OrgUnit | None = None,
    handling_opinion: str = "",
) -> Case:
    """登记: classify, grade, place and propose the claiming unit (from the dispatch catalogue)."""
    transition, actor, _reason = authorize("register", case, acting_user)
    if category is None:
        raise InvalidInput(_("Choose a category."), field="category")
    _check_registration(case, category, territory, grade)
    proposal = get_dispatch_proposal(case.org, category, territory)
    # The catalogue decides; failing that, a leader mailbox routes to the office behind it.
    proposed = (
        proposed_unit
        or (proposal.lead_unit if proposal else None)
        or (case.mailbox.office if case.mailbox is not None else None)
    )
    if proposed is not None:
        _check_unit_in_org(proposed, case.org, "proposed_unit")
    opinion = _text(handling_opinion, "handling_opinion", _("intake handling opinion"), required=False)
    at = clock.now()
    with transaction.atomic():
        record(
            case,
            transition,
            actor,
            at=at,
            public=True,
            changes={
                "category": category,
                "territory": territory,
                "grade": grade,
                "proposed_unit": proposed,
                "handling_opinion": opinion,
                "registered_at": at,
            },
            data={
                "category": category.full_name,
                "grade": grade,
                "territory": territory.name if territory else None,
                "proposed_unit": proposed.name if proposed else None,
            },
        )
        sla.on_step(case, "register", at)
    return case


def do_reclassify(
    case: Case,
    *,
    acting_user: Any,
    category: Category | None = None,
    territory: OrgUnit | None = None,
    grade: str | None = None,
    reason: str = "",
) -> Case:
    transition, actor, reason = authorize("reclassify", case, acting_user, reason=reason)
    new_category = category or case.category
    new_grade = grade or case.grade
    _check_registration(case, new_category, territory or case.territory, new_grade)
    changes: dict[str, Any] = {
        "category": new_category,
        "grade": new_grade,
        "territory": territory or case.territory,
    }
    before = {
        "category": case.category.full_name if case.category else None,
        "grade": case.grade,
        "territory": case.territory.name if case.territory else None,
    }
    at = clock.now()
    with transaction.atomic():
        regraded = new_grade != case.grade
        record(
            case,
            transition,
            actor,
            changes=changes,
            reason=reason,
            at=at,
            data={
                "clocks": sla.on_regrade(case, new_grade, at) if regraded else [],
                "before": before,
                "after": {
                    "category": new_category.full_name if new_category else None,
                    "grade": new_grade,
                    "territory": changes["territory"].name if changes["territory"] else None,
                },
            },
        )
    return case


def _close(
    case: Case,
    action: str,
    acting_user: Any,
    *,
    reason: str,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    query_code: str | None = None,
    check: Callable[[], None] | None = None,
) -> Case:
    transition, actor, reason = authorize(action, case, acting_user, reason=reason, query_code=query_code)
    if check is not None:
        check()
    at = clock.now()
    with transaction.atomic():
        record(
            case,
            transition,
            actor,
            reason=reason,
            at=at,
            public=True,
            changes={**(changes or {}), "closed_at": at},
            data=data,
        )
        sla.on_close(case, at)
    return case


def do_reject(case: Case, *, acting_user: Any, reason: str) -> Case:
    """Out of scope (e.g. an emergency for 110/119/120, a court case): closed with the reason given."""
    return _close(case, "reject", acting_user, reason=reason)


def do_withdraw(
    case: Case, *, acting_user: Any = None, query_code: str | None = None, reason: str = ""
) -> Case:
    return _close(case, "withdraw", acting_user, reason=reason, query_code=query_code)


def do_merge(case: Case, *, into: Case, acting_user: Any, reason: str = "") -> Case:
    """A duplicate of ``into`` ("one channel, one acceptance"): closed and pointing at the original."""

    def check_target() -> None:
        if into.pk == case.pk:
            raise InvalidInput(_("A case cannot be merged into itself."), field="into")
        if into.org_id != case.org_id:
            raise InvalidInput(
                _("A case can only be merged into a case of the same organisation."), field="into"
            )
        if into.state in TERMINAL:
            raise InvalidInput(
                _("Case %(number)s is already finished or closed; nothing can be merged into it.")
                % {"number": into.number},
                field="into",
            )

    return _close(
        case,
        "merge",
        acting_user,
        reason=reason,
        changes={"merged_into": into},
        data={"into": into.number},
        check=check_target,
    )


def do_link_cases(case: Case, *, other: Case, acting_user: Any) -> Case:
    """Link a related case (the same matter, both kept open); recorded on both timelines' source."""
    transition, actor, _reason = authorize("link", case, acting_user)
    if other.pk == case.pk or other.org_id != case.org_id:
        raise InvalidInput(_("Only another case of the same organisation can be linked."), field="other")
    if CaseLink.objects.filter(Q(case=case, other=other) | Q(case=other, other=case)).exists():
        raise InvalidInput(_("These cases are already linked."), field="other")
    at = clock.now()
    with transaction.atomic():
        CaseLink.objects.create(case=case, other=other, created_by=acting_user, created_at=at)
        record(case, transition, actor, at=at, data={"other": other.number})
    return case


def do_add_citizen_message(
    case: Case,
    *,
    text: str,
    channel: str,
    acting_user: Any = None,
    attachments: Sequence[UploadedFile] = (),
    external_ref: str = "",
) -> Case:
    """The citizen writes again about an open case (an email reply, a follow-up sent through a
    channel): the text joins the case's history instead of opening a new case."""
    transition, actor, _reason = authorize("add_message", case, acting_user)
    text = _text(text, "text", _("message"), limit=MAX_BODY)
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    at = clock.now()
    with transaction.atomic():
        names = [
            _store_attachment(case, f, user=acting_user, at=at, is_result=False).original_name
            for f in attachments
        ]
        record(
            case,
            transition,
            actor,
            at=at,
            reason=text,
            public=True,
            data={"channel": channel, "external_ref": external_ref, "attachments": names},
        )
    return case
