"""The ledger (台账): one row per citizen message, with what hangs off it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import Mailbox, OrgUnit
from wenzheng.casework.models.category import Category
from wenzheng.casework.workflow import State
from wenzheng.core.choices import choice_label
from wenzheng.core.fields import BlindIndexedModel, BlindIndexedQuerySet, BlindIndexField, EncryptedCharField


class Channel(models.TextChoices):
    WEB = "web", _("Web message board")
    MAILBOX = "mailbox", _("Leader mailbox")
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")
    WEIBO = "weibo", _("Microblog")
    BOARD = "board", _("External message board")
    OPEN311 = "open311", _("Open311")
    API = "api", _("Partner API")
    LIVE = "live", _("Live Q&A")


class Grade(models.TextChoices):
    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    MAJOR = "major", _("Major and sensitive")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class CaseCounter(models.Model):
    """The gapless number sequence of one organisation and year, advanced inside the registering
    transaction so a rolled-back registration gives its number back."""

    org = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}: {self.value}"


class Case(BlindIndexedModel):
    # Identity
    # Foreign keys led by a composite index below get no index of their own (db_index=False), and
    # those that are mostly empty get partial indexes: every index is paid on each insert.
    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="ledger_cases",
        db_index=False,
    )
    # Unique through Meta.constraints: no extra pattern index (the number is never searched by LIKE).
    number = models.CharField(_("case number"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence in year"))
    # Source
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(
        _("source"), max_length=60, blank=True, help_text=_("e.g. an external board's name")
    )
    external_ref = models.CharField(_("external reference"), max_length=120, blank=True)
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("addressee"), null=True, blank=True, db_index=False, on_delete=models.PROTECT
    )
    # Content
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    # The citizen (an account, or an anonymous submitter who tracks with the query code)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen account"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    # Encrypted at rest; found by its blind index (wenzheng/core/crypto.py, docs/security.md).
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    contact_phone_index = BlindIndexField(
        _("contact phone (blind index)"), source="contact_phone", normalise="phone"
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    query_code_hash = models.CharField(
        _("query code (keyed hash)"), max_length=64, blank=True, editable=False
    )
    is_public = models.BooleanField(_("public"), default=True)
    # Registration
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, db_index=False, on_delete=models.PROTECT
    )
    territory = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, default=Grade.GENERAL)
    proposed_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("proposed unit"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handling_opinion = models.TextField(_("intake handling opinion"), blank=True)
    # Responsibility
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="lead_cases",
    )
    co_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("co-handling units"),
        through="CoHandling",
        related_name="co_cases",
        blank=True,
    )
    # Progress
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED)
    handling_round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    is_key_supervised = models.BooleanField(_("key supervision"), default=False)
    urge_count = models.PositiveSmallIntegerField(_("times urged"), default=0)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    # Timestamps of every step (the latest occurrence; the full history is the event log)
    received_at = models.DateTimeField(_("received at"))
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    drafted_at = models.DateTimeField(_("reply drafted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    # Optimistic concurrency and the head of the event chain: version == number of events.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    last_event_hash = models.CharField(_("last event hash"), max_length=64, blank=True, editable=False)

    objects = BlindIndexedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["org", "year", "seq"], name="case_seq_unique"),
            models.UniqueConstraint(
                fields=["channel", "source", "external_ref"],
                condition=~Q(external_ref=""),
                name="case_external_ref_unique",
            ),
        ]
        indexes = [
            # Keyset pagination and the queues of each role: newest first within a state / unit.
            models.Index(fields=["org", "state", "-received_at", "-id"], name="case_org_state_recv"),
            models.Index(
                fields=["lead_unit", "state", "-received_at", "-id"],
                name="case_lead_state_recv",
                condition=Q(lead_unit__isnull=False),
            ),
            models.Index(fields=["-received_at", "-id"], name="case_recv"),
            models.Index(
                fields=["category", "-received_at"],
                name="case_category_recv",
                condition=Q(category__isnull=False),
            ),
            models.Index(
                fields=["territory", "-received_at"],
                name="case_territory_recv",
                condition=Q(territory__isnull=False),
            ),
            models.Index(
                fields=["citizen", "-received_at"],
                name="case_citizen_recv",
                condition=Q(citizen__isnull=False),
            ),
            # Rarely set: only the rows that have them are indexed.
            models.Index(fields=["mailbox"], name="case_mailbox", condition=Q(mailbox__isnull=False)),
            models.Index(
                fields=["proposed_unit"], name="case_proposed_unit", condition=Q(proposed_unit__isnull=False)
            ),
            models.Index(
                fields=["merged_into"], name="case_merged_into", condition=Q(merged_into__isnull=False)
            ),
            # Duplicate detection: the same caller, and what arrived around the same time.
            models.Index(
                fields=["org", "contact_phone_index", "-received_at"], name="case_org_phoneidx_recv"
            ),
            models.Index(fields=["org", "-received_at", "-id"], name="case_org_recv"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_closed(self) -> bool:
        from wenzheng.casework.workflow import TERMINAL

        return self.state in TERMINAL

    # The labels of state, grade and channel for lists (get_…_display rebuilds the choices per call).
    @property
    def state_label(self) -> str:
        return choice_label(self, "state")

    @property
    def grade_label(self) -> str:
        return choice_label(self, "grade")

    @property
    def channel_label(self) -> str:
        return choice_label(self, "channel")


class CoHandling(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="co_handlings"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"), blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opinion by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion_at = models.DateTimeField(_("opinion at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-handling unit")
        verbose_name_plural = _("co-handling units")
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="cohandling_unique")]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.unit}"


class Attachment(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_result = models.BooleanField(_("written result"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Signed off, in review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected in review")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Reply(models.Model):
    """The lead unit's answer (答复意见), one row per draft so that review history is kept."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="replies", db_index=False
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    handling_round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    body = models.TextField(_("reply"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [
            models.Index(fields=["case", "-drafted_at"]),
            models.Index(
                fields=["signed_off_by"], name="reply_signed_off_by", condition=Q(signed_off_by__isnull=False)
            ),
            models.Index(
                fields=["reviewed_by"], name="reply_reviewed_by", condition=Q(reviewed_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_status_display()}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("working days requested"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # At most one open request per case: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="extension_one_pending_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} +{self.working_days} · {self.get_status_display()}"


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("Phone inquiry")
    CITIZEN = "citizen", _("Netizen evaluation")
    ONSITE = "onsite", _("On-site or undercover check")


class FollowUp(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    method = models.CharField(_("method"), max_length=10, choices=FollowUpMethod.choices)
    result = models.CharField(_("result"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_result_display()}"


class CaseLink(models.Model):
    """Two cases about the same matter that both stay open (unlike a merge): e.g. the same problem
    raised by different citizens, handled together."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="links_out")
    other = models.ForeignKey(
        Case, verbose_name=_("related case"), on_delete=models.CASCADE, related_name="links_in"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="case_link_unique"),
            models.CheckConstraint(condition=~Q(case=models.F("other")), name="case_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.other_id}"
