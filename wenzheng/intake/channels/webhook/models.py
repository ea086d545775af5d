"""The webhook channel's own records: the sources allowed to post, and the deliveries they made.

Cases themselves only ever enter through ``wenzheng.intake.submission.accept``. A delivery row
remembers which case each platform message went to, so a redelivered message — a new case or a
further message joining one — gets the first answer back instead of being added twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Channel

# The name is the URL segment and becomes the cases' ``source`` ("webhook:<name>", 60 characters).
NAME_MAX = 50
SOURCE_PREFIX = "webhook:"


class WebhookSource(models.Model):
    """A platform (a microblog or WeChat account's bridge) that may post signed messages."""

    name = models.SlugField(
        _("name"),
        max_length=NAME_MAX,
        unique=True,
        help_text=_(
            "Used in the address /webhooks/<name>/ and recorded as the cases' source “webhook:<name>”."
        ),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="webhook_sources",
        limit_choices_to={"runs_ledger": True},
    )
    # Kept in clear: verifying an HMAC needs the key itself (unlike an API key, it cannot be stored
    # as a hash). Never shown after creation or rotation.
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    # During a rotation the platform may still sign with the old secret for a while.
    previous_secret = models.CharField(
        _("previous signing secret"), max_length=100, blank=True, editable=False
    )
    previous_secret_until = models.DateTimeField(
        _("previous secret accepted until"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), editable=False)
    rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook source")
        verbose_name_plural = _("webhook sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self) -> str:
        return f"{SOURCE_PREFIX}{self.name}"


class DeliveryOutcome(models.TextChoices):
    CREATED = "created", _("New case")
    JOINED = "joined", _("Joined an open case")


class WebhookDelivery(models.Model):
    """The first successful delivery of one platform message, and the case it went to."""

    source = models.ForeignKey(
        WebhookSource, verbose_name=_("webhook source"), on_delete=models.PROTECT, related_name="deliveries"
    )
    message_id = models.CharField(_("platform message id"), max_length=120)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="webhook_deliveries"
    )
    outcome = models.CharField(_("delivery result"), max_length=10, choices=DeliveryOutcome.choices)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at", "-id"]
        constraints = [
            # Two racing deliveries of one message: the database lets exactly one of them record it.
            models.UniqueConstraint(fields=["source", "message_id"], name="webhook_delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.message_id}"
