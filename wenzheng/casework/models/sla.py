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
    # Automatic supervision (casework/sweeps.py, docs/supervision.md). Delays are in working days; for a
    # clock counted in working hours one "day" is the clock's own length when that is shorter.
    auto_supervision = models.BooleanField(
        _("automatic supervision"),
        default=True,
        help_text=_("Remind, mark overdue, urge, escalate and put chronic cases under key supervision."),
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("remind working days before the deadline"),
        default=1,
        help_text=_(
            "For clocks in working days; never earlier than half-way through the clock. 0: no reminder."
        ),
    )
    remind_before_percent = models.PositiveSmallIntegerField(
        _("remind when this share of an hour clock is left (%)"),
        default=25,
        help_text=_("For clocks in working hours. 0: no reminder."),
    )
    urge_after_days = models.PositiveSmallIntegerField(
        _("first automatic urging, working days overdue"), default=1
    )
    urge_every_days = models.PositiveSmallIntegerField(
        _("further automatic urging every … working days"), default=2
    )
    max_auto_urges = models.PositiveSmallIntegerField(
        _("most automatic urgings per unit and round"), default=2, help_text=_("0: no automatic urging.")
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to the unit leader and the supervisor, working days overdue"), default=2
    )
    key_supervision_after_days = models.PositiveSmallIntegerField(
        _("key supervision when overdue by working days"), default=5, help_text=_("0: never for lateness.")
    )
    key_supervision_after_urges = models.PositiveSmallIntegerField(
        _("key supervision when urged this many times"), default=3, help_text=_("0: never for urging.")
    )

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


class SweepStep(models.TextChoices):
    REMIND = "remind", _("Reminder")
    OVERDUE = "mark_overdue", _("Overdue")
    URGE = "auto_urge", _("Automatic urging")
    ESCALATE = "escalate", _("Escalation")
    SUPERVISE = "auto_supervise", _("Key supervision")


class SweepMark(models.Model):
    """A step the supervision sweeps took on a case, written in the same transaction as its event.

    The unique ``key`` (per case) is what makes the sweeps idempotent: a second run, or a concurrent
    one, fails to insert the same mark and records nothing (casework/sweeps.py)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    clock = models.ForeignKey(
        CaseClock, verbose_name=_("clock"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=20, choices=SweepStep.choices)
    key = models.CharField(_("key"), max_length=60)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("supervision sweep mark")
        verbose_name_plural = _("supervision sweep marks")
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="sweep_mark_unique")]
        indexes = [models.Index(fields=["clock", "step"], name="sweep_mark_clock_step")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.key}"
