"""Consultations (意见征集): a draft or plan in ordered sections, open for comment for a period.

Comments go through moderation: with pre-moderation a comment is hidden until a moderator
approves it; with post-moderation it is shown at once and a moderator can hide it. Every
moderation decision is one ``ModerationRecord`` (who, when, what, reason). After the period the
organiser publishes a ``ResponseReport`` saying, per comment or per theme, what was adopted and why.
Every change goes through wenzheng.participation.consultations.actions.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being prepared, not public
    PUBLISHED = "published", _("Published")  # public; open for comment between opens_at and closes_at


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: comments appear after approval")
    POST = "post", _("Post-moderation: comments appear at once and can be hidden")


class Phase(models.TextChoices):
    """What the public sees, derived from status and the period (never stored)."""

    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Not yet open")
    OPEN = "open", _("Open for comment")
    CLOSED = "closed", _("Ended")
    ANSWERED = "answered", _("Response published")


class Consultation(models.Model):
    organiser = models.ForeignKey(
        OrgUnit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Pre-aggregated for lists: kept current by the actions in the same transaction.
    visible_comment_count = models.PositiveIntegerField(_("visible comments"), default=0)
    pending_comment_count = models.PositiveIntegerField(_("comments awaiting moderation"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["status", "closes_at"], name="consultation_status_closes")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now: datetime) -> Phase:
        if self.status == ConsultationStatus.DRAFT:
            return Phase.DRAFT
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        report = getattr(self, "response_report", None)
        if report is not None and report.published_at is not None:
            return Phase.ANSWERED
        return Phase.CLOSED

    def is_open(self, now: datetime) -> bool:
        return self.status == ConsultationStatus.PUBLISHED and self.opens_at <= now < self.closes_at


class Section(models.Model):
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="section_position_unique"),
        ]

    def __str__(self) -> str:
        return self.heading


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    VISIBLE = "visible", _("Shown")
    REJECTED = "rejected", _("Not approved")  # never shown
    HIDDEN = "hidden", _("Hidden")  # was shown, taken down


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="comments"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
        help_text=_("Empty for a comment on the whole document."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    # Shown on the portal only through wenzheng.lib.masking (张*); kept as written for the organiser.
    author_name = models.CharField(_("author name"), max_length=100, blank=True)
    body = models.TextField(_("comment text"))
    status = models.CharField(_("status"), max_length=10, choices=CommentStatus.choices)
    created_at = models.DateTimeField(_("written at"))
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        indexes = [
            # Portal list and moderation queue: keyset by (created_at, id) within one status.
            models.Index(fields=["consultation", "status", "created_at", "id"], name="comment_keyset"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.pk}"


class ModerationDecision(models.TextChoices):
    APPROVE = "approve", _("Approve for publication")
    REJECT = "reject", _("Reject")
    HIDE = "hide", _("Hide")
    RESTORE = "restore", _("Show again")


class ModerationRecord(models.Model):
    """The audit row of one moderation decision; append-only."""

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("consultation comment"),
        on_delete=models.CASCADE,
        related_name="moderation_records",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ModerationDecision.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=CommentStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=CommentStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderator"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("moderation record")
        verbose_name_plural = _("moderation records")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.decision}"


class ResponseReport(models.Model):
    """The organiser's answer to the comments: a summary and one item per comment or per theme."""

    consultation = models.OneToOneField(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="response_report"
    )
    summary = models.TextField(_("summary"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("response report")
        verbose_name_plural = _("response reports")

    def __str__(self) -> str:
        return f"{self.consultation_id}"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class ResponseItem(models.Model):
    """One answer: to a single comment, or to a theme many comments share (then ``comments`` lists them)."""

    report = models.ForeignKey(
        ResponseReport, verbose_name=_("response report"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    theme = models.CharField(_("theme"), max_length=200)
    comments = models.ManyToManyField(
        Comment, verbose_name=_("comments"), blank=True, related_name="responses"
    )
    outcome = models.CharField(_("adoption"), max_length=12, choices=Outcome.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("response item")
        verbose_name_plural = _("response items")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="response_item_position_unique"),
        ]

    def __str__(self) -> str:
        return self.theme
