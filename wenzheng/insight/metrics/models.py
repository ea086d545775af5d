"""Pre-aggregated statistics: one fact row per case, one row per return, a daily rollup, and the
assessment scheme an administrator edits. Definitions of every column: docs/metrics.md.

Facts and rollups are derived data: `wenzheng metrics rebuild` recomputes them from the ledger, so
they carry no foreign-key constraints to the ledger (bulk loads, and no lock on a case when a
fact is rewritten). Dimension keys are plain integers with 0 for "none", so that the rollup's
unique key has no NULLs (which PostgreSQL and SQLite would treat as distinct).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Case

# Working-time histogram buckets, in working minutes (a working day has 420): [edge_i, edge_i+1).
# The last bucket is open-ended. Fixed, so that rollups of any rows can be added up.
BUCKET_EDGES: tuple[int, ...] = (
    0,
    30,
    60,
    120,
    240,
    420,
    840,
    1260,
    1680,
    2100,
    2940,
    4200,
    6300,
    8400,
)
BUCKETS = len(BUCKET_EDGES)

# Counts a fact holds (0/1 flags or small counts) and the rollup sums, with the same names.
COUNT_FIELDS: tuple[str, ...] = (
    "received",
    "accepted",
    "merged",
    "rejected",
    "withdrawn",
    "assigned",
    "claimed",
    "claimed_in_time",
    "late_claims",
    "replied",
    "completed",
    "completed_on_time",
    "overdue",
    "overdue_unextended",
    "extended",
    "extensions",
    "sent_back",
    "rated",
    "satisfied",
    "basic",
    "unsatisfied",
)
# Counts that come from ReturnFact (attributed to the unit that returned).
RETURN_FIELDS: tuple[str, ...] = ("returned", "refused_returns")
TIME_FIELDS: tuple[str, ...] = ("claim_n", "claim_minutes_sum", "reply_n", "reply_minutes_sum")
CLAIM_BUCKET_FIELDS = tuple(f"claim_b{i}" for i in range(BUCKETS))
REPLY_BUCKET_FIELDS = tuple(f"reply_b{i}" for i in range(BUCKETS))
STAT_FIELDS: tuple[str, ...] = (
    COUNT_FIELDS + RETURN_FIELDS + TIME_FIELDS + CLAIM_BUCKET_FIELDS + REPLY_BUCKET_FIELDS
)


def bucket_of(minutes: int) -> int:
    index = 0
    for i, edge in enumerate(BUCKET_EDGES):
        if minutes >= edge:
            index = i
    return index


class CaseFact(models.Model):
    """What statistics need to know about one case, kept current after each of its events."""

    case = models.OneToOneField(
        Case,
        verbose_name=_("case"),
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="fact",
    )
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField(_("day received"))
    unit_key = models.PositiveIntegerField(_("lead unit"), default=0)
    territory_key = models.PositiveIntegerField(_("territory"), default=0)
    category_key = models.PositiveIntegerField(_("first-level category"), default=0)
    received = models.PositiveSmallIntegerField(_("received"), default=0)
    accepted = models.PositiveSmallIntegerField(_("accepted"), default=0)
    merged = models.PositiveSmallIntegerField(_("merged"), default=0)
    rejected = models.PositiveSmallIntegerField(_("rejected"), default=0)
    withdrawn = models.PositiveSmallIntegerField(_("withdrawn"), default=0)
    assigned = models.PositiveSmallIntegerField(_("assigned"), default=0)
    claimed = models.PositiveSmallIntegerField(_("claimed"), default=0)
    claimed_in_time = models.PositiveSmallIntegerField(_("claimed in time"), default=0)
    late_claims = models.PositiveSmallIntegerField(_("claimed late"), default=0)
    replied = models.PositiveSmallIntegerField(_("replied"), default=0)
    completed = models.PositiveSmallIntegerField(_("completed"), default=0)
    completed_on_time = models.PositiveSmallIntegerField(_("completed on time"), default=0)
    overdue = models.PositiveSmallIntegerField(_("overdue"), default=0)
    overdue_unextended = models.PositiveSmallIntegerField(_("overdue without extension"), default=0)
    extended = models.PositiveSmallIntegerField(_("extended"), default=0)
    extensions = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    sent_back = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    rated = models.PositiveSmallIntegerField(_("rated"), default=0)
    satisfied = models.PositiveSmallIntegerField(_("satisfied"), default=0)
    basic = models.PositiveSmallIntegerField(_("basically satisfied"), default=0)
    unsatisfied = models.PositiveSmallIntegerField(_("unsatisfied"), default=0)
    claim_minutes = models.PositiveIntegerField(_("working minutes to claim"), null=True, blank=True)
    reply_minutes = models.PositiveIntegerField(_("working minutes to reply"), null=True, blank=True)
    # When a running clock falls due: the sweep recomputes the fact then (lateness needs no event).
    check_at = models.DateTimeField(_("recheck at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(
                fields=["org", "day", "unit_key", "territory_key", "category_key"], name="metrics_fact_cell"
            ),
            models.Index(
                fields=["check_at"], name="metrics_fact_check", condition=models.Q(check_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.case_id}"


class ReturnFact(models.Model):
    """One return (退回) of a case, attributed to the unit that returned it, in the case's cohort."""

    case_id = models.BigIntegerField(_("case"))
    seq = models.PositiveIntegerField(_("event sequence"))
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField(_("day received"))
    unit_key = models.PositiveIntegerField(_("returning unit"), default=0)
    territory_key = models.PositiveIntegerField(_("territory"), default=0)
    category_key = models.PositiveIntegerField(_("first-level category"), default=0)
    refused = models.BooleanField(_("refused by arbitration"), default=False)

    class Meta:
        verbose_name = _("return fact")
        verbose_name_plural = _("return facts")
        constraints = [models.UniqueConstraint(fields=["case_id", "seq"], name="metrics_return_unique")]
        indexes = [
            models.Index(
                fields=["org", "day", "unit_key", "territory_key", "category_key"], name="metrics_return_cell"
            )
        ]

    def __str__(self) -> str:
        return f"return {self.case_id}#{self.seq}"


