"""The organisation tree, users, role memberships and leader mailboxes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.roles import Role
from wenzheng.core import crypto
from wenzheng.core.fields import BlindIndexedModel, BlindIndexedQuerySet, BlindIndexField, EncryptedCharField


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    STREET = "street", _("Street office")
    COMMUNITY = "community", _("Community")
    DEPARTMENT = "department", _("Functional department")
    OFFICE = "office", _("Office")


TERRITORIAL_KINDS = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.CITY,
        UnitKind.DISTRICT,
        UnitKind.COUNTY,
        UnitKind.TOWNSHIP,
        UnitKind.STREET,
        UnitKind.COMMUNITY,
    }
)


class OrgUnit(models.Model):
    """A node of the organisation tree: a territory (city, district …) or a department/office in one.

    ``path`` is a materialised path of zero-padded ids ("000001/000007/"), so a whole subtree is
    one indexed prefix query even with tens of thousands of units.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    runs_ledger = models.BooleanField(
        _("runs a ledger"),
        default=False,
        help_text=_("An organisation that registers and numbers its own cases (e.g. a city)."),
    )
    case_prefix = models.CharField(_("case number prefix"), max_length=12, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(runs_ledger=False) | ~Q(case_prefix=""),
                name="orgunit_ledger_has_prefix",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The path is a structural invariant of the tree, so it is kept here rather than in an action:
        # the admin, fixtures and actions all go through save().
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs = {}
        self.path = (self.parent.path if self.parent else "") + f"{self.pk:09d}/"
        self.depth = self.path.count("/") - 1
        if self.parent is not None and self.parent.path.startswith(self.path):
            raise ValueError("A unit cannot be moved under itself.")
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in OrgUnit.objects.filter(parent=self):
                child.save()

    def clean(self) -> None:
        # The same rule as in save(), as a form error for the admin instead of a server error.
        super().clean()
        # A ledger with cases keeps running: the queues find a jurisdiction's cases through its
        # units that run a ledger (casework/queues.py).
        if self.pk is not None and not self.runs_ledger and self.ledger_cases.exists():
            raise ValidationError(
                {"runs_ledger": _("This organisation's ledger holds cases: it cannot stop running it.")},
                code="ledger_has_cases",
            )
        if self.pk is None or not self.path or self.parent_id is None:
            return
        try:
            parent = self.parent
        except OrgUnit.DoesNotExist:
            return  # reported by the field's own validation
        if parent is not None and (parent.pk == self.pk or parent.path.startswith(self.path)):
            raise ValidationError(
                {"parent": _("A unit cannot be moved under itself or under one of its own sub-units.")},
                code="invalid_parent",
            )

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, read from the path (no queries)."""
        return [int(part) for part in self.path.split("/") if part]

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)


class UserManager(DjangoUserManager.from_queryset(BlindIndexedQuerySet)):  # type: ignore[misc]
    """Django's user manager whose ``update()`` keeps the phone's blind index."""


class User(BlindIndexedModel, AbstractUser):
    """A staff member or a registered citizen. Staff are users with memberships."""

    objects: ClassVar[UserManager] = UserManager()

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    # Encrypted at rest; login by phone and uniqueness go through the blind index (core/crypto.py).
    phone = EncryptedCharField(_("mobile phone"), max_length=20, blank=True)
    phone_index = BlindIndexField(_("mobile phone (blind index)"), source="phone", normalise="phone")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"], condition=~Q(phone_index=""), name="user_phone_index_unique"
            ),
            # Citizens log in with their email: one account per address, whatever its case.
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @classmethod
    def phone_lookup(cls, phone: str) -> Q:
        """The condition that finds the users with this mobile number, however it is written."""
        return Q(phone_index=crypto.blind_index(phone, normalise="phone")) & ~Q(phone_index="")


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Mailbox(models.Model):
    """A leader mailbox (书记信箱, 市长信箱 …): an addressable target routed to the office behind it."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    office = models.ForeignKey(
        OrgUnit, verbose_name=_("office behind it"), on_delete=models.PROTECT, related_name="mailboxes"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("leader mailbox")
        verbose_name_plural = _("leader mailboxes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
