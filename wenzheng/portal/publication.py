"""Keeps the public board (``PublicEntry``) in step with the ledger.

A case is on the board when it is public and has a published reply, and either
- its state is published, followed up or archived: the entry shows the latest published reply; or
- it was sent back to be handled again (发回重办) and is still open: the entry stays, with
  ``is_rehandling`` set and the previous published reply. The public has already read that reply
  (and may have linked to it); hiding it would look like the answer was taken down, while the
  flag, shown as "重新办理中", says honestly that the result was found unsatisfactory and is being
  redone. The next publication replaces the reply and clears the flag.
A case that ends otherwise (merged, withdrawn, rejected) or is made private loses its entry: the
citizen's wish or the duplicate's master case takes precedence over what was shown before.

Subject, body and reply are stored masked (``mask_text``: phones, ID numbers, addresses, names
after cues …), and the search tokens are cut from the masked texts, so the board can neither
show nor find what masking hides.

``refresh_entry`` is idempotent and derives everything from the case, so it is safe to call any
number of times; ``rebuild_all`` (``wenzheng portal rebuild``) recomputes the whole board and
heals anything a lost signal, a renamed category or a moved unit left stale. Entries are written
from ``case_event_committed`` after the case's transaction has committed; a failure there is
logged and never reaches the request that changed the case.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from wenzheng.casework.actions.imports import cases_imported
from wenzheng.casework.models import Case, CaseEvent, Reply, ReplyStatus
from wenzheng.casework.recording import case_event_committed
from wenzheng.casework.workflow import OPEN, State
from wenzheng.core import clock
from wenzheng.lib.masking import mask_text
from wenzheng.portal.models import SUBJECT_MAX, PublicEntry
from wenzheng.portal.search import search_text

logger = logging.getLogger(__name__)

# States in which the latest published reply is the current answer.
SHOWN_STATES = frozenset({State.PUBLISHED, State.FOLLOWED_UP, State.ARCHIVED})
# Every other open state of a case with a published reply means it was sent back (re-handling).
ON_BOARD_STATES = SHOWN_STATES | OPEN

# Event kinds that can change what the board shows of a case that has been published: its
# reply, state, satisfaction, lead unit, category or territory, or its presence. Other events
# (notes, urging, extensions, drafts) change nothing public and cost no query.
REFRESH_ON = frozenset(
    {
        "publish",
        "rate",
        "follow_up",
        "send_back",
        "archive",
        "withdraw",
        "merge",
        "reclassify",
        "reassign",
    }
)

CASE_RELATED = ("org", "lead_unit", "category", "territory")


def _latest_published_replies(case_ids: list[int]) -> dict[int, Reply]:
    """The latest published reply of each of ``case_ids`` (one query)."""
    latest: dict[int, Reply] = {}
    replies = (
        Reply.objects.filter(case__in=case_ids, status=ReplyStatus.PUBLISHED)
        .select_related("unit")
        .order_by("case_id", "published_at", "id")
    )
    for reply in replies:
        latest[reply.case_id] = reply  # ascending order: the last one seen is the latest
    return latest


def _is_candidate(case: Case) -> bool:
    return case.is_public and case.published_at is not None


def _entry(case: Case, reply: Reply | None) -> PublicEntry | None:
    """The entry ``case`` should have given its latest published reply, or None (off the board)."""
    shown = reply is not None and _is_candidate(case) and case.state in ON_BOARD_STATES
    if not shown:
        return None
    assert reply is not None
    assert case.published_at is not None
    subject = mask_text(case.subject)[:SUBJECT_MAX]
    body = mask_text(case.body)
    reply_text = mask_text(reply.body)
    return PublicEntry(
        case=case,
        number=case.number,
        subject=subject,
        body=body,
        reply=reply_text,
        reply_unit=reply.unit.name,
        is_rehandling=case.state not in SHOWN_STATES,
        lead_unit=case.lead_unit,
        category=case.category,
        category_path=case.category.full_name if case.category else "",
        territory=case.territory,
        territory_path=case.territory.path if case.territory else "",
        org=case.org,
        received_at=case.received_at,
        # The latest publication: a re-published answer comes back to the top of the board.
        published_at=case.published_at,
        satisfaction=case.satisfaction,
        search_text=search_text(subject, body, reply_text),
        updated_at=clock.now(),
    )


# Every column an upsert rewrites: all but the key and the row's id.
_UPDATED = [f.name for f in PublicEntry._meta.concrete_fields if not f.primary_key and f.name != "case"]


def project_cases(cases: list[Case]) -> int:
    """Write (or remove) the entries of ``cases`` in bulk: one query for their replies, one upsert
    and one delete. Returns how many of them are on the board. Cases should come with
    ``select_related(*CASE_RELATED)``."""
    if not cases:
        return 0
    latest = _latest_published_replies([c.pk for c in cases if _is_candidate(c)])
    entries, gone = [], []
    for case in cases:
        entry = _entry(case, latest.get(case.pk))
        if entry is None:
            gone.append(case.pk)
        else:
            entries.append(entry)
    # A savepoint: called inside a larger transaction, a failure here undoes only this.
    with transaction.atomic():
        if gone:
            PublicEntry.objects.filter(case_id__in=gone).delete()
        if entries:
            PublicEntry.objects.bulk_create(
                entries, update_conflicts=True, unique_fields=["case"], update_fields=_UPDATED
            )
    return len(entries)


def refresh_entry(case: Case) -> PublicEntry | None:
    """Bring the board entry of ``case`` in line with the case as given; returns the entry, or
    None when the case is not (or no longer) on the board."""
    if project_cases([case]) == 0:
        return None
    return PublicEntry.objects.get(case_id=case.pk)


@receiver(case_event_committed, dispatch_uid="wenzheng.portal.publication")
def _on_case_event_committed(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    if event.kind not in REFRESH_ON:
        return
    try:
        # Read the committed row: one transaction may have sent several events (an unsatisfied
        # follow-up is also a send-back), and the board must show where the case ended up.
        case = Case.objects.select_related(*CASE_RELATED).get(pk=event.case_id)
        refresh_entry(case)
    except Exception:
        # The change to the case has committed; the board heals with the next event or rebuild.
        logger.exception("Could not refresh the public entry of case %s after %s", event.case_id, event.kind)


@receiver(cases_imported, dispatch_uid="wenzheng.portal.publication.imports")
def _on_cases_imported(sender: Any, *, case_ids: list[int], **kwargs: Any) -> None:
    """A bulk import sends one signal for all its cases: project the published public ones."""
    try:
        project_imported(case_ids)
    except Exception:
        logger.exception("Could not project %s imported cases; run `wenzheng portal rebuild`", len(case_ids))


def project_imported(case_ids: list[int], batch_size: int = 1000) -> int:
    """Project the published public cases among ``case_ids``; returns how many are on the board."""
    shown = 0
    for start in range(0, len(case_ids), batch_size):
        some = case_ids[start : start + batch_size]
        candidates = Case.objects.filter(pk__in=some, is_public=True, published_at__isnull=False)
        shown += project_cases(list(candidates.select_related(*CASE_RELATED)))
    return shown


def rebuild_all(batch_size: int = 1000) -> int:
    """Recompute the whole board from the ledger; returns the number of entries on it."""
    stale = PublicEntry.objects.filter(Q(case__is_public=False) | Q(case__published_at__isnull=True))
    stale.delete()
    candidates = Case.objects.filter(is_public=True, published_at__isnull=False).select_related(*CASE_RELATED)
    shown = 0
    last_id = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            break
        shown += project_cases(batch)
        last_id = batch[-1].pk
    return shown
