"""The event log: append-only, one row per change, hash-chained per case."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models.case import Case
from wenzheng.casework.workflow import TRANSITIONS, State


class AppendOnlyError(RuntimeError):
    pass


class CaseEvent(models.Model):
    # No single-column indexes where a composite one below leads with the column (see Case).
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField(_("sequence"))
    # No choices on the column: the transition table grows, and each new action would otherwise be a
    # migration. get_kind_display() below reads the label from the table instead.
    kind = models.CharField(_("kind"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("actor's unit"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("actor's role"), max_length=20, blank=True)
    from_state = models.CharField(_("from state"), max_length=20, blank=True, choices=State.choices)
    to_state = models.CharField(_("to state"), max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    is_public = models.BooleanField(_("shown on the public timeline"), default=False)
    created_at = models.DateTimeField(_("created at"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="case_event_kind_time"),
            models.Index(fields=["actor_unit", "created_at"], name="case_event_unit_time"),
            models.Index(fields=["actor"], name="case_event_actor", condition=Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Case events are append-only.")

    def chain_payload(self) -> dict[str, Any]:
        """What the hash covers: everything recorded about the change."""
        return {
            "case": self.case_id,
            "seq": self.seq,
            "kind": self.kind,
            "actor": self.actor_id,
            "actor_unit": self.actor_unit_id,
            "actor_role": self.actor_role,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "data": self.data,
            "is_public": self.is_public,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
        }

    def get_kind_display(self) -> str:
        transition = TRANSITIONS.get(self.kind)
        return str(transition.label) if transition else self.kind

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self) -> str:
        return self.get_kind_display()
