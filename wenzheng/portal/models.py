"""The read model of the public message board.

``PublicEntry`` is the public projection of one published, public case: masked texts, the units
and categories needed to filter, and the search tokens. The board reads this table only, never
``Case``, so a private case or a citizen's personal data cannot reach a public page by a forgotten
filter. Rows are written only by ``wenzheng.portal.publication``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case, Category, Satisfaction

# Masking can lengthen a text a little (a@b.cn → a***@b.cn); the projection truncates to this.
SUBJECT_MAX = 300


class PublicEntry(models.Model):
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="public_entry"
    )
    number = models.CharField(_("case number"), max_length=40, unique=True)
    subject = models.CharField(_("subject (masked)"), max_length=SUBJECT_MAX)
    body = models.TextField(_("message (masked)"))
    reply = models.TextField(_("published reply (masked)"))
    reply_unit = models.CharField(_("replying unit"), max_length=100)
    is_rehandling = models.BooleanField(
        _("being handled again"),
        default=False,
        help_text=_(
            "Sent back after publication; the previous reply stays shown until a new one is published."
        ),
    )
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category_path = models.CharField(_("category path"), max_length=320, blank=True)
    territory = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory_path = models.CharField(_("territory path"), max_length=255, blank=True)
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    # Indexed through entry_published below, which leads with it.
    published_at = models.DateTimeField(_("published at"))
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    # Whole-token search: " token1 token2 … " built from the masked texts only.
    search_text = models.TextField(_("search tokens"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("public board entry")
        verbose_name_plural = _("public board entries")
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="entry_published"),
            models.Index(fields=["org", "-published_at"], name="entry_org_published"),
            models.Index(fields=["lead_unit", "-published_at"], name="entry_lead_published"),
            models.Index(fields=["category_path"], name="entry_category_path"),
            models.Index(fields=["territory_path"], name="entry_territory_path"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"
