"""What the router learned, what it suggested for each case, and the warnings it raised.

- ``RouterModel``: one trained version (text models per category level, the unit memory and the
  grade model), with the evaluation it was stored with. Exactly one is active at a time; a new
  version becomes active only when it was trained without error, and any version can be made
  active again (a rollback).
- ``Suggestion``: the router's proposal for one case at receipt (category, territory, unit,
  grade), kept beside what intake and dispatch finally decided: acceptance and every correction
  are measured from these rows, and the corrected cases are the next training's examples.
- ``SensitiveTerm``: the lexicon of the major-sensitive screen, edited by administrators.
- ``Alert``: an immediate warning (专报) to the supervisors about a major-sensitive message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Category


class RouterModel(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created at"))
    source = models.CharField(_("trained from"), max_length=200)
    examples = models.PositiveIntegerField(_("training examples"))
    # Evaluation on a held-out part of the examples: macro_f1, accuracy, per_class, sizes.
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    train_seconds = models.FloatField(_("training time (s)"))
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    blob = models.BinaryField(_("model"), editable=False)
    is_active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("router model")
        verbose_name_plural = _("router models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="router_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Suggestion(models.Model):
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="suggestion"
    )
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("suggested category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category_label = models.CharField(_("suggested label"), max_length=320, blank=True)
    confidence = models.FloatField(_("confidence"), default=0.0)
    # [{"label", "category", "p"}] best first; [[word, weight]]: what drove the choice.
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    words = models.JSONField(_("deciding words"), default=list, blank=True)
    territory = models.ForeignKey(
        OrgUnit,
        verbose_name=_("suggested territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    territory_confidence = models.FloatField(_("territory confidence"), default=0.0)
    territory_evidence = models.JSONField(_("territory evidence"), default=list, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_confidence = models.FloatField(_("unit confidence"), default=0.0)
    unit_alternatives = models.JSONField(_("unit alternatives"), default=list, blank=True)
    grade = models.CharField(_("suggested grade"), max_length=12, blank=True)
    sensitive = models.JSONField(_("sensitive screen"), default=dict, blank=True)
    # What was finally decided (registration, reclassification, reassignment, return).
    final_category = models.ForeignKey(
        Category,
        verbose_name=_("registered category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit that took the case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category_corrected = models.BooleanField(_("category corrected"), null=True, blank=True)
    unit_corrected = models.BooleanField(_("unit corrected"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("routing suggestion")
        verbose_name_plural = _("routing suggestions")
        indexes = [models.Index(fields=["model_version", "created_at"], name="suggestion_version_time")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.category_label}"


class TermKind(models.TextChoices):
    MASS_INCIDENT = "mass_incident", _("Mass incident")
    SAFETY = "safety", _("Safety")
    PUBLIC_HEALTH = "public_health", _("Public health")
    SELF_HARM = "self_harm", _("Threat of self-harm")
    VIOLENCE = "violence", _("Threat of violence")


def kind_labels(kinds: list[str] | tuple[str, ...]) -> list[str]:
    """The names of warning kinds; "model" (the grade model alone raised it) included."""
    return [str(TermKind(k).label) if k in TermKind.values else str(_("model judgement")) for k in kinds]


class SensitiveTerm(models.Model):
    term = models.CharField(
        _("term"),
        max_length=100,
        help_text=_('A word, or "A+B": both words in the same sentence.'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TermKind.choices)
    weight = models.FloatField(_("weight"), default=1.0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sensitive term")
        verbose_name_plural = _("sensitive-term lexicon")
        ordering = ["kind", "term"]
        constraints = [models.UniqueConstraint(fields=["term", "kind"], name="sensitive_term_unique")]

    def __str__(self) -> str:
        return self.term


class Alert(models.Model):
    """An immediate warning (专报) about a major-sensitive message, to the supervisors."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="alert")
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("raised at"))
    kinds = models.JSONField(_("kinds"), default=list)
    score = models.FloatField(_("score"))
    hits = models.JSONField(_("evidence"), default=list)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("special report warning")
        verbose_name_plural = _("special report warnings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["org", "-created_at"], name="alert_open", condition=Q(acknowledged_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kinds}"

    @property
    def kind_labels(self) -> list[str]:
        return kind_labels(self.kinds)
