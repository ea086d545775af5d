"""Notifications: the staff inbox, outgoing email and SMS, preferences, templates and opt-outs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.casework.models import Case
from wenzheng.core.fields import EncryptedCharField
from wenzheng.lib.masking import mask_email, mask_phone
from wenzheng.notifications.kinds import Channel, Kind


class Notification(models.Model):
    """One entry of a staff member's workbench inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The same event never gives the same person the same entry twice (jobs may run twice).
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.subject}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """An email or SMS to send (or sent). Created once per dedupe key; sent by a background job."""

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A citizen's phone number or email address: encrypted at rest (wenzheng/core/crypto.py).
    to_address = EncryptedCharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="delivery_unsent",
                condition=Q(status__in=["pending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.masked_address}"

    @property
    def masked_address(self) -> str:
        """The address as logs and the admin show it: never a full phone number or email."""
        return mask_phone(self.to_address) if self.channel == Channel.SMS else mask_email(self.to_address)


class NotificationPreference(models.Model):
    """A staff member's choice for one kind on one channel; without a row the kind's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}: {self.enabled}"


class MessageTemplate(models.Model):
    """An administrator's wording for one kind on one channel, replacing the shipped default
    (wenzheng/notifications/messages/). Rendered with Django's template language from a context
    of plain strings (docs/supervision.md lists the variables)."""

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("Email and inbox; empty keeps the default.")
    )
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["kind", "channel"], name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()}"

    def clean(self) -> None:
        from wenzheng.notifications.rendering import check_template

        super().clean()
        check_template(self.subject, "subject")
        check_template(self.body, "body")


class OptOutScope(models.TextChoices):
    CASE = "case", _("Messages about one case")
    ADDRESS = "address", _("All messages to a phone number or email address")


class CitizenOptOut(models.Model):
    """A citizen's unsubscription from non-essential messages. Addresses are kept only as a keyed
    digest: the table holds no phone numbers."""

    scope = models.CharField(_("scope"), max_length=8, choices=OptOutScope.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address_digest = models.CharField(_("address (keyed digest)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("citizen opt-out")
        verbose_name_plural = _("citizen opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(scope="case"), name="optout_case_unique"),
            models.UniqueConstraint(
                fields=["address_digest"], condition=Q(scope="address"), name="optout_address_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.case_id or self.address_digest[:8]}"
