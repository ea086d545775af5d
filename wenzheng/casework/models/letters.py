"""Assignment letters (交办函) issued by the dispatching office, with their numbers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models.case import Case


class AssignmentLetter(models.Model):
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in year"))
    issuer = models.ForeignKey(
        OrgUnit, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+"
    )
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), related_name="assignment_letters")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by (person)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("assignment letter")
        verbose_name_plural = _("assignment letters")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "seq"], name="assignment_letter_seq_unique")
        ]

    def __str__(self) -> str:
        return self.letter_number

    @property
    def letter_number(self) -> str:
        prefix = self.org.short_name or self.org.name
        return f"{prefix}交〔{self.year}〕第 {self.seq} 号"
