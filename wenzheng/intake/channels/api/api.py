"""The partner API (``/api/v1/``): partners (a WeChat service account, a hotline system, a
provincial platform) send citizens' messages into the ledger and follow them.

Thin handlers: parse (schemas.py), fetch within the key's organisation, call ``accept`` (the one way
into the ledger) or a read-only query, shape the answer. Every error leaves as
``{"error", "message", "details"}``; every status an operation can answer is declared, so the
OpenAPI document at ``/api/v1/openapi.json`` describes the API completely.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja.params import HeaderEx, P, PathEx

from wenzheng.accounts.models import Mailbox, OrgUnit
from wenzheng.accounts.policy import ledger_org_of
from wenzheng.casework.models import Case, CaseClock, CaseEvent, Category, ClockKind, ReplyStatus
from wenzheng.casework.selectors import get_public_timeline
from wenzheng.core.errors import Conflict, InvalidInput, NotFound
from wenzheng.core.pagination import decode_cursor, keyset_page
from wenzheng.intake.channels.api.auth import ApiKeyAuth
from wenzheng.intake.channels.api.errors import CaseClosed, register_error_handlers
from wenzheng.intake.channels.api.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    REPLAYED_HEADER,
    Outcome,
    run_idempotent,
)
from wenzheng.intake.channels.api.models import ApiKey
from wenzheng.intake.channels.api.schemas import (
    ErrorOut,
    FollowupIn,
    FollowupOut,
    MessageCreatedOut,
    MessageIn,
    MessageOut,
    PublishedItemOut,
    PublishedPageOut,
    ReplyOut,
    TimelineEntryOut,
)
from wenzheng.intake.submission import Submission, accept
from wenzheng.lib.masking import mask_text
from wenzheng.portal.models import PublicEntry
from wenzheng.portal.search import board_entries

NUMBER_MAX = 40
PAGE_SIZE = 20
PAGE_SIZE_MAX = 100

api = NinjaAPI(
    urls_namespace="api",
    docs_url="/docs/",
    # No call to validator.swagger.io: the interactive docs load nothing from the internet.
    docs=Swagger(settings={"validatorUrl": None}),
    title="wenzheng partner API",
    version="1",
    description=(
        "Partners send citizens' messages into the ledger and follow them. Authenticate with "
        "`Authorization: Bearer <key>`; POST requests accept an `Idempotency-Key` header (≤ 255 "
        "characters) and replay the first answer, marked `Idempotent-Replayed: true`, when retried. "
        "Each key has a per-minute limit (429 with `Retry-After`). Errors are "
        '`{"error": code, "message": text, "details": {…}}`.'
    ),
)

IdempotencyKey = HeaderEx[
    str | None,
    P(
        alias=HEADER,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique printable ASCII string; a retry with the same key and body replays the answer.",
    ),
]

CaseNumber = PathEx[str, P(max_length=NUMBER_MAX, description="The case number, e.g. WZ-2026-000123.")]

register_error_handlers(api)


def _errors(*codes: int) -> dict[int, type[Schema]]:
    return dict.fromkeys(codes, ErrorOut)


# --- Helpers ----------------------------------------------------------------------------------


def _key(request: HttpRequest) -> ApiKey:
    key = getattr(request, "auth", None)
    assert isinstance(key, ApiKey)
    return key


def _respond(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    response = api.create_response(request, outcome.body, status=outcome.status)
    if outcome.replayed:
        response[REPLAYED_HEADER] = "true"
    return response


def _org_case(key: ApiKey, number: str) -> Case:
    """A case this partner sent, or NotFound.

    Case numbers are sequential, so anyone can guess the next one: a number of another channel,
    another partner or another ledger answers exactly like a number that does not exist, and the
    partner can neither read its progress nor add to it.
    """
    number = (number or "").strip().upper()
    if not number or len(number) > NUMBER_MAX or "\x00" in number:
        raise NotFound()
    case = (
        Case.objects.select_related("lead_unit")
        .filter(org=key.org, channel=key.channel, source=key.source, number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def _check_references(key: ApiKey, payload: MessageIn) -> None:
    """What the schema cannot know: the mailbox, territory and category must exist here."""
    fields: dict[str, list[str]] = {}
    if payload.mailbox_code:
        mailbox = Mailbox.objects.select_related("office").filter(code=payload.mailbox_code).first()
        if mailbox is None or not mailbox.is_active or ledger_org_of(mailbox.office) != key.org:
            fields["mailbox_code"] = [_("No mailbox of this organisation has this code.")]
    if payload.territory_code:
        territory = OrgUnit.objects.filter(
            code=payload.territory_code, path__startswith=key.org.path, is_active=True
        ).first()
        if territory is None or not territory.is_territorial:
            fields["territory_code"] = [_("No territory of this organisation has this code.")]
    if payload.category and not Category.objects.filter(name=payload.category, is_active=True).exists():
        fields["category"] = [_("No active category has this name.")]
    if fields:
        raise InvalidInput(_("The input is not valid."), fields=fields)


def _due_at(case: Case) -> Any:
    running = CaseClock.objects.filter(case=case, stopped_at__isnull=True)
    clock = (
        running.filter(kind=ClockKind.COMPLETION).order_by("-pk").first()
        or running.order_by("due_at").first()
    )
    return clock.due_at if clock else None


def _reply(key: ApiKey, case: Case) -> ReplyOut | None:
    # A private case's reply is for the citizen; only the partner who brought the message relays it.
    own = case.channel == key.channel and case.source == key.source
    if not case.is_public and not own:
        return None
    reply = (
        case.replies.filter(status=ReplyStatus.PUBLISHED, published_at__isnull=False)
        .select_related("unit")
        .order_by("-published_at", "-pk")
        .first()
    )
    if reply is None or reply.published_at is None:
        return None
    # Masked as on the public board: the partner needs the answer, not the personal data in it.
    return ReplyOut(text=mask_text(reply.body), unit=reply.unit.name, published_at=reply.published_at)


def _published_item(entry: PublicEntry) -> PublishedItemOut:
    return PublishedItemOut(
        number=entry.number,
        subject=entry.subject,
        body=entry.body,
        reply=entry.reply,
        reply_unit=entry.reply_unit,
        lead_unit=entry.lead_unit.name if entry.lead_unit else None,
        category=entry.category_path,
        territory=entry.territory.name if entry.territory else None,
        received_at=entry.received_at,
        published_at=entry.published_at,
        satisfaction=entry.satisfaction or None,
        is_rehandling=entry.is_rehandling,
    )


def _find_category(value: str) -> Category | None:
    qs = Category.objects.all()
    if "/" in value:
        return qs.filter(full_name=value).first()
    return qs.filter(name=value).order_by("level", "pk").first()


# --- Operations -------------------------------------------------------------------------------


@api.post(
    "/messages",
    auth=ApiKeyAuth("messages:write"),
    response={201: MessageCreatedOut, 200: MessageCreatedOut, **_errors(400, 401, 403, 409, 422, 429)},
    operation_id="create_message",
    summary="Send a citizen's message",
    description=(
        "201 with the number and the citizen's query code for a new case; 200 with `created: false` "
        "and no query code when this `external_id` was delivered before."
    ),
    tags=["messages"],
)
def create_message(
    request: HttpRequest, payload: MessageIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    key = _key(request)

    def handle() -> Outcome:
        _check_references(key, payload)
        accepted = accept(
            Submission(
                channel=key.channel,
                source=key.source,
                external_ref=payload.external_id or "",
                subject=payload.subject,
                body=payload.body,
                contact_name=payload.contact_name or "",
                contact_phone=payload.contact_phone or "",
                contact_email=payload.contact_email or "",
                is_public=payload.is_public,
                mailbox_code=payload.mailbox_code or "",
                territory_code=payload.territory_code or "",
                category_name=payload.category or "",
                received_at=payload.received_at,
            ),
            org=key.org,
        )
        case = accepted.case
        if case.org_id != key.org_id:
            raise Conflict(_("This external_id is already used by another organisation's message."))
        out = MessageCreatedOut(
            number=case.number,
            query_code=accepted.query_code if accepted.created else None,
            status=case.state,
            status_label=str(case.get_state_display()),
            created=accepted.created,
        )
        return Outcome(201 if accepted.created else 200, out.model_dump(mode="json"))

    return _respond(request, run_idempotent(request, key, idempotency_key, handle))


@api.get(
    "/messages/{number}",
    auth=ApiKeyAuth("messages:read"),
    response={200: MessageOut, **_errors(401, 403, 404, 422, 429)},
    operation_id="get_message",
    summary="Progress of a message this partner sent",
    tags=["messages"],
)
def get_message(request: HttpRequest, number: CaseNumber) -> MessageOut:
    key = _key(request)
    case = _org_case(key, number)
    timeline = [
        TimelineEntryOut(
            at=event.created_at,
            kind=event.kind,
            label=event.get_kind_display(),
            unit=event.actor_unit.name if event.actor_unit else None,
        )
        for event in get_public_timeline(case)
    ]
    return MessageOut(
        number=case.number,
        status=case.state,
        status_label=str(case.get_state_display()),
        received_at=case.received_at,
        due_at=_due_at(case),
        lead_unit=case.lead_unit.name if case.lead_unit else None,
        reply=_reply(key, case),
        timeline=timeline,
    )


class PublishedQuery(Schema):
    q: str = Field("", max_length=200, description="Words to search for (Chinese is segmented).")
    unit: str = Field("", max_length=40, description="Code of a unit: its cases and its sub-units'.")
    category: str = Field("", max_length=320, description="A category name, or its full path a/b/c.")
    page_size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX)
    cursor: str = Field("", max_length=200, description="`next_cursor` of the previous page.")


@api.get(
    "/published",
    auth=ApiKeyAuth("published:read"),
    response={200: PublishedPageOut, **_errors(401, 403, 422, 429)},
    operation_id="list_published",
    summary="The public board: published replies, newest first, personal data masked",
    tags=["published"],
)
def list_published(request: HttpRequest, filters: Query[PublishedQuery]) -> PublishedPageOut:
    key = _key(request)
    fields: dict[str, list[str]] = {}
    for name in ("q", "unit", "category", "cursor"):
        if "\x00" in getattr(filters, name):
            fields[name] = [_("The text contains a NUL character.")]
    if fields:
        raise InvalidInput(_("The input is not valid."), fields=fields)
    unit = None
    if filters.unit:
        unit = OrgUnit.objects.filter(code=filters.unit.strip(), path__startswith=key.org.path).first()
        if unit is None:
            fields["unit"] = [_("No unit of this organisation has this code.")]
    category = _find_category(filters.category.strip()) if filters.category.strip() else None
    if filters.category.strip() and category is None:
        fields["category"] = [_("No category has this name.")]
    if filters.cursor:
        position = decode_cursor(filters.cursor)
        if position is None or position[0].tzinfo is None:
            fields["cursor"] = [_("This cursor is not valid; start again from the first page.")]
    if fields:
        raise InvalidInput(_("The input is not valid."), fields=fields)
    # The board's projection only: a private case or a citizen's personal data is not in it.
    entries = (
        board_entries(q=filters.q, unit=unit, category=category)
        .filter(org=key.org)
        .select_related("lead_unit", "territory")
    )
    page = keyset_page(entries, filters.cursor or None, size=filters.page_size, field="published_at")
    return PublishedPageOut(items=[_published_item(e) for e in page.items], next_cursor=page.next_cursor)


@api.post(
    "/messages/{number}/followups",
    auth=ApiKeyAuth("followups:write"),
    response={201: FollowupOut, 200: FollowupOut, **_errors(400, 401, 403, 404, 409, 422, 429)},
    operation_id="add_followup",
    summary="Add the citizen's further message to an open case",
    description="201 when added; 200 when this `external_id` was already added to the case; 409 when the case is closed.",
    tags=["messages"],
)
def add_followup(
    request: HttpRequest, number: CaseNumber, payload: FollowupIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    key = _key(request)

    def handle() -> Outcome:
        case = _org_case(key, number)
        if case.is_closed:
            raise CaseClosed()
        external_ref = payload.external_id or ""
        if (
            external_ref
            and CaseEvent.objects.filter(
                case=case, kind="add_message", data__channel=key.channel, data__external_ref=external_ref
            ).exists()
        ):
            return Outcome(200, FollowupOut(number=case.number, joined=True).model_dump(mode="json"))
        submission = Submission(
            channel=key.channel,
            source=key.source,
            external_ref=external_ref,
            subject="",
            body=payload.text,
            reply_to_number=case.number,
        )
        try:
            with transaction.atomic():
                accepted = accept(submission, org=key.org)
                if not accepted.joined:
                    # Closed between our check and accept(), which then opened a new case: undo it.
                    raise CaseClosed()
        except InvalidInput:
            # accept() falls back to a new case when the case has closed meanwhile; that fails
            # here for want of a subject, which means the case is closed, not the input bad.
            if _org_case(key, number).is_closed:
                raise CaseClosed() from None
            raise
        return Outcome(201, FollowupOut(number=case.number, joined=True).model_dump(mode="json"))

    return _respond(request, run_idempotent(request, key, idempotency_key, handle))
