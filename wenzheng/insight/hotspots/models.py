"""Hot issues (热点问题): messages about the same problem in the same place, grouped as they arrive.

- ``HotIssue``: one issue of a ledger organisation — its place, figures and heat as last computed,
  the stored centroid that new messages are compared with, and the common problem it was raised
  as. An issue of one message is a candidate that the next similar message can join; pages list
  issues of at least ``MIN_SIZE`` messages.
- ``IssueMembership``: which issue a case belongs to (at most one), with the figures of the case
  that heat is computed from (time, votes, territory, channel, a key of its author), copied so
  that ranking a period reads one indexed table, never the ledger.
- ``SurgeWarning``: an issue whose recent volume jumped above its baseline; raised once per surge
  (a surge ends when the volume falls back) and shown to the supervisors.
- ``HeatScheme``: the heat index's weights and the surge rule of an organisation, edited in the
  admin (defaults when none is saved).
- ``GroupingIndex``: the vocabulary (hashed columns and document frequencies) of the last batch
  grouping of an organisation: how new messages are read between rebuilds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case
from wenzheng.insight.problems.models import CommonProblem

MIN_SIZE = 2  # messages an issue needs to be listed


class HotIssue(models.Model):
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=120, blank=True)
    territory = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    size = models.PositiveIntegerField(_("messages"), default=0)
    authors = models.PositiveIntegerField(_("different writers"), default=0)
    likes = models.IntegerField(_("likes"), default=0)
    against = models.IntegerField(_("votes against"), default=0)
    first_at = models.DateTimeField(_("first message"))
    last_at = models.DateTimeField(_("latest message"))
    recent = models.PositiveIntegerField(_("messages in the last 7 days"), default=0)
    previous = models.PositiveIntegerField(_("messages in the 7 days before"), default=0)
    heat = models.FloatField(_("heat"), default=0.0)
    # {"volume": …, "support": …, "growth": …, "persistence": …, "spread": …}: the weighted terms.
    heat_parts = models.JSONField(_("heat terms"), default=dict, blank=True)
    weekly = models.JSONField(_("messages per week"), default=list, blank=True)  # last 8 weeks, oldest first
    representatives = models.JSONField(_("representative cases"), default=list, blank=True)  # case ids
    centroid = models.JSONField(_("centroid"), default=dict, blank=True, editable=False)
    path = models.JSONField(_("territory path"), default=list, blank=True, editable=False)
    surging = models.BooleanField(_("surging"), default=False)
    common_problem = models.ForeignKey(
        CommonProblem,
        verbose_name=_("common problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hot_issues",
    )
    created_at = models.DateTimeField(_("found at"))
    computed_at = models.DateTimeField(_("figures computed at"))

    class Meta:
        verbose_name = _("hot issue")
        verbose_name_plural = _("hot issues")
        ordering = ["-heat", "-pk"]
        indexes = [
            models.Index(fields=["org", "-heat"], name="hotissue_org_heat", condition=Q(size__gte=MIN_SIZE)),
            models.Index(fields=["org", "-last_at"], name="hotissue_org_last"),
            models.Index(
                fields=["territory", "-last_at"],
                name="hotissue_territory_last",
                condition=Q(territory__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IssueMembership(models.Model):
    issue = models.ForeignKey(
        HotIssue,
        verbose_name=_("hot issue"),
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="hot_issue_membership"
    )
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    received_at = models.DateTimeField(_("received at"))
    likes = models.IntegerField(_("likes"), default=0)
    against = models.IntegerField(_("votes against"), default=0)
    territory_id_copy = models.PositiveIntegerField(_("territory"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    author = models.CharField(_("author key"), max_length=64, blank=True)  # a digest, never the name
    similarity = models.FloatField(_("similarity to the issue"), default=1.0)
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        verbose_name = _("hot-issue membership")
        verbose_name_plural = _("hot-issue memberships")
        indexes = [
            models.Index(fields=["issue", "received_at"], name="membership_issue_time"),
            models.Index(fields=["org", "received_at"], name="membership_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} ← {self.case_id}"


class SurgeWarning(models.Model):
    issue = models.ForeignKey(
        HotIssue, verbose_name=_("hot issue"), on_delete=models.CASCADE, related_name="surges"
    )
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    started_on = models.DateField(_("surge started on"))
    raised_at = models.DateTimeField(_("raised at"))
    recent = models.PositiveIntegerField(_("messages in the window"))
    baseline = models.FloatField(_("usual messages per window"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("surge warning")
        verbose_name_plural = _("surge warnings")
        ordering = ["-raised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "started_on"], name="surge_once_per_start")]
        indexes = [models.Index(fields=["org", "-raised_at"], name="surge_org_time")]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.started_on}"


class HeatScheme(models.Model):
    """Weights of the heat index and the surge rule; docs/hotspots.md explains every term."""

    org = models.OneToOneField(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="heat_scheme",
        limit_choices_to={"runs_ledger": True},
    )
    volume_weight = models.FloatField(_("weight of volume"), default=1.0)
    support_weight = models.FloatField(_("weight of support (likes)"), default=0.5)
    growth_weight = models.FloatField(_("weight of growth"), default=0.8)
    persistence_weight = models.FloatField(_("weight of persistence"), default=0.4)
    spread_weight = models.FloatField(_("weight of spread"), default=0.6)
    surge_factor = models.FloatField(
        _("surge factor"),
        default=3.0,
        help_text=_("Recent volume at least this many times the usual volume."),
    )
    surge_minimum = models.PositiveIntegerField(
        _("surge minimum"), default=5, help_text=_("Messages in the window needed for a surge warning.")
    )
    surge_window_days = models.PositiveSmallIntegerField(_("surge window (days)"), default=7)

    class Meta:
        verbose_name = _("heat scheme")
        verbose_name_plural = _("heat schemes")

    def __str__(self) -> str:
        return str(self.org)


class GroupingIndex(models.Model):
    org = models.OneToOneField(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    built_at = models.DateTimeField(_("built at"))
    messages = models.PositiveIntegerField(_("messages"))
    blob = models.BinaryField(_("vocabulary"), editable=False)

    class Meta:
        verbose_name = _("grouping index")
        verbose_name_plural = _("grouping indexes")

    def __str__(self) -> str:
        return f"{self.org} {self.built_at:%Y-%m-%d %H:%M}"
