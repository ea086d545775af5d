"""The three-level category tree and the dispatch catalogue (派单目录)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit

MAX_LEVEL = 3  # first-, second- and third-level categories


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1, editable=False)
    full_name = models.CharField(_("full name"), max_length=320, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="category_unique_root"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Level and full name are derived structure, kept consistent wherever a category is saved.
        self.level = (self.parent.level + 1) if self.parent else 1
        if self.level > MAX_LEVEL:
            raise ValueError("The category tree has three levels.")
        self.full_name = f"{self.parent.full_name}/{self.name}" if self.parent else self.name
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The same rule as in save(), as a form error for the admin instead of a server error.
        super().clean()
        if self.parent_id is None:
            return
        try:
            parent = self.parent
        except Category.DoesNotExist:
            return  # reported by the field's own validation
        if parent is not None and parent.level >= MAX_LEVEL:
            raise ValidationError(
                {
                    "parent": _(
                        "The category tree has three levels: a third-level category cannot have subcategories."
                    )
                },
                code="too_deep",
            )

    def lineage(self) -> list[Category]:
        """This category and its ancestors, most specific first."""
        chain: list[Category] = []
        node: Category | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class DispatchRule(models.Model):
    """Category × territory → the default lead unit and co-handling units.

    The most specific rule wins: a deeper category beats a shallower one, then a deeper territory
    beats a shallower one; a rule without territory applies everywhere in the organisation.
    """

    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="dispatch_rules",
        limit_choices_to={"runs_ledger": True},
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE)
    territory = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("co-handling units"), blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch catalogue")
        constraints = [
            models.UniqueConstraint(fields=["org", "category", "territory"], name="dispatch_rule_unique"),
            models.UniqueConstraint(
                fields=["org", "category"],
                condition=models.Q(territory__isnull=True),
                name="dispatch_rule_unique_everywhere",
            ),
        ]

    def __str__(self) -> str:
        where = self.territory.name if self.territory else _("everywhere")
        return f"{self.category} · {where} → {self.lead_unit}"
