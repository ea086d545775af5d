"""Reply templates (答复模板) per category and outcome, edited by administrators."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models.category import Category


class ReplyOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    EXPLAINED = "explained", _("Explained (policy or facts)")
    IN_PROGRESS = "in_progress", _("In progress, with a plan")
    NOT_COMPETENT = "not_competent", _("Not our competence, referred")


class ReplyTemplate(models.Model):
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: for every category."),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReplyOutcome.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), help_text=_("Placeholders: {number}, {subject}, {received}, {unit}."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["outcome", "title"]

    def __str__(self) -> str:
        return self.title
