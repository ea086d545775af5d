"""Who saw a complainant's contact details unmasked: one row per person, case and occasion."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models.case import Case


class ContactAccessPlace(models.TextChoices):
    PAGE = "page", _("Case page")
    EXPORT = "export", _("Spreadsheet export")
    API = "api", _("API")
    ADMIN = "admin", _("Administration site")


class ContactAccess(models.Model):
    """Append-only, like the event log: the ORM refuses to change or delete a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Kept beside the key: the log still names the person after the account is removed.
    user_label = models.CharField(_("viewer"), max_length=160)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    fields = models.JSONField(_("details shown"), default=list)
    place = models.CharField(_("where"), max_length=10, choices=ContactAccessPlace.choices)
    path = models.CharField(_("address"), max_length=300, blank=True)
    at = models.DateTimeField(_("viewed at"))

    class Meta:
        verbose_name = _("contact details access")
        verbose_name_plural = _("contact details accesses")
        indexes = [
            models.Index(fields=["org", "-at", "-id"], name="contact_access_org_at"),
            models.Index(fields=["case", "-at"], name="contact_access_case_at"),
            models.Index(fields=["user", "-at"], name="contact_access_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} · {self.case_id} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The contact access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("The contact access log is append-only.")
