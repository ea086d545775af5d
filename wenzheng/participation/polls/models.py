"""Online polls (网上投票): single or multiple choice, an open period, one ballot per verified citizen.

Eligibility: a logged-in portal account with a mobile number. The portal registers citizens by
mobile number (unique per account, through its blind index) without an SMS check, so "verified"
here means "the account's phone from registration". ``Ballot.voter_key`` keeps the number's blind
index (never the number itself), so a number moved to another account still votes once. Totals are counters on ``Poll`` and ``Choice`` raised in the same transaction as the
ballot row, whose unique constraints make a replayed or parallel second ballot fail and roll back
the counters with it (see actions.do_cast_ballot and docs/participation.md).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PollKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class ResultsVisibility(models.TextChoices):
    ALWAYS = "always", _("Results shown while the poll runs")
    AFTER_CLOSE = "after_close", _("Results hidden until the poll closes")


class PollPhase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Not yet open")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Ended")


class Poll(models.Model):
    organiser = models.ForeignKey(
        OrgUnit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="polls"
    )
    title = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PollKind.choices, default=PollKind.SINGLE)
    min_choices = models.PositiveSmallIntegerField(_("minimum choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("maximum choices"), default=1)
    results_visibility = models.CharField(
        _("results"), max_length=12, choices=ResultsVisibility.choices, default=ResultsVisibility.ALWAYS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    ballot_count = models.PositiveIntegerField(_("ballots"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [models.Index(fields=["status", "closes_at"], name="poll_status_closes")]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="poll_period"),
            models.CheckConstraint(
                condition=Q(min_choices__gte=1, max_choices__gte=F("min_choices")), name="poll_choice_bounds"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now: datetime) -> PollPhase:
        if self.status == PollStatus.DRAFT:
            return PollPhase.DRAFT
        if now < self.opens_at:
            return PollPhase.UPCOMING
        if now < self.closes_at:
            return PollPhase.OPEN
        return PollPhase.CLOSED

    def is_open(self, now: datetime) -> bool:
        return self.phase(now) == PollPhase.OPEN

    def results_public(self, now: datetime) -> bool:
        phase = self.phase(now)
        if phase == PollPhase.CLOSED:
            return True
        return phase == PollPhase.OPEN and self.results_visibility == ResultsVisibility.ALWAYS


class Choice(models.Model):
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("choice"), max_length=200)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["poll", "position"]
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="choice_position_unique")]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="ballots")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    # The blind index of the voter's mobile number (accounts.User.phone_index): unique per poll.
    voter_key = models.CharField(_("voter key"), max_length=64)
    cast_at = models.DateTimeField(_("cast at"))
    choices = models.ManyToManyField(Choice, through="BallotChoice", related_name="+")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            # The guarantee against replays and parallel requests: the database refuses a second ballot.
            models.UniqueConstraint(fields=["poll", "citizen"], name="ballot_one_per_citizen"),
            models.UniqueConstraint(fields=["poll", "voter_key"], name="ballot_one_per_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}/{self.pk}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="marks")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "choice"], name="ballot_choice_unique")]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.choice_id}"
