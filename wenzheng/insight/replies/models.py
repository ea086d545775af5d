"""The stored similarity index of each organisation's published cases (see retrieval.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit


class ReplyIndex(models.Model):
    """One organisation's index of past cases with a published reply, as of ``built_at``: cases
    published later are added at query time until the next rebuild."""

    org = models.OneToOneField(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    built_at = models.DateTimeField(_("built at"))
    # Cases published up to this moment are in the blob; later ones are added when searching.
    published_until = models.DateTimeField(_("published until"), null=True, blank=True)
    cases = models.PositiveIntegerField(_("cases"), default=0)
    build_seconds = models.FloatField(_("build time (s)"), default=0.0)
    blob = models.BinaryField(_("index"), editable=False)

    class Meta:
        verbose_name = _("reply index")
        verbose_name_plural = _("reply indexes")

    def __str__(self) -> str:
        return f"{self.org} ({self.cases})"
