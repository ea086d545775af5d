"""Live Q&A (在线访谈 / 在线听民声): a scheduled session in which citizens ask, moderators route the
questions to the participating units, and the units answer while the public page follows along.
Every change goes through wenzheng.participation.live.actions.

A session: scheduled → live → ended. A question: pending (awaiting moderation) → approved (routed to
a participating unit) → answered; or pending → rejected (with a reason). When the session ends,
every approved question still without an answer becomes an ordinary message in the ledger
(channel "live"), linked back here: converted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live now")
    ENDED = "ended", _("Ended")


class QuestionState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    REJECTED = "rejected", _("Not taken up")
    APPROVED = "approved", _("Passed to the unit")
    ANSWERED = "answered", _("Answered")
    CONVERTED = "converted", _("Passed to the ledger as a message")


class LiveSession(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        OrgUnit, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("participating units"), related_name="live_sessions"
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_live_sessions",
    )
    starts_at = models.DateTimeField(_("scheduled start"))
    ends_at = models.DateTimeField(_("scheduled end"))
    state = models.CharField(
        _("state"), max_length=12, choices=SessionState.choices, default=SessionState.SCHEDULED
    )
    started_at = models.DateTimeField(_("went live at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Public cursor: advanced whenever the public page changes (an answer published, the state
    # changed). A page's poll sends the value it has; an equal value costs one primary-key read.
    public_seq = models.PositiveIntegerField(_("public revision"), default=0, editable=False)
    # Staff cursor: advanced on every change to any question (asked, moderated, routed, answered).
    activity_seq = models.PositiveIntegerField(_("activity revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("live Q&A session")
        verbose_name_plural = _("live Q&A sessions")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "ends_at"], name="live_session_state_end"),
            models.Index(fields=["-starts_at", "-id"], name="live_session_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="live_session_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open_for_questions(self) -> bool:
        return self.state in (SessionState.SCHEDULED, SessionState.LIVE)


class LiveQuestion(models.Model):
    session = models.ForeignKey(
        LiveSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="questions"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    addressed_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("asked of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: addressed to the session; the moderators choose the unit."),
    )
    text = models.TextField(_("question"))
    state = models.CharField(
        _("state"), max_length=12, choices=QuestionState.choices, default=QuestionState.PENDING
    )
    created_at = models.DateTimeField(_("asked at"))
    # Moderation and routing
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("answering unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for not taking it up"), blank=True)
    # The answer
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The public feed's position (the session's public_seq when the answer was published).
    public_seq = models.PositiveIntegerField(_("position in the public feed"), null=True, blank=True)
    # The ledger message it became when the session ended unanswered.
    case = models.OneToOneField(
        Case,
        verbose_name=_("message in the ledger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_question",
    )
    converted_at = models.DateTimeField(_("passed to the ledger at"), null=True, blank=True)

    class Meta:
        verbose_name = _("live Q&A question")
        verbose_name_plural = _("live Q&A questions")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["session", "state", "created_at"], name="live_question_queue"),
            models.Index(fields=["unit", "state", "created_at"], name="live_question_desk"),
            models.Index(fields=["asker", "-created_at"], name="live_question_asker"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "public_seq"],
                condition=Q(public_seq__isnull=False),
                name="live_question_public_seq_unique",
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(unit__isnull=False), name="live_question_routed_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class EventKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    EDITED = "edited", _("Details changed")
    STARTED = "started", _("Started")
    ENDED = "ended", _("Ended")
    ASKED = "asked", _("Question asked")
    APPROVED = "approved", _("Question approved")
    REJECTED = "rejected", _("Question not taken up")
    ROUTED = "routed", _("Question routed to another unit")
    ANSWERED = "answered", _("Question answered")
    CONVERTED = "converted", _("Question passed to the ledger")


class LiveEvent(models.Model):
    """The audit trail of a session: one row per change, written in the action's transaction.
    ``actor`` is empty for the scheduled job."""

    session = models.ForeignKey(
        LiveSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="events"
    )
    question = models.ForeignKey(
        LiveQuestion,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("live Q&A event")
        verbose_name_plural = _("live Q&A events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["session", "at"], name="live_event_session")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
