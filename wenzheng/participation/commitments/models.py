"""Leaders' monthly work reports and public commitments (领导月度工作报告、公开承诺).

A report or a commitment belongs to a unit and, optionally, to one of its leaders (a staff member
with a public title, kept as a ``LeaderProfile`` by administrators). Both are drafts until an
explicit publish action; only published ones reach the portal. A commitment has a target date and
a status — in progress, fulfilled, or overdue (set by the daily sweep once the target date has
passed unfulfilled) — and a public trail of progress updates. Every change goes through
wenzheng.participation.commitments.actions and leaves a ``CommitmentRecord``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CommitmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    OVERDUE = "overdue", _("Overdue")


class LeaderProfile(models.Model):
    """A leader as the public sees them: a name and a public title in a unit (区长, 局长 …)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="leader_profile",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leaders"
    )
    public_name = models.CharField(_("public name"), max_length=100)
    public_title = models.CharField(_("public title"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["unit__path", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.public_title} {self.public_name}"


class WorkReport(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        LeaderProfile,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("report"))
    state = models.CharField(
        _("state"), max_length=10, choices=Publication.choices, default=Publication.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly work report")
        verbose_name_plural = _("monthly work reports")
        ordering = ["-period", "unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "period"],
                condition=Q(leader__isnull=False),
                name="report_one_per_leader_month",
            ),
            models.UniqueConstraint(
                fields=["unit", "period"], condition=Q(leader__isnull=True), name="report_one_per_unit_month"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-period"], name="report_archive"),
            models.Index(fields=["unit", "state", "-period"], name="report_unit"),
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        LeaderProfile,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    title = models.CharField(_("commitment"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_date = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.IN_PROGRESS
    )
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=Publication.choices, default=Publication.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public commitment")
        verbose_name_plural = _("public commitments")
        ordering = ["target_date", "pk"]
        indexes = [
            models.Index(fields=["state", "status", "target_date"], name="commitment_sweep"),
            models.Index(fields=["unit", "state", "target_date"], name="commitment_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def fulfilled_late(self) -> bool:
        return self.fulfilled_on is not None and self.fulfilled_on > self.target_date


class CommitmentProgress(models.Model):
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="progress"
    )
    text = models.TextField(_("progress"))
    reported_on = models.DateField(_("as of"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reported_on}: {self.text[:40]}"


class RecordKind(models.TextChoices):
    CREATED = "created", _("Drafted")
    EDITED = "edited", _("Changed")
    PUBLISHED = "published", _("Published")
    PROGRESS = "progress", _("Progress reported")
    FULFILLED = "fulfilled", _("Fulfilled")
    OVERDUE = "overdue", _("Became overdue")


class CommitmentRecord(models.Model):
    """The audit trail: one row per change of a report or a commitment, written in the action's
    transaction. ``actor`` is empty for the daily sweep."""

    report = models.ForeignKey(
        WorkReport,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="records",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="records",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, commitment__isnull=True)
                | Q(report__isnull=True, commitment__isnull=False),
                name="commitment_record_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
