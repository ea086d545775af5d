"""The email channel's own records: the mailboxes it reads, the log of every email it received, and
which Message-IDs belong to which case (so that a reply finds its case).

Cases themselves only ever enter through ``wenzheng.intake.submission.accept``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenzheng.accounts.models import Mailbox, OrgUnit
from wenzheng.casework.models import Case
from wenzheng.intake.channels.email.parse import MESSAGE_KEY_MAX

# The account's name becomes the cases' ``source`` ("email:<name>"), a 60-character column.
NAME_MAX = 40
ENV_PREFIX = "env:"


class EmailAccount(models.Model):
    """A mailbox citizens write to: read by ``wenzheng email poll`` (IMAP) or fed by an MTA through
    ``wenzheng email pipe --account NAME``; its mail enters the ledger of ``org``."""

    name = models.CharField(
        _("name"),
        max_length=NAME_MAX,
        unique=True,
        validators=[validate_slug],
        help_text=_("Short name used on the command line; cases record the source “email:<name>”."),
    )
    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="email_accounts",
        limit_choices_to={"runs_ledger": True},
    )
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("leader mailbox"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="email_accounts",
        help_text=_("Mail to this address is addressed to this leader mailbox (optional)."),
    )
    host = models.CharField(
        _("IMAP host"), max_length=255, blank=True, help_text=_("Empty for an account fed only by a pipe.")
    )
    port = models.PositiveIntegerField(_("IMAP port"), default=993)
    use_ssl = models.BooleanField(_("IMAP over TLS"), default=True)
    username = models.CharField(_("IMAP user name"), max_length=255, blank=True)
    # Stored as given: the poller must present it to the server, so it cannot be hashed. Production
    # should keep it out of the database with "env:VARIABLE" (read from the environment, e.g. filled
    # from a secret store).
    password = models.CharField(
        _("IMAP password"),
        max_length=255,
        blank=True,
        help_text=_(
            "Stored in the database as given. In production enter “env:NAME” to read it from the "
            "environment variable NAME instead."
        ),
    )
    folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    is_active = models.BooleanField(_("active"), default=True)
    last_uid = models.PositiveBigIntegerField(_("last UID read"), default=0, editable=False)
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("email account")
        verbose_name_plural = _("email accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self) -> str:
        return f"email:{self.name}"

    def get_password(self) -> str:
        """The password, read from the environment when it is given as "env:NAME"."""
        if self.password.startswith(ENV_PREFIX):
            return os.environ.get(self.password[len(ENV_PREFIX) :], "")
        return self.password

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.org_id is not None and not self.org.runs_ledger:
            errors["org"] = ValidationError(
                _("Choose an organisation that runs a ledger."), code="not_ledger"
            )
        mailbox = self.mailbox if self.mailbox_id is not None else None
        if mailbox is not None and self.org_id is not None and not self.org.contains(mailbox.office):
            errors["mailbox"] = ValidationError(
                _("This leader mailbox belongs to another organisation."), code="other_org"
            )
        if self.host and not self.username:
            errors["username"] = ValidationError(
                _("An account read over IMAP needs a user name."), code="required"
            )
        if errors:
            raise ValidationError(errors)


class Outcome(models.TextChoices):
    CREATED = "created", _("New case")
    JOINED = "joined", _("Joined an open case")
    DUPLICATE = "duplicate", _("Already received")
    REJECTED = "rejected", _("Rejected")


class InboundEmail(models.Model):
    """One row per email an account received: what became of it. Together with the cases' external
    reference it makes receiving idempotent (a second poll or a redelivery through the pipe finds
    the row); a rejected email is tried again when it comes again."""

    account = models.ForeignKey(
        EmailAccount, verbose_name=_("email account"), on_delete=models.PROTECT, related_name="inbound"
    )
    message_id = models.CharField(_("Message-ID"), max_length=MESSAGE_KEY_MAX)
    uid = models.PositiveBigIntegerField(_("IMAP UID"), null=True, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"))
    outcome = models.CharField(
        pgettext_lazy("received email", "outcome"), max_length=12, choices=Outcome.choices
    )
    error = models.TextField(_("error"), blank=True)
    dropped_attachments = models.JSONField(
        _("attachments not kept"),
        default=list,
        blank=True,
        help_text=_("Files the platform does not accept; the original email keeps them."),
    )

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        ordering = ["-processed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "message_id"], name="inbound_email_unique"),
        ]
        indexes = [models.Index(fields=["outcome", "-processed_at"], name="inbound_email_outcome")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.outcome})"


class Direction(models.TextChoices):
    RECEIVED = "received", _("Received")
    SENT = "sent", _("Sent")


class MessageLink(models.Model):
    """A Message-ID that belongs to a case: an email we received for it, or one we sent about it.
    A reply names them in In-Reply-To or References, which is how it finds its case."""

    message_id = models.CharField(_("Message-ID"), max_length=MESSAGE_KEY_MAX)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="email_message_links"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("email thread link")
        verbose_name_plural = _("email thread links")
        constraints = [
            models.UniqueConstraint(fields=["message_id", "case"], name="email_message_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.case_id}"
