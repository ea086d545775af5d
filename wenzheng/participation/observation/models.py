"""Observation (问政观察): units' rates and rankings by period, on the portal.

The figures are not stored here: they are read from the pre-aggregated statistics
(wenzheng.insight.metrics) whenever the page is shown. What is stored is the decision to show a
period: supervisors publish a month, a quarter or a year once its figures may be made public, and
may withdraw it. Each decision leaves an ``ObservationRecord``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit


class Grain(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PublishedPeriod(models.Model):
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    grain = models.CharField(_("period type"), max_length=8, choices=Grain.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    is_public = models.BooleanField(_("public"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published observation period")
        verbose_name_plural = _("published observation periods")
        ordering = ["-start", "grain"]
        constraints = [
            models.UniqueConstraint(fields=["org", "grain", "start"], name="observation_period_unique")
        ]
        indexes = [models.Index(fields=["org", "is_public", "-start"], name="observation_public")]

    def __str__(self) -> str:
        return period_label(self.grain, self.start)


def period_label(grain: str, start: date) -> str:
    """2026-10, 2026-Q4, 2026."""
    if grain == Grain.MONTH:
        return f"{start:%Y-%m}"
    if grain == Grain.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


class RecordKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ObservationRecord(models.Model):
    period = models.ForeignKey(
        PublishedPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("observation record")
        verbose_name_plural = _("observation records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
