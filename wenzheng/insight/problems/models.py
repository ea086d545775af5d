"""The common-problem ledger (共性问题台账): many messages about one underlying problem, the
rectification steps the responsible unit reports, and the re-checks (回头看) that confirm it is
fixed before the problem is closed. Every change goes through wenzheng.insight.problems.actions.

Life cycle: open → rectifying (first step reported) → rechecking (a re-check scheduled) →
closed (after a re-check found it rectified); a re-check that finds it not rectified sends it
back to rectifying.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Category


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFYING = "rectifying", _("Being rectified")
    RECHECKING = "rechecking", _("Re-check scheduled")
    CLOSED = "closed", _("Closed")


class RecheckResult(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    NOT_RECTIFIED = "not_rectified", _("Not rectified")


class CommonProblem(models.Model):
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="common_problems",
    )
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), blank=True, related_name="common_problems")
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_notes = models.TextField(_("closing notes"), blank=True)

    class Meta:
        verbose_name = _("common problem")
        verbose_name_plural = _("common problems")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "status", "-created_at"], name="problem_org_status")]

    def __str__(self) -> str:
        return self.title


class RectificationStep(models.Model):
    problem = models.ForeignKey(
        CommonProblem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="steps"
    )
    description = models.TextField(_("what was done"))
    evidence = models.TextField(_("evidence"), blank=True)
    done_on = models.DateField(_("done on"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")
        ordering = ["done_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.done_on}: {self.description[:40]}"


class Recheck(models.Model):
    """One re-check (回头看): scheduled for a day, then its result recorded. At most one is pending."""

    problem = models.ForeignKey(
        CommonProblem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="rechecks"
    )
    scheduled_on = models.DateField(_("scheduled for"))
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=16, choices=RecheckResult.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["scheduled_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=models.Q(result=""), name="recheck_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheduled_on} {self.get_result_display() or '…'}"
