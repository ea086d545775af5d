"""What the GeoReport v2 endpoint reads: its services (categories) and service requests (cases).

Services are the leaves of the active category tree: the topics a citizen chooses from. A
first- or second-level category is a heading (the service's ``group`` and ``keywords``), not a
choice, unless nothing active hangs under it. A leaf whose parent or grandparent was
deactivated is hidden with its branch.

Service requests are the public cases of one organisation's ledger, from every channel. Only
what the public board may show leaves here: no contact field is ever read into a row, texts are
masked with ``mask_text``, and a case closed without an answer (merged, rejected, withdrawn)
keeps its status but loses its text, as it leaves the public board.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, CaseClock, Category, ClockKind
from wenzheng.casework.workflow import TERMINAL, State
from wenzheng.lib.masking import mask_text
from wenzheng.portal.models import PublicEntry

MAX_CODE_DIGITS = 18  # a service code is a category id: keep it inside a 64-bit integer
DESCRIPTION_LIMIT = 4000  # the spec: "free form text limited to 4,000 characters"

# Open311 knows two statuses. A case is closed once its answer is published (the citizen has the
# result; a follow-up or archiving adds nothing for them) or when it ended without one.
ANSWERED = frozenset({State.PUBLISHED, State.FOLLOWED_UP, State.ARCHIVED})
CLOSED_STATES = ANSWERED | TERMINAL
CLOSED_WITHOUT_ANSWER = TERMINAL - {State.ARCHIVED}


# --- services ----------------------------------------------------------------------------------


def is_service_code(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= MAX_CODE_DIGITS


def services() -> QuerySet[Category]:
    """Active leaves with an active lineage, parents joined for group and keywords."""
    active_child = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return (
        Category.objects.filter(is_active=True)
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .filter(Q(parent__parent__isnull=True) | Q(parent__parent__is_active=True))
        .exclude(Exists(active_child))
        .select_related("parent__parent")
        .order_by("full_name", "pk")
    )


def get_service(code: str) -> Category | None:
    if not is_service_code(code):
        return None
    return services().filter(pk=int(code)).first()


# --- service requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    """One case as GeoReport v2 shows it: only public, masked fields."""

    case: Case
    status: str
    description: str | None
    service_notice: str | None
    address: str | None
    updated_at: datetime
    expected_at: datetime | None


def _published_entry(case: Case) -> PublicEntry | None:
    try:
        return case.public_entry
    except PublicEntry.DoesNotExist:
        return None


def expected_at(case: Case, clocks: Iterable[CaseClock]) -> datetime | None:
    """When the case can be expected to be done, from its time-limit clocks.

    While clocks run: the completion clock's due date, else the earliest due date. When none runs
    any more (the answer was published): the due date of the clock that stopped last, completion
    first. Cancelled clocks never count, and a case closed without an answer has no expectation.
    """
    if case.state in CLOSED_WITHOUT_ANSWER:
        return None
    counted = [c for c in clocks if not c.is_cancelled]
    running = [c for c in counted if c.stopped_at is None]
    if running:
        completion = [c for c in running if c.kind == ClockKind.COMPLETION]
        return min(c.due_at for c in (completion or running))
    stopped = [c for c in counted if c.stopped_at is not None]
    if not stopped:
        return None
    last = max(stopped, key=lambda c: (c.stopped_at, c.kind == ClockKind.COMPLETION, c.pk))
    return last.due_at


def _updated_at(case: Case) -> datetime:
    # The spec: for a closed request, the date it was closed.
    if case.state in ANSWERED and case.published_at is not None:
        return case.published_at
    if case.state in CLOSED_WITHOUT_ANSWER and case.closed_at is not None:
        return case.closed_at
    return case.updated_at


def _addresses(org: OrgUnit, cases: list[Case]) -> dict[int, str]:
    """The territory of each case, most specific unit first, up to the organisation: one query."""
    wanted: set[int] = set()
    for case in cases:
        if case.territory is not None:
            wanted.update(case.territory.ancestor_ids())
    names = dict(OrgUnit.objects.filter(pk__in=wanted, path__startswith=org.path).values_list("pk", "name"))
    result = {}
    for case in cases:
        if case.territory is not None:
            chain = [names[i] for i in reversed(case.territory.ancestor_ids()) if i in names]
            result[case.pk] = ", ".join(chain)
    return result


def _rows(org: OrgUnit, cases: list[Case]) -> list[RequestRow]:
    addresses = _addresses(org, cases)
    rows = []
    for case in cases:
        entry = _published_entry(case)
        rows.append(
            RequestRow(
                case=case,
                status="closed" if case.state in CLOSED_STATES else "open",
                description=None
                if case.state in CLOSED_WITHOUT_ANSWER
                else mask_text(case.body)[:DESCRIPTION_LIMIT],
                # The published reply (masked on the board) says how the request was addressed;
                # while the case is handled again the old reply is no longer the notice.
                service_notice=entry.reply if entry is not None and not entry.is_rehandling else None,
                address=addresses.get(case.pk) or None,
                updated_at=_updated_at(case),
                expected_at=expected_at(case, case.open311_clocks),  # type: ignore[attr-defined]
            )
        )
    return rows


def public_requests(org: OrgUnit) -> QuerySet[Case]:
    """The public cases of ``org``, with what a row needs and nothing personal."""
    return (
        Case.objects.filter(org=org, is_public=True)
        .select_related("category", "lead_unit", "territory", "public_entry")
        .prefetch_related(
            Prefetch("clocks", queryset=CaseClock.objects.order_by("pk"), to_attr="open311_clocks")
        )
        .only(
            "number",
            "org_id",
            "body",
            "state",
            "is_public",
            "received_at",
            "updated_at",
            "published_at",
            "closed_at",
            "category__id",
            "category__name",
            "lead_unit__id",
            "lead_unit__name",
            "territory__id",
            "territory__path",
            "public_entry__id",
            "public_entry__reply",
            "public_entry__is_rehandling",
        )
    )


def find_requests(
    org: OrgUnit,
    *,
    ids: Iterable[str] = (),
    service_codes: Iterable[int] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: frozenset[str] = frozenset(),
    offset: int = 0,
    limit: int = 200,
) -> list[RequestRow]:
    """Newest first. ``ids`` (case numbers) override every other criterion, as the spec says."""
    qs = public_requests(org)
    ids = list(ids)
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
        codes = list(service_codes)
        if codes:
            qs = qs.filter(category_id__in=codes)
        if statuses == {"open"}:
            qs = qs.exclude(state__in=CLOSED_STATES)
        elif statuses == {"closed"}:
            qs = qs.filter(state__in=CLOSED_STATES)
    cases = list(qs.order_by("-received_at", "-id")[offset : offset + limit])
    return _rows(org, cases)


def get_request(org: OrgUnit, number: str) -> RequestRow | None:
    rows = find_requests(org, ids=[number], limit=1)
    return rows[0] if rows else None


# --- discovery ---------------------------------------------------------------------------------

# When this endpoint's own definition last changed; a later edit of the category tree moves it on.
ENDPOINT_CHANGED = datetime(2026, 11, 21, tzinfo=UTC)


def services_changed_at() -> datetime:
    """When the service list or definitions last changed, as far as the admin's log knows.

    Categories carry no timestamp; edits in the Django admin are logged, loads from a file
    (``wenzheng categories load``) are not, so after a load the changeset moves only with the
    next admin edit.
    """
    latest = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Category))
        .order_by("-action_time")
        .values_list("action_time", flat=True)
        .first()
    )
    return max(ENDPOINT_CHANGED, latest) if latest is not None else ENDPOINT_CHANGED
