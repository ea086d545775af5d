"""The partner API's own records: the keys partners call with, and the idempotency ledger of their
POST requests. Cases themselves only ever enter through ``wenzheng.intake.submission.accept``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Channel

# What a key may do. A partner gets only the scopes it needs (a read-only dashboard, a channel that
# only forwards messages …).
SCOPES: dict[str, Promise] = {
    "messages:write": _("Send new messages"),
    "messages:read": _("Read the progress of the messages this partner sent"),
    "published:read": _("Read the public board"),
    "followups:write": _("Add a citizen's further message to an open case"),
}
PREFIX_LENGTH = 8
# The key's name becomes the cases' ``source`` ("api:<name>"), a 60-character column.
NAME_MAX = 56


class ApiKey(models.Model):
    name = models.CharField(
        _("name"),
        max_length=NAME_MAX,
        help_text=_(
            "Names the partner; messages it sends are recorded with the source “api:<name>”. A new key "
            "for the same partner (rotation) keeps the name, so redeliveries are still recognised."
        ),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.API)
    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_keys",
        limit_choices_to={"runs_ledger": True},
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True, editable=False)
    # SHA-256 of the secret: the secret is random and long, so a slow password hash adds nothing,
    # and every request must verify it quickly.
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def source(self) -> str:
        return f"api:{self.name}"

    def has_scope(self, scope: str) -> bool:
        return isinstance(self.scopes, list) and scope in self.scopes

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.scopes, list) or any(scope not in SCOPES for scope in self.scopes):
            raise ValidationError(
                {"scopes": _("Scopes must be a list of: %(scopes)s.") % {"scopes": ", ".join(SCOPES)}},
                code="invalid_scopes",
            )


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", _("In flight")
    DONE = "done", _("Done")


class IdempotencyRecord(models.Model):
    """The outcome of one POST sent with an ``Idempotency-Key``, replayed when the partner retries."""

    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=IdempotencyState.choices, default=IdempotencyState.IN_FLIGHT
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            # The database decides which of two racing requests runs: the other one's insert fails.
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key} {self.state}"
