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

_CASE_RELATED = ("org", "lead_unit", "category", "territory")


def _latest_published_reply(case: Case) -> Reply | None:
    return (
        case.replies.filter(status=ReplyStatus.PUBLISHED)
        .select_related("unit")
        .order_by("-published_at", "-id")
        .first()
    )


def _is_candidate(case: Case) -> bool:
    return case.is_public and case.published_at is not None


def _project(case: Case, reply: Reply | None) -> PublicEntry | None:
    """Write (or remove) the entry of ``case`` given its latest published reply."""
    shown = reply is not None and _is_candidate(case) and case.state in ON_BOARD_STATES
    if not shown:
        PublicEntry.objects.filter(case_id=case.pk).delete()
        return None
    assert reply is not None
    assert case.published_at is not None
    subject = mask_text(case.subject)[:SUBJECT_MAX]
    body = mask_text(case.body)
    reply_text = mask_text(reply.body)
    values: dict[str, Any] = {
        "number": case.number,
        "subject": subject,
        "body": body,
        "reply": reply_text,
        "reply_unit": reply.unit.name,
        "is_rehandling": case.state not in SHOWN_STATES,
        "lead_unit": case.lead_unit,
        "category": case.category,
        "category_path": case.category.full_name if case.category else "",
        "territory": case.territory,
        "territory_path": case.territory.path if case.territory else "",
        "org": case.org,
        "received_at": case.received_at,
        # The latest publication: a re-published answer comes back to the top of the board.
        "published_at": case.published_at,
        "satisfaction": case.satisfaction,
        "search_text": search_text(subject, body, reply_text),
    }
    entry, _created = PublicEntry.objects.update_or_create(case=case, defaults=values)
    return entry


def refresh_entry(case: Case) -> PublicEntry | None:
    """Bring the board entry of ``case`` in line with the case as given; returns the entry, or
    None when the case is not (or no longer) on the board."""
    # A savepoint: when called inside a larger transaction, a failure here undoes only this.
    with transaction.atomic():
        reply = _latest_published_reply(case) if _is_candidate(case) else None
        return _project(case, reply)


@receiver(case_event_committed, dispatch_uid="wenzheng.portal.publication")
def _on_case_event_committed(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    if event.kind not in REFRESH_ON:
        return
    try:
        # Read the committed row: one transaction may have sent several events (an unsatisfied
        # follow-up is also a send-back), and the board must show where the case ended up.
        case = Case.objects.select_related(*_CASE_RELATED).get(pk=event.case_id)
        refresh_entry(case)
    except Exception:
        # The change to the case has committed; the board heals with the next event or rebuild.
        logger.exception("Could not refresh the public entry of case %s after %s", event.case_id, event.kind)


@receiver(cases_imported, dispatch_uid="wenzheng.portal.publication.imports")
def _on_cases_imported(sender: Any, *, case_ids: list[int], **kwargs: Any) -> None:
    """A bulk import sends one signal for all its cases: project the published public ones."""
    try:
        candidates = Case.objects.filter(pk__in=case_ids, is_public=True, published_at__isnull=False)
        for case in candidates.select_related(*_CASE_RELATED).iterator(chunk_size=500):
            refresh_entry(case)
    except Exception:
        logger.exception("Could not project %s imported cases; run `wenzheng portal rebuild`", len(case_ids))


def rebuild_all(batch_size: int = 1000) -> int:
    """Recompute the whole board from the ledger; returns the number of entries on it."""
    stale = PublicEntry.objects.filter(Q(case__is_public=False) | Q(case__published_at__isnull=True))
    stale.delete()
    candidates = Case.objects.filter(is_public=True, published_at__isnull=False).select_related(
        *_CASE_RELATED
    )
    shown = 0
    last_id = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            break
        latest: dict[int, Reply] = {}
        replies = (
            Reply.objects.filter(case__in=[c.pk for c in batch], status=ReplyStatus.PUBLISHED)
            .select_related("unit")
            .order_by("case_id", "published_at", "id")
        )
        for reply in replies:
            latest[reply.case_id] = reply  # ascending order: the last one seen is the latest
        with transaction.atomic():
            for case in batch:
                if _project(case, latest.get(case.pk)) is not None:
                    shown += 1
        last_id = batch[-1].pk
    return shown
