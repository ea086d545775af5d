"""The router follows the ledger: a new message gets its suggestion (and, if major-sensitive, its
warning) right after it is committed; registration, reclassification and claims are noted beside
the suggestion. Work runs as a background job; a failure is logged and never reaches the request
that changed the case."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import CaseEvent
from wenzheng.casework.recording import case_event_committed
from wenzheng.insight.router.models import SensitiveTerm

logger = logging.getLogger(__name__)

DECISIONS = frozenset({"register", "reclassify", "claim"})


@receiver(case_event_committed, dispatch_uid="wenzheng.insight.router.follow")
def _on_case_event(sender: Any, *, event: CaseEvent, **kwargs: Any) -> None:
    from wenzheng.insight.router import tasks as jobs

    try:
        if event.kind == "receive":
            jobs.suggest(event.case_id)
        elif event.kind in DECISIONS:
            jobs.note_decision(event.case_id, event.kind, event.actor_unit_id)
    except Exception:
        logger.exception("Could not queue the router's work for case %s after %s", event.case_id, event.kind)


@receiver([post_save, post_delete], sender=SensitiveTerm, dispatch_uid="wenzheng.insight.router.lexicon")
def _on_lexicon_change(sender: Any, **kwargs: Any) -> None:
    from wenzheng.insight.router.services import bump

    bump("lexicon")


@receiver([post_save, post_delete], sender=OrgUnit, dispatch_uid="wenzheng.insight.router.places")
def _on_places_change(sender: Any, **kwargs: Any) -> None:
    from wenzheng.insight.router.services import bump

    bump("places")