class DailyStat(models.Model):
    """The sums of the facts of one cell: organisation × day received × unit × territory × category."""

    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField(_("day received"))
    unit_key = models.PositiveIntegerField(_("lead unit"), default=0)
    territory_key = models.PositiveIntegerField(_("territory"), default=0)
    category_key = models.PositiveIntegerField(_("first-level category"), default=0)

    class Meta:
        verbose_name = _("daily statistics")
        verbose_name_plural = _("daily statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "day", "unit_key", "territory_key", "category_key"], name="metrics_daily_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.day} u{self.unit_key} t{self.territory_key} c{self.category_key}"


# The rollup's measures, added as columns from the names above (one list, no copy to keep in step).
for _name in STAT_FIELDS:
    models.PositiveIntegerField(_name.replace("_", " "), default=0).contribute_to_class(DailyStat, _name)
del _name


class AssessmentScheme(models.Model):
    """How an organisation scores its units (考核); edited in the admin, presets in assessment.py."""

    org = models.OneToOneField(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="assessment_scheme",
        limit_choices_to={"runs_ledger": True},
    )
    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(_("preset"), max_length=40, blank=True)
    response_weight = models.DecimalField(
        _("weight of response (claimed in time)"), max_digits=6, decimal_places=2, default=Decimal("30")
    )
    resolution_weight = models.DecimalField(
        _("weight of resolution (completed on time)"), max_digits=6, decimal_places=2, default=Decimal("50")
    )
    satisfaction_weight = models.DecimalField(
        _("weight of satisfaction"), max_digits=6, decimal_places=2, default=Decimal("20")
    )
    basic_satisfied_weight = models.DecimalField(
        _("weight of “basically satisfied”"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("How much a “basically satisfied” rating counts towards satisfaction (0 to 1)."),
    )
    deduction_overdue = models.DecimalField(
        _("points off per overdue case without an extension"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("2"),
    )
    deduction_late_claim = models.DecimalField(
        _("points off per late claim"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    deduction_refused_return = models.DecimalField(
        _("points off per return refused by arbitration"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
    )
    deduction_send_back = models.DecimalField(
        _("points off per send-back"), max_digits=6, decimal_places=2, default=Decimal("1")
    )

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.org} · {self.name}"


class Grain(models.TextChoices):
    """Which dimensions a PeriodStat row keeps, and over which period (a day or a month)."""

    DAY = "d", _("day")
    DAY_UNIT = "d.u", _("day × unit")
    DAY_TERRITORY = "d.t", _("day × territory")
    DAY_CATEGORY = "d.c", _("day × category")
    MONTH = "m", _("month")
    MONTH_UNIT = "m.u", _("month × unit")
    MONTH_TERRITORY = "m.t", _("month × territory")
    MONTH_CATEGORY = "m.c", _("month × category")
    MONTH_CUBE = "m.utc", _("month × unit × territory × category")


class PeriodStat(models.Model):
    """Coarser sums of DailyStat, so that a dashboard adds up tens of rows instead of tens of
    thousands: per day with at most one dimension kept, per month with one or all of them. The
    dimensions a grain does not keep are stored as 0."""

    org = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    grain = models.CharField(_("grain"), max_length=5, choices=Grain.choices)
    period = models.DateField(_("first day of the period"))
    unit_key = models.PositiveIntegerField(_("lead unit"), default=0)
    territory_key = models.PositiveIntegerField(_("territory"), default=0)
    category_key = models.PositiveIntegerField(_("first-level category"), default=0)

    class Meta:
        verbose_name = _("period statistics")
        verbose_name_plural = _("period statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "grain", "period", "unit_key", "territory_key", "category_key"],
                name="metrics_period_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.grain} {self.period}"


for _name in STAT_FIELDS:
    models.PositiveIntegerField(_name.replace("_", " "), default=0).contribute_to_class(PeriodStat, _name)
del _name
