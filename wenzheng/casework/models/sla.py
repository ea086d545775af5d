"""Time limits: policies per organisation and grade, their clocks, the calendar overrides, and
the clocks running on each case."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models.case import Case, Grade


class ClockKind(models.TextChoices):
    ASSIGN = "assign", _("Assignment")
    CLAIM = "claim", _("Claim")
    OPINION = "opinion", _("Handling opinion")
    REPLY = "reply", _("Reply to the citizen")
    COMPLETION = "completion", _("Completion")


class ClockUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


class ClockStart(models.TextChoices):
    """The step that starts a clock; each clock stops at a fixed step (see casework/sla.py)."""

    RECEIVED = "received", _("when received")
    REGISTERED = "registered", _("when registered")
    ASSIGNED = "assigned", _("when assigned")
    CLAIMED = "claimed", _("when claimed")
    SUBMITTED = "submitted", _("when the reply is signed off")


class SlaPolicy(models.Model):
    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="sla_policies",
        limit_choices_to={"runs_ledger": True},
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(_("preset"), max_length=40, blank=True)
    allows_extension = models.BooleanField(_("extensions allowed"), default=True)
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension in working days"), default=10)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "grade"], condition=Q(is_active=True), name="sla_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_grade_display()} · {self.name}"


class SlaClockRule(models.Model):
    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="rules"
    )
    clock = models.CharField(_("clock"), max_length=12, choices=ClockKind.choices)
    amount = models.PositiveSmallIntegerField(_("amount"), help_text=_("0 working days means the same day."))
    unit = models.CharField(
        _("unit"), max_length=16, choices=ClockUnit.choices, default=ClockUnit.WORKING_DAYS
    )
    starts_at = models.CharField(_("starts"), max_length=12, choices=ClockStart.choices)

    class Meta:
        verbose_name = _("clock rule")
        verbose_name_plural = _("clock rules")
        constraints = [models.UniqueConstraint(fields=["policy", "clock"], name="sla_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_clock_display()}: {self.amount} {self.get_unit_display()}"


class CalendarOverride(models.Model):
    """An organisation's own working-day exceptions over the statutory calendar (a local holiday,
    a day worked to catch up, next year's schedule before the calendar package knows it)."""

    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="calendar_overrides"
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [models.UniqueConstraint(fields=["org", "date"], name="calendar_override_unique")]

    def __str__(self) -> str:
        return f"{self.org} {self.date} {'+' if self.is_workday else '-'}"


class CaseClock(models.Model):
    """One running or stopped clock of a case in one handling round."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=12, choices=ClockKind.choices)
    handling_round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    amount = models.PositiveSmallIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=ClockUnit.choices)
    started_at = models.DateTimeField(_("started at"))
    original_due_at = models.DateTimeField(_("original due at"))
    due_at = models.DateTimeField(_("due at"))
    extended_days = models.PositiveSmallIntegerField(_("working days of extension"), default=0)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    is_cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("Stopped because the case left the chain (withdrawn, merged …)."),
    )
    is_late = models.BooleanField(_("late"), default=False)
    late_working_days = models.PositiveIntegerField(_("working days late"), default=0)
    late_working_minutes = models.PositiveIntegerField(_("working minutes late"), default=0)

    class Meta:
        verbose_name = _("case clock")
        verbose_name_plural = _("case clocks")
        constraints = [
            # A clock of a kind runs at most once at a time; a returned case's next claim clock is a new row.
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(stopped_at__isnull=True), name="case_clock_one_running"
            )
        ]
        indexes = [
            models.Index(fields=["case", "kind"], name="case_clock_case_kind"),
            # The overdue and due-soon sweeps: running clocks ordered by due time.
            models.Index(
                fields=["due_at"], condition=Q(stopped_at__isnull=True), name="case_clock_running_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} r{self.handling_round} → {self.due_at:%Y-%m-%d %H:%M}"
